// The fail-closed half of injection: a ValidatingAdmissionPolicy, evaluated inside the API server, that refuses a
// pod CREATE when a SidecarSet selects the pod but the pod arrives without that SidecarSet's injection. With it the
// webhook entries can use failurePolicy Ignore: while we are down, a selected pod is refused with a message naming
// the SidecarSet and the kubectl fix, instead of the API server's "failed calling webhook".
import { createHash } from "node:crypto";
import { SIDECARSET_INJECTED_LIST_ANNOTATION } from "@kruise/api";
import type { Client, Kind } from "@kruise/sdk";
import { isNotFound, MutatingWebhookConfigurationKind } from "@kruise/sdk";
import { NAMESPACE_NAME_LABEL } from "../injection/matching.ts";
import { WEBHOOK_CONFIGURATION_NAME } from "./names.ts";

export const INJECTION_POLICY_NAME = "kruise-sidecarset-injection";
const HASH_ANNOTATION = "sidecarset.kruise.io/spec-hash";

interface PolicyObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: OwnerReference[];
  };
  spec: Record<string, unknown>;
}

interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

export const ValidatingAdmissionPolicyKind: Kind<PolicyObject> = {
  group: "admissionregistration.k8s.io",
  version: "v1",
  kind: "ValidatingAdmissionPolicy",
  plural: "validatingadmissionpolicies",
  namespaced: false,
};
export const ValidatingAdmissionPolicyBindingKind: Kind<PolicyObject> = {
  group: "admissionregistration.k8s.io",
  version: "v1",
  kind: "ValidatingAdmissionPolicyBinding",
  plural: "validatingadmissionpolicybindings",
  namespaced: false,
};

/** CEL: does LabelSelector `s` match label map `l`? (matchLabels and the four operators) */
function selectorMatches(s: string, l: string): string {
  return (
    `(${s}.?matchLabels.orValue({}).all(k, k in ${l} && ${l}[k] == ${s}.matchLabels[k]) && ` +
    `${s}.?matchExpressions.orValue([]).all(r, ` +
    `r.operator == 'In' ? (r.key in ${l} && ${l}[r.key] in r.?values.orValue([])) : ` +
    `r.operator == 'NotIn' ? !(r.key in ${l} && ${l}[r.key] in r.?values.orValue([])) : ` +
    `r.operator == 'Exists' ? r.key in ${l} : ` +
    `r.operator == 'DoesNotExist' ? !(r.key in ${l}) : false))`
  );
}

/** The policy (params: every SidecarSet) and its binding, which leaves out the given namespaces. */
export function injectionPolicy(excludedNamespaces: readonly string[]): [PolicyObject, PolicyObject] {
  const fix =
    '\' + params.metadata.name + \' --type merge -p \\\'{"spec":{"injectionStrategy":{"paused":true}}}\\\'\'';
  const policy: PolicyObject = {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingAdmissionPolicy",
    metadata: { name: INJECTION_POLICY_NAME, labels: { "app.kubernetes.io/part-of": "kruise-ts" } },
    spec: {
      failurePolicy: "Fail",
      paramKind: { apiVersion: "apps.kruise.io/v1alpha1", kind: "SidecarSet" },
      matchConstraints: {
        resourceRules: [
          { apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["pods"] },
        ],
      },
      variables: [
        { name: "labels", expression: "object.metadata.?labels.orValue({})" },
        { name: "nsLabels", expression: "namespaceObject.metadata.?labels.orValue({})" },
        {
          name: "selected",
          expression:
            `!params.spec.?injectionStrategy.?paused.orValue(false) && ` +
            `(!has(params.spec.__namespace__) || params.spec.__namespace__ == namespaceObject.metadata.name) && ` +
            `(!has(params.spec.namespaceSelector) || ${selectorMatches("params.spec.namespaceSelector", "variables.nsLabels")}) && ` +
            selectorMatches("params.spec.selector", "variables.labels"),
        },
        {
          name: "injected",
          expression: `object.metadata.?annotations['${SIDECARSET_INJECTED_LIST_ANNOTATION}'].orValue('').split(',').exists(n, n == params.metadata.name)`,
        },
      ],
      validations: [
        {
          expression: "!variables.selected || variables.injected",
          messageExpression:
            "'SidecarSet ' + params.metadata.name + ' selects this pod but its sidecars were not injected: the sidecarset " +
            "controller\\'s webhook is not reachable. Start the sidecarset controller, or create pods without these sidecars " +
            "until it is back: kubectl patch sidecarset " +
            fix,
          reason: "Forbidden",
        },
      ],
    },
  };
  const binding: PolicyObject = {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingAdmissionPolicyBinding",
    metadata: { name: INJECTION_POLICY_NAME, labels: { "app.kubernetes.io/part-of": "kruise-ts" } },
    spec: {
      policyName: INJECTION_POLICY_NAME,
      validationActions: ["Deny"],
      paramRef: { selector: {}, parameterNotFoundAction: "Allow" },
      matchResources: {
        namespaceSelector: {
          matchExpressions: [
            { key: NAMESPACE_NAME_LABEL, operator: "NotIn", values: [...excludedNamespaces] },
          ],
        },
      },
    },
  };
  return [policy, binding];
}

