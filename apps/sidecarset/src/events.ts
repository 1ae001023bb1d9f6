// NATS events of the SidecarSet controller (subjects kruise.sidecarset.<namespace or "">.<name>.<event>, from
// @kruise/sdk). Ids are deterministic, so a retry is dropped by JetStream's duplicate window.
import { SIDECARSET_CHANGED_EVENT, sidecarSetChangedId, type SidecarSetChanged } from "@kruise/api";
import type { BusEvent } from "@kruise/sdk";

export const BUS_KIND = "SidecarSet";

export const SidecarSetBusEvent = {
  /** A pod was created with this SidecarSet's sidecars; data: namespace, pod name. */
  Injected: "sidecar-injected",
  /** A pod's sidecars were upgraded in place; data: namespace, pod, uid, hash. */
  Upgraded: "sidecar-upgraded",
  /** The SidecarSet's spec changed (a new revision; a contract, see @kruise/api): data is a SidecarSetChanged. */
  Changed: SIDECARSET_CHANGED_EVENT,
} as const;

export function injectedEvent(sidecarSet: string, namespace: string, pod: string, hash: string): BusEvent {
  return {
    kind: BUS_KIND,
    namespace: "",
    name: sidecarSet,
    event: SidecarSetBusEvent.Injected,
    id: `${sidecarSet}.${namespace}.${pod}.${hash}.${SidecarSetBusEvent.Injected}`,
    data: { namespace, pod, hash },
  };
}

export function upgradedEvent(
  sidecarSet: string,
  namespace: string,
  pod: string,
  uid: string,
  hash: string,
): BusEvent {
  return {
    kind: BUS_KIND,
    namespace: "",
    name: sidecarSet,
    event: SidecarSetBusEvent.Upgraded,
    id: `${uid}.${hash}.${SidecarSetBusEvent.Upgraded}`,
    data: { namespace, pod, uid, hash },
  };
}

export function changedEvent(sidecarSet: string, uid: string, hash: string, revision: string): BusEvent {
  return {
    kind: BUS_KIND,
    namespace: "",
    name: sidecarSet,
    event: SidecarSetBusEvent.Changed,
    id: sidecarSetChangedId(uid, hash),
    data: { hash, revision } satisfies SidecarSetChanged,
  };
}
