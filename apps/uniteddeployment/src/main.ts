// The UnitedDeployment controller binary: flags (OpenKruise's names where they exist) → manager → controller.
import { NAMESPACE_FLAG, runController, workersFlag } from "@kruise/sdk";
import { addUnitedDeploymentController, CONTROLLER_NAME } from "./controller.ts";

await runController(
  {
    name: CONTROLLER_NAME,
    summary:
      "reconciles apps.kruise.io UnitedDeployments: one CloneSet, Advanced StatefulSet, StatefulSet or Deployment per subset, replicas split between subsets (fixed, percentage, min/max, adaptive), template and partitions rolled out to every subset",
    extra: {
      "uniteddeployment-workers": workersFlag("UnitedDeployment"),
      namespace: NAMESPACE_FLAG,
    },
  },
  (mgr, flags) => {
    addUnitedDeploymentController(mgr, {
      workers: flags.extra["uniteddeployment-workers"],
      namespace: flags.extra.namespace,
    });
  },
);
