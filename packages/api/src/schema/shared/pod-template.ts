import { array, freeform, int64, object, string, type CelRule, type ObjectNode } from "../builder.ts";
import { selectorMatchesLabels } from "../cel.ts";
import { labelMap } from "./label-syntax.ts";

export interface PodTemplateOptions {
  readonly kindName: string;
  /** Restart policies OpenKruise accepts for this kind's pods. */
  readonly restartPolicies: readonly string[];
  /** OpenKruise forbids activeDeadlineSeconds on long-running workloads' pods. */
  readonly forbidActiveDeadline: boolean;
  /** Jobs must say how their pods restart: the pod default (Always) is not allowed for them. */
  readonly requireRestartPolicy?: boolean;
}

/**
 * core/v1 PodTemplateSpec. OpenKruise stores it schemaless (every field kept), and so do we; only the few
 * properties our CEL rules read are declared: labels, restartPolicy, activeDeadlineSeconds, container names
 * and images, readiness gates.
 */
export function podTemplate(description: string, opts: PodTemplateOptions): ObjectNode {
  const policies = opts.restartPolicies.map((p) => `'${p}'`).join(", ");
  const specRules: CelRule[] = opts.forbidActiveDeadline
    ? [
        {
          rule: "!has(self.activeDeadlineSeconds)",
          message: `activeDeadlineSeconds is not allowed in a ${opts.kindName} pod template: its pods are meant to keep running`,
          fieldPath: ".activeDeadlineSeconds",
          reason: "FieldValueForbidden",
        },
      ]
    : [];
  if (opts.requireRestartPolicy) {
    specRules.push({
      rule: "has(self.restartPolicy)",
      message: `a ${opts.kindName} pod template must set restartPolicy to ${opts.restartPolicies.join(" or ")}`,
      fieldPath: ".restartPolicy",
      reason: "FieldValueRequired",
    });
  }
  return object(
    description,
    {
      metadata: object(
        "Standard object metadata of the pods created from this template.",
        {
          // maxProperties bounds the cost of checking every key's syntax.
          labels: labelMap("Labels put on every pod. They must match the selector.", {
            maxProperties: 256,
          }),
          annotations: freeform("Annotations put on every pod."),
        },
        { preserveUnknownFields: true, tsName: "PodTemplateMetadata" },
      ),
      spec: object(
        "Specification of the desired behaviour of the pods. More info: https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#PodSpec",
        {
          restartPolicy: string(
            `Restart policy for all containers of the pod. Must be one of: ${opts.restartPolicies.join(", ")}.`,
            {
              rules: [
                {
                  rule: `self in [${policies}]`,
                  message: `a ${opts.kindName} pod template must use restartPolicy ${opts.restartPolicies.join(" or ")}`,
                },
              ],
            },
          ),
          activeDeadlineSeconds: int64(
            "Duration in seconds the pod may be active before the kubelet kills it.",
          ),
          containers: array(
            "The pod's containers.",
            object(
              "A container of the pod.",
              {
                name: string("Name of the container (DNS label).", { maxLength: 63 }),
                image: string("Container image name."),
              },
              { preserveUnknownFields: true, tsName: "PodTemplateContainer" },
            ),
            { maxItems: 256 },
          ),
          readinessGates: array(
            "Extra conditions that must be True before the pod counts as ready (e.g. InPlaceUpdateReady).",
            object(
              "A pod readiness gate.",
              { conditionType: string("Type of the pod condition the gate waits for.", { maxLength: 316 }) },
              { preserveUnknownFields: true, tsName: "PodTemplateReadinessGate" },
            ),
            { maxItems: 64 },
          ),
        },
        { preserveUnknownFields: true, rules: specRules, tsName: "PodTemplateSpecSubset" },
      ),
    },
    {
      preserveUnknownFields: true,
      tsExternal: { name: "PodTemplateSpec", module: "core/v1" },
      tsName: "PodTemplateSpec",
    },
  );
}

/** Rule, placed on a spec holding `selector` and `template`: the selector must select the template's labels. */
export function selectorMatchesTemplate(kindName: string): CelRule {
  return {
    rule:
      "!has(self.selector) || !has(self.template) || " +
      selectorMatchesLabels(
        "self.selector",
        "self.template.metadata.labels",
        "(has(self.template.metadata) && has(self.template.metadata.labels))",
      ),
    message: `selector does not match template labels: every pod the ${kindName} creates must be selected by spec.selector`,
    fieldPath: ".selector",
  };
}
