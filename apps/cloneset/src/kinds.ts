// Core kinds the controller reads and writes. @kruise/workload defines the same descriptors; re-exported from
// there so the whole app uses one set.
export { ControllerRevisionKind, PersistentVolumeClaimKind, PodKind } from "@kruise/workload";
