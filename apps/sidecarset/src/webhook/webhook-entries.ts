// One mutating webhook entry per SidecarSet, scoped with its selectors, so that the API server only ever sends us
// pods that some SidecarSet selects: a pod nobody selects is created without us, even while we are down.
import type { LabelSelector } from "kubernetes-types/meta/v1.js";
import type { SidecarSet } from "@kruise/api";
import type { MutatingWebhookSpec, ReadOnly } from "@kruise/sdk";
import { NAMESPACE_NAME_LABEL, effectiveNamespaceSelector } from "../injection/matching.ts";
import { POD_WEBHOOK_PATH } from "./pod-webhook.ts";

/** Namespaces no SidecarSet ever injects into, besides the controller's own. */
export const SYSTEM_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease"] as const;

export const webhookEntryName = (sidecarSet: string): string => `${sidecarSet}.sidecarset.kruise.io`;

/**
 * The entries for every SidecarSet whose injection is not paused, sorted by name (a stable configuration). Each
 * one's failurePolicy is Ignore: the ValidatingAdmissionPolicy (injection-policy.ts) refuses a selected pod that
 * arrives without its sidecars, with a message naming the SidecarSet and the fix, so a selected pod still fails
 * closed, and says why.
 */
export function webhookEntries(
  sidecarSets: readonly ReadOnly<SidecarSet>[],
  excludedNamespaces: readonly string[],
): MutatingWebhookSpec[] {
  return sidecarSets
    .filter((ss) => !ss.spec?.injectionStrategy?.paused && ss.spec?.selector)
    .map((ss) => ({ ss, name: ss.metadata?.name ?? "" }))
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map(({ ss, name }) => {
      const nsSel = effectiveNamespaceSelector(ss);
      const namespaceSelector: LabelSelector = {
        ...(nsSel?.matchLabels ? { matchLabels: { ...nsSel.matchLabels } } : {}),
        matchExpressions: [
          ...((nsSel?.matchExpressions ?? []) as LabelSelector["matchExpressions"] & object),
          { key: NAMESPACE_NAME_LABEL, operator: "NotIn", values: [...excludedNamespaces] },
        ],
      };
      return {
        name: webhookEntryName(name),
        path: POD_WEBHOOK_PATH,
        rules: [
          {
            operations: ["CREATE"],
            apiGroups: [""],
            apiVersions: ["v1"],
            resources: ["pods"],
            scope: "Namespaced",
          },
        ],
        objectSelector: structuredClone(ss.spec!.selector) as LabelSelector,
        namespaceSelector,
        failurePolicy: "Ignore",
        matchPolicy: "Equivalent",
        reinvocationPolicy: "Never",
        timeoutSeconds: 10,
      };
    });
}
