// The Advanced StatefulSet controller binary: flags → manager → controller.
import { NAMESPACE_FLAG, runController } from "@kruise/sdk";
import { addStatefulSetController, CONTROLLER_NAME } from "./controller.ts";

await runController(
  {
    name: CONTROLLER_NAME,
    summary:
      "reconciles apps.kruise.io Advanced StatefulSets: ordinal pods and PVCs, OrderedReady/Parallel scaling, rolling and in-place updates, partitions, reserved ordinals",
    extra: {
      "statefulset-workers": {
        type: "integer",
        description: "Concurrent StatefulSet reconciles.",
        default: 3,
      },
      namespace: NAMESPACE_FLAG,
    },
  },
  (mgr, flags) => {
    addStatefulSetController(mgr, {
      workers: flags.extra["statefulset-workers"],
      bus: mgr.eventBus,
      namespace: flags.extra.namespace,
    });
  },
);
