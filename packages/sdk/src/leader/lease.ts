import type { Lease } from "kubernetes-types/coordination/v1.js";
import type { Kind } from "../kind.ts";

/** coordination.k8s.io/v1 Lease: the object leader election competes for. */
export const leaseKind: Kind<Lease> = {
  group: "coordination.k8s.io",
  version: "v1",
  kind: "Lease",
  plural: "leases",
  namespaced: true,
};

/**
 * metav1.MicroTime as the API server expects it: RFC 3339 with exactly six fractional digits. A Date only
 * knows milliseconds, so the last three digits are always zero.
 */
export function toMicroTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}
