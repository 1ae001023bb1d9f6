// The Advanced StatefulSet controller binary: flags → manager → controller.
import { parseControllerFlags, runManager } from "@kruise/sdk";
import { addStatefulSetController, CONTROLLER_NAME } from "./controller.ts";

function main(): void {
  let flags;
  let workers: number;
  try {
    flags = parseControllerFlags(process.argv.slice(2), {
      name: CONTROLLER_NAME,
      summary:
        "reconciles apps.kruise.io Advanced StatefulSets: ordinal pods and PVCs, OrderedReady/Parallel scaling, rolling and in-place updates, partitions, reserved ordinals",
      extra: {
        "statefulset-workers": {
          type: "string",
          description: "Concurrent StatefulSet reconciles.",
          default: "3",
        },
        namespace: {
          type: "string",
          description: "Watch and reconcile only this namespace. Default: all namespaces.",
          default: "",
        },
      },
    });
    workers = Number(flags.extra["statefulset-workers"]);
    if (!Number.isInteger(workers) || workers < 1)
      throw new Error(
        `--statefulset-workers must be a whole number of 1 or more, got ${String(flags.extra["statefulset-workers"])}`,
      );
  } catch (err) {
    process.stderr.write(
      `${CONTROLLER_NAME}: ${err instanceof Error ? err.message : String(err)}\nRun with --help for the flags.\n`,
    );
    process.exit(2);
  }
  const namespace = flags.extra["namespace"];
  void runManager({ ...flags.manager, name: CONTROLLER_NAME }, (mgr) => {
    addStatefulSetController(mgr, {
      workers,
      bus: mgr.eventBus,
      namespace: typeof namespace === "string" && namespace !== "" ? namespace : undefined,
    });
  });
}

main();
