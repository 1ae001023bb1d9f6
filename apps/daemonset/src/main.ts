// The Advanced DaemonSet controller binary: flags, then the manager. Everything else lives in controller.ts.
import pino from "pino";
import { parseControllerFlags, runManager } from "@kruise/sdk";
import { addDaemonSetController, CONTROLLER_NAME } from "./controller.ts";

let flags: ReturnType<typeof parseControllerFlags>;
try {
  flags = parseControllerFlags(process.argv.slice(2), {
    name: CONTROLLER_NAME,
    summary:
      "runs one pod on every eligible node for each apps.kruise.io DaemonSet, rolled out by partition, node selector, surge or in place",
    extra: {
      "daemonset-workers": { type: "string", description: "Concurrent DaemonSet reconciles.", default: "3" },
    },
  });
} catch (err) {
  process.stderr.write(`${CONTROLLER_NAME}: ${(err as Error).message}\nRun with --help for the flags.\n`);
  process.exit(2);
}

const workers = Number(flags.extra["daemonset-workers"]);
if (!Number.isInteger(workers) || workers < 1) {
  process.stderr.write(
    `${CONTROLLER_NAME}: --daemonset-workers must be a positive integer, got ${String(flags.extra["daemonset-workers"])}\n`,
  );
  process.exit(2);
}
const logger = pino({ level: flags.logLevel }).child({ app: CONTROLLER_NAME });

await runManager({ name: CONTROLLER_NAME, ...flags.manager, logger }, (mgr) => {
  addDaemonSetController(mgr, { workers });
});