/**
 * Creates or updates both objects when they differ from what we last wrote (a hash annotation): converged, no write.
 *
 * # Guarantees
 * - Both are owned by the webhook configuration they back (kruise-sidecarset-injection, which the chart ships), so
 *   they go with it: `helm uninstall` deletes the configuration, and the garbage collector the policy and binding.
 *
 * # Caveats
 * - Without that configuration (not yet written, e.g. `npm start` before the webhook serves), they are written
 *   without an owner and get one on the next call that finds it.
 */
export async function ensureInjectionPolicy(
  client: Client,
  excludedNamespaces: readonly string[],
): Promise<void> {
  const [policy, binding] = injectionPolicy(excludedNamespaces);
  const owner = await webhookConfigurationOwner(client);
  await ensure(client, ValidatingAdmissionPolicyKind, policy, owner);
  await ensure(client, ValidatingAdmissionPolicyBindingKind, binding, owner);
}

async function webhookConfigurationOwner(client: Client): Promise<OwnerReference | undefined> {
  try {
    const configuration = await client.get(MutatingWebhookConfigurationKind, WEBHOOK_CONFIGURATION_NAME);
    const uid = configuration.metadata?.uid;
    return uid
      ? {
          apiVersion: "admissionregistration.k8s.io/v1",
          kind: "MutatingWebhookConfiguration",
          name: WEBHOOK_CONFIGURATION_NAME,
          uid,
        }
      : undefined;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

async function ensure(
  client: Client,
  kind: Kind<PolicyObject>,
  desired: PolicyObject,
  owner: OwnerReference | undefined,
): Promise<void> {
  const hash = createHash("sha256")
    .update(JSON.stringify([desired.spec, owner?.uid ?? ""]))
    .digest("hex")
    .slice(0, 16);
  let current: PolicyObject | undefined;
  try {
    current = await client.get(kind, desired.metadata.name);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  if (current?.metadata.annotations?.[HASH_ANNOTATION] === hash) return;
  // Others' labels, annotations and owners stay; ours are set.
  const others = (current?.metadata.ownerReferences ?? []).filter(
    (ref) => ref.kind !== "MutatingWebhookConfiguration" || ref.name !== WEBHOOK_CONFIGURATION_NAME,
  );
  const ownerReferences = owner ? [...others, owner] : others;
  const obj: PolicyObject = {
    ...desired,
    metadata: {
      ...current?.metadata,
      ...desired.metadata,
      labels: { ...current?.metadata.labels, ...desired.metadata.labels },
      annotations: { ...current?.metadata.annotations, [HASH_ANNOTATION]: hash },
      ...(ownerReferences.length > 0 ? { ownerReferences } : {}),
    },
  };
  if (!current) {
    await client.create(kind, obj);
    return;
  }
  await client.update(kind, obj);
}
