// The CloneSet controller binary: flags (OpenKruise's names where they exist) → manager → controller.
import { NAMESPACE_FLAG, runController, workersFlag } from "@kruise/sdk";
import { addCloneSetController, CONTROLLER_NAME } from "./controller.ts";
import { CLONESET_FEATURE_GATES } from "./feature-gates.ts";

await runController(
  {
    name: CONTROLLER_NAME,
    summary:
      "reconciles apps.kruise.io CloneSets: scaling, in-place and recreate updates, lifecycle hooks, PVCs, revisions",
    extra: {
      "cloneset-workers": workersFlag("CloneSet"),
      namespace: NAMESPACE_FLAG,
      "cloneset-scaling-exclude-preparing-delete": {
        type: "boolean",
        description: "Do not count pods in PreparingDelete towards replicas (for every CloneSet).",
        default: false,
      },
    },
    featureGates: CLONESET_FEATURE_GATES,
  },
  (mgr, flags) => {
    addCloneSetController(mgr, {
      workers: flags.extra["cloneset-workers"],
      gates: flags.featureGates,
      // The manager's EventBus (present with --nats-url): publishing never blocks or throws, NATS may be down.
      bus: mgr.eventBus,
      excludePreparingDeleteByDefault: flags.extra["cloneset-scaling-exclude-preparing-delete"],
      namespace: flags.extra.namespace,
    });
  },
);
