// A manager whose reconciles take a while, for the SIGTERM test: it logs when each reconcile starts and ends.
import type { ConfigMap } from "kubernetes-types/core/v1.js";
import pino from "pino";
import { runManager } from "../../src/index.ts";
import type { Kind } from "../../src/index.ts";

const ConfigMapKind: Kind<ConfigMap> = {
  group: "",
  version: "v1",
  kind: "ConfigMap",
  plural: "configmaps",
  namespaced: true,
};
const [kubeconfig, namespace] = process.argv.slice(2);

await runManager(
  {
    name: "busy",
    kubeconfig: kubeconfig!,
    metricsBindAddress: "0",
    healthProbeBindAddress: "0",
    logger: pino({ level: "info" }),
    shutdownTimeoutMs: 10_000,
  },
  (mgr) => {
    // runManager has re-executed this process (same pid) with its default V8 flags by now.
    mgr.log.info({ event: "setup", pid: process.pid, execArgv: process.execArgv }, "setup");
    mgr
      .controller("busy")
      .for(ConfigMapKind)
      .workers(3)
      .reconcile(async ({ namespace: ns, name }, { client, clock, log }) => {
        if (ns !== namespace) return;
        log.info({ event: "reconcile-start" }, "start");
        await clock.sleep(1500);
        await client.patch(ConfigMapKind, name, ns, "merge", { metadata: { annotations: { done: "yes" } } });
        log.info({ event: "reconcile-end" }, "end");
      });
  },
);
