// The UnitedDeployment controller binary: flags (OpenKruise's names where they exist) → manager → controller.
import { parseControllerFlags, runManager } from "@kruise/sdk";
import { addUnitedDeploymentController, CONTROLLER_NAME } from "./controller.ts";

function main(): void {
  let flags;
  let workers: number;
  try {
    flags = parseControllerFlags(process.argv.slice(2), {
      name: CONTROLLER_NAME,
      summary:
        "reconciles apps.kruise.io UnitedDeployments: one CloneSet, Advanced StatefulSet, StatefulSet or Deployment per subset, replicas split between subsets (fixed, percentage, min/max, adaptive), template and partitions rolled out to every subset",
      extra: {
        "uniteddeployment-workers": {
          type: "string",
          description: "Concurrent UnitedDeployment reconciles.",
          default: "3",
        },
        namespace: {
          type: "string",
          description: "Watch and reconcile only this namespace. Default: all namespaces.",
          default: "",
        },
      },
    });
    workers = Number(flags.extra["uniteddeployment-workers"]);
    if (!Number.isInteger(workers) || workers < 1)
      throw new Error(
        `--uniteddeployment-workers must be a whole number of 1 or more, got ${String(flags.extra["uniteddeployment-workers"])}`,
      );
  } catch (err) {
    process.stderr.write(
      `${CONTROLLER_NAME}: ${err instanceof Error ? err.message : String(err)}\nRun with --help for the flags.\n`,
    );
    process.exit(2);
  }
  const namespace = flags.extra["namespace"];
  void runManager({ ...flags.manager, name: CONTROLLER_NAME }, (mgr) => {
    addUnitedDeploymentController(mgr, {
      workers,
      namespace: typeof namespace === "string" && namespace !== "" ? namespace : undefined,
    });
  });
}

main();
