// The Advanced DaemonSet controller binary: flags → manager → controller. Everything else lives in controller.ts.
import { runController, workersFlag } from "@kruise/sdk";
import { addDaemonSetController, CONTROLLER_NAME } from "./controller.ts";

await runController(
  {
    name: CONTROLLER_NAME,
    summary:
      "runs one pod on every eligible node for each apps.kruise.io DaemonSet, rolled out by partition, node selector, surge or in place",
    extra: {
      "daemonset-workers": workersFlag("DaemonSet"),
    },
  },
  (mgr, flags) => {
    addDaemonSetController(mgr, { workers: flags.extra["daemonset-workers"] });
  },
);
