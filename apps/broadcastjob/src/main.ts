// The BroadcastJob controller binary: flags, then the manager. Everything else lives in controller.ts.
import pino from "pino";
import { parseControllerFlags, runManager } from "@kruise/sdk";
import { addBroadcastJobController, CONTROLLER_NAME } from "./controller.ts";

let flags: ReturnType<typeof parseControllerFlags>;
try {
  flags = parseControllerFlags(process.argv.slice(2), {
    name: "broadcastjob-controller",
    summary: "runs a pod to completion on every eligible node, for each apps.kruise.io BroadcastJob",
    extra: {
      workers: { type: "string", description: "Concurrent BroadcastJob reconciles.", default: "3" },
      "assign-bcj-pods-by-scheduler": {
        type: "string",
        description:
          "true: bind pods to their node with node affinity and let kube-scheduler place them; false: set spec.nodeName.",
        default: "true",
      },
    },
  });
} catch (err) {
  process.stderr.write(
    `broadcastjob-controller: ${(err as Error).message}\nRun with --help for the flags.\n`,
  );
  process.exit(2);
}

const workers = Number(flags.extra["workers"]);
if (!Number.isInteger(workers) || workers < 1) {
  process.stderr.write(
    `broadcastjob-controller: --workers must be a positive integer, got ${String(flags.extra["workers"])}\n`,
  );
  process.exit(2);
}
const logger = pino({ level: flags.logLevel }).child({ app: CONTROLLER_NAME });

await runManager({ name: CONTROLLER_NAME, ...flags.manager, logger }, (mgr) => {
  addBroadcastJobController(mgr, {
    workers,
    assignByScheduler: flags.extra["assign-bcj-pods-by-scheduler"] !== "false",
  });
});
