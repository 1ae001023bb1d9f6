export { startControlPlane } from "./control-plane.ts";
export { findBinaries, REQUIRED_BINARIES } from "./binaries.ts";
export { ControlPlaneError } from "./errors.ts";
export type { RegistryInfo } from "./components/registry.ts";
export { realNodeSupport } from "./realnode/support.ts";
export { REAL_NODE_LABEL, MAX_REAL_NODES } from "./realnode/layout.ts";
export type {
  ClientRate,
  ControlPlane,
  ControlPlaneOptions,
  ControlPlanePorts,
  KubectlResult,
  StartupTimings,
} from "./types.ts";
export { SimKubelet, type KubeletStats } from "./kubelet/sim-kubelet.ts";
export {
  DEFAULT_KUBELET_OPTIONS,
  type KubeletOptions,
  type NodeCapacity,
} from "./kubelet/kubelet-options.ts";
export type { PodFaults } from "./kubelet/pod-faults.ts";
export type { SimNode } from "./kubelet/sim-node.ts";
export * from "./kubelet/annotations.ts";
export { Supervisor, type SupervisorSpec, type SupervisorStatus } from "./process/supervisor.ts";
export {
  NATS_ADMIN_USER,
  natsConnectOptions,
  natsPermissions,
  natsStreamManagement,
  type NatsUser,
  type NatsUserGrant,
} from "./components/nats-auth.ts";
export {
  natsClosedConnections,
  natsCredentialRefusals,
  natsPlaintextReply,
  natsRefusal,
  type NatsClosedConnection,
  type NatsCredentialRefusals,
  type NatsPlaintextReply,
} from "./components/nats-refusals.ts";
