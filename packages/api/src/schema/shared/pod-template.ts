import {
  array,
  freeform,
  int32,
  int64,
  object,
  string,
  type ArrayNode,
  type CelRule,
  type ObjectNode,
  type SchemaNode,
} from "../builder.ts";
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
  /**
   * Declare, as schema defaults, the pod defaults OpenKruise's webhook writes into this kind's template
   * (CloneSet, Advanced StatefulSet), so that `kubectl get -o yaml` shows them with no webhook.
   */
  readonly webhookDefaults?: boolean;
}

const keep = { preserveUnknownFields: true } as const;

function httpGetDefaults(): ObjectNode {
  return object(
    "HTTP GET handler.",
    {
      path: string("Path to access on the HTTP server. Defaults to /.", { default: "/" }),
      scheme: string("Scheme to use for connecting to the host. Defaults to HTTP.", { default: "HTTP" }),
    },
    keep,
  );
}

function probeDefaults(what: string): ObjectNode {
  return object(
    `${what} probe of the container.`,
    {
      timeoutSeconds: int32("Seconds after which the probe times out. Defaults to 1.", { default: 1 }),
      periodSeconds: int32("How often (in seconds) to perform the probe. Defaults to 10.", { default: 10 }),
      successThreshold: int32("Consecutive successes for the probe to count as successful. Defaults to 1.", {
        default: 1,
      }),
      failureThreshold: int32("Consecutive failures for the probe to count as failed. Defaults to 3.", {
        default: 3,
      }),
      httpGet: httpGetDefaults(),
    },
    keep,
  );
}

function fieldRefItems(description: string): ArrayNode {
  return array(
    description,
    object("An item with an optional field reference.", { fieldRef: fieldRefDefaults() }, keep),
  );
}

function fieldRefDefaults(): ObjectNode {
  return object(
    "Selects a field of the pod.",
    {
      apiVersion: string("Version of the schema the field path is written in. Defaults to v1.", {
        default: "v1",
      }),
    },
    keep,
  );
}

/** Container fields with pod defaults; app containers also pull Always when they set no policy (OpenKruise). */
function containerDefaults(app: boolean): Record<string, SchemaNode> {
  return {
    ...(app
      ? {
          imagePullPolicy: string(
            "Image pull policy: Always, Never or IfNotPresent. Defaults to Always (as OpenKruise, for in-place updates).",
            { default: "Always" },
          ),
        }
      : {}),
    terminationMessagePath: string(
      "Path of the container's termination message. Defaults to /dev/termination-log.",
      {
        default: "/dev/termination-log",
      },
    ),
    terminationMessagePolicy: string(
      "How the termination message is filled: File or FallbackToLogsOnError. Defaults to File.",
      {
        default: "File",
      },
    ),
    resources: freeform("Compute resources the container requires.", { default: {} }),
    ports: array(
      "Ports to expose from the container.",
      object(
        "A container port.",
        { protocol: string("Protocol for the port: TCP, UDP or SCTP. Defaults to TCP.", { default: "TCP" }) },
        keep,
      ),
    ),
    env: array(
      "Environment variables to set in the container.",
      object(
        "An environment variable.",
        {
          valueFrom: object("Source of the variable's value.", { fieldRef: fieldRefDefaults() }, keep),
        },
        keep,
      ),
    ),
    livenessProbe: probeDefaults("Liveness"),
    readinessProbe: probeDefaults("Readiness"),
    startupProbe: probeDefaults("Startup"),
    lifecycle: object(
      "Actions the kubelet takes on container lifecycle events.",
      {
        postStart: object(
          "Handler run right after the container starts.",
          { httpGet: httpGetDefaults() },
          keep,
        ),
        preStop: object("Handler run before the container is stopped.", { httpGet: httpGetDefaults() }, keep),
      },
      keep,
    ),
  };
}

function modeDefault(what: string): ObjectNode {
  return object(
    `${what} volume source.`,
    { defaultMode: int32("Mode bits of the created files. Defaults to 0644 (420).", { default: 420 }) },
    keep,
  );
}

function volumeDefaults(): ObjectNode {
  return object(
    "A volume of the pod.",
    {
      hostPath: object(
        "A host path volume source.",
        { type: string('Type of the host path. Defaults to "" (no check).', { default: "" }) },
        keep,
      ),
      secret: modeDefault("Secret"),
      configMap: modeDefault("ConfigMap"),
      downwardAPI: object(
        "Downward API volume source.",
        {
          defaultMode: int32("Mode bits of the created files. Defaults to 0644 (420).", { default: 420 }),
          items: fieldRefItems("Files to create."),
        },
        keep,
      ),
      projected: object(
        "Projected volume source.",
        {
          defaultMode: int32("Mode bits of the created files. Defaults to 0644 (420).", { default: 420 }),
          sources: array(
            "Projected sources.",
            object(
              "A projected source.",
              {
                downwardAPI: object(
                  "Downward API projection.",
                  { items: fieldRefItems("Files to create.") },
                  keep,
                ),
                serviceAccountToken: object(
                  "Service account token projection.",
                  {
                    expirationSeconds: int64("Requested lifetime of the token. Defaults to 3600.", {
                      default: 3600,
                    }),
                  },
                  keep,
                ),
              },
              keep,
            ),
          ),
        },
        keep,
      ),
    },
    keep,
  );
}

/** PodSpec fields with defaults (Kubernetes' SetDefaults_PodSpec, as OpenKruise's webhook applies it). */
function podSpecDefaults(): Record<string, SchemaNode> {
  return {
    dnsPolicy: string("DNS policy of the pod. Defaults to ClusterFirst.", { default: "ClusterFirst" }),
    schedulerName: string("Scheduler that places the pod. Defaults to default-scheduler.", {
      default: "default-scheduler",
    }),
    terminationGracePeriodSeconds: int64(
      "Seconds the pod is given to terminate gracefully. Defaults to 30.",
      {
        default: 30,
      },
    ),
    securityContext: freeform("Pod-level security attributes.", { default: {} }),
    initContainers: array(
      "Containers run to completion, in order, before the app containers start.",
      object("An init container.", containerDefaults(false), keep),
    ),
    volumes: array("Volumes the pod's containers can mount.", volumeDefaults()),
  };
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
          ...(opts.webhookDefaults === true ? podSpecDefaults() : {}),
          restartPolicy: string(
            `Restart policy for all containers of the pod. Must be one of: ${opts.restartPolicies.join(", ")}.`,
            {
              ...(opts.webhookDefaults === true && opts.restartPolicies.includes("Always")
                ? { default: "Always" }
                : {}),
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
                ...(opts.webhookDefaults === true ? containerDefaults(true) : {}),
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
