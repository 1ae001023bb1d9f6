// The Advanced StatefulSet controller binary: flags → manager → controller.
import { NAMESPACE_FLAG, runController, workersFlag } from "@kruise/sdk";
import { addStatefulSetController, CONTROLLER_NAME } from "./controller.ts";

await runController(
  {
    name: CONTROLLER_NAME,
    summary:
      "reconciles apps.kruise.io Advanced StatefulSets: ordinal pods and PVCs, OrderedReady/Parallel scaling, rolling and in-place updates, partitions, reserved ordinals",
    extra: {
      "statefulset-workers": workersFlag("StatefulSet"),
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
