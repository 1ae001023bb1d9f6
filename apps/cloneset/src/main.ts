// The CloneSet controller binary: flags (OpenKruise's names where they exist) → manager → controller.
import { parseControllerFlags, runManager } from "@kruise/sdk";
import { addCloneSetController, CONTROLLER_NAME } from "./controller.ts";
import { parseFeatureGates } from "./feature-gates.ts";

function main(): void {
  let flags;
  let gates;
  let workers: number;
  try {
    flags = parseControllerFlags(process.argv.slice(2), {
      name: "cloneset-controller",
      summary:
        "reconciles apps.kruise.io CloneSets: scaling, in-place and recreate updates, lifecycle hooks, PVCs, revisions",
      extra: {
        "cloneset-workers": { type: "string", description: "Concurrent CloneSet reconciles.", default: "3" },
        namespace: {
          type: "string",
          description: "Watch and reconcile only this namespace. Default: all namespaces.",
          default: "",
        },
        "cloneset-scaling-exclude-preparing-delete": {
          type: "boolean",
          description: "Do not count pods in PreparingDelete towards replicas (for every CloneSet).",
          default: false,
        },
      },
    });
    const rawGates = Object.entries(flags.featureGates)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(",");
    gates = parseFeatureGates(rawGates);
    workers = Number(flags.extra["cloneset-workers"]);
    if (!Number.isInteger(workers) || workers < 1)
      throw new Error(
        `--cloneset-workers must be a whole number of 1 or more, got ${String(flags.extra["cloneset-workers"])}`,
      );
  } catch (err) {
    process.stderr.write(
      `cloneset-controller: ${err instanceof Error ? err.message : String(err)}\nRun with --help for the flags.\n`,
    );
    process.exit(2);
  }
  const options = flags.manager;
  void runManager({ ...options, name: CONTROLLER_NAME }, (mgr) => {
    addCloneSetController(mgr, {
      workers,
      gates,
      // The manager's EventBus (present with --nats-url): publishing never blocks or throws, NATS may be down.
      bus: mgr.eventBus,
      excludePreparingDeleteByDefault: flags.extra["cloneset-scaling-exclude-preparing-delete"] === true,
      namespace:
        typeof flags.extra["namespace"] === "string" && flags.extra["namespace"] !== ""
          ? flags.extra["namespace"]
          : undefined,
    });
  });
}

main();
