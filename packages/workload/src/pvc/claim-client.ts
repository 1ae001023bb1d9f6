import { isNotFound, PersistentVolumeClaimKind, type KubeObject } from "@kruise/sdk";
import type { PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1.js";
import type { OwnerReference } from "kubernetes-types/meta/v1.js";
import type { WorkloadDeps } from "../kit/deps.ts";

/**
 * The owner references of a claim handed from its workload to its pod (OpenKruise's updateClaimOwnerRefToPod): the
 * workload's reference removed, a controller reference to the pod added (once).
 */
export function claimOwnersForPod(
  claim: PersistentVolumeClaim,
  workloadUid: string,
  pod: Pod,
): OwnerReference[] {
  const podUid = pod.metadata?.uid ?? "";
  const kept = (claim.metadata?.ownerReferences ?? []).filter((r) => r.uid !== workloadUid);
  if (kept.some((r) => r.uid === podUid)) return kept;
  return [
    ...kept,
    {
      apiVersion: "v1",
      kind: "Pod",
      name: pod.metadata?.name ?? "",
      uid: podUid,
      controller: true,
      blockOwnerDeletion: true,
    },
  ];
}

/**
 * Gives a claim to its pod (scaleStrategy.disablePVCReuse with a pod that is no longer active): the garbage collector
 * then deletes the claim with the pod, and the workload no longer lists it as its own.
 *
 * Guarantees: one merge patch guarded by the claim's resourceVersion; a claim already gone is not an error. A
 * failure records OpenKruise's Warning `FailedUpdate` ("failed to update PVC <name>: <error>") and throws.
 */
export async function handOverClaimToPod(
  deps: Pick<WorkloadDeps, "client" | "recorder">,
  workload: KubeObject,
  claim: PersistentVolumeClaim,
  pod: Pod,
): Promise<void> {
  const name = claim.metadata?.name ?? "";
  try {
    await deps.client.patch(PersistentVolumeClaimKind, name, claim.metadata?.namespace, "merge", {
      metadata: {
        resourceVersion: claim.metadata?.resourceVersion,
        ownerReferences: claimOwnersForPod(claim, workload.metadata?.uid ?? "", pod),
      },
    });
  } catch (err) {
    if (isNotFound(err)) return;
    const message = err instanceof Error ? err.message : String(err);
    deps.recorder.event(workload, "Warning", "FailedUpdate", `failed to update PVC ${name}: ${message}`);
    throw err;
  }
}
