// A control plane of its own, for tests that disturb it (stop the apiserver or NATS, compact etcd): @kruise/testenv's
// startControlPlane() with only what the SDK needs (no nodes, CRDs, controller-manager or scheduler).
import { startControlPlane } from "@kruise/testenv";
import type { ControlPlane, ControlPlaneOptions } from "@kruise/testenv";

export function startPrivateControlPlane(
  options: { nats?: boolean; watchCache?: boolean; natsUsers?: ControlPlaneOptions["natsUsers"] } = {},
): Promise<ControlPlane> {
  return startControlPlane({
    nodes: 0,
    controllerManager: false,
    scheduler: false,
    crdsDir: false,
    nats: options.nats ?? false,
    ...(options.watchCache === undefined ? {} : { watchCache: options.watchCache }),
    ...(options.natsUsers === undefined ? {} : { natsUsers: options.natsUsers }),
  });
}
