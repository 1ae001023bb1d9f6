// The BroadcastJob controller binary: flags → manager → controller. Everything else lives in controller.ts.
import { runController, workersFlag } from "@kruise/sdk";
import { addBroadcastJobController, CONTROLLER_NAME } from "./controller.ts";

await runController(
  {
    name: CONTROLLER_NAME,
    summary: "runs a pod to completion on every eligible node, for each apps.kruise.io BroadcastJob",
    extra: {
      workers: workersFlag("BroadcastJob"),
      "assign-bcj-pods-by-scheduler": {
        type: "boolean",
        description:
          "true: bind pods to their node with node affinity and let kube-scheduler place them; false: set spec.nodeName.",
        default: true,
      },
    },
  },
  (mgr, flags) => {
    addBroadcastJobController(mgr, {
      workers: flags.extra.workers,
      assignByScheduler: flags.extra["assign-bcj-pods-by-scheduler"],
    });
  },
);
