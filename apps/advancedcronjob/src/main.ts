// The AdvancedCronJob controller binary: flags, then the manager. Everything else lives in controller.ts.
import pino from "pino";
import { parseControllerFlags, runManager } from "@kruise/sdk";
import { addCronJobController, CONTROLLER_NAME } from "./controller.ts";

let flags: ReturnType<typeof parseControllerFlags>;
try {
  flags = parseControllerFlags(process.argv.slice(2), {
    name: CONTROLLER_NAME,
    summary: "creates Jobs or BroadcastJobs on a cron schedule, for each apps.kruise.io AdvancedCronJob",
    extra: {
      workers: { type: "string", description: "Concurrent AdvancedCronJob reconciles.", default: "1" },
      "active-resync-period": {
        type: "string",
        description:
          "Seconds between looks at a cron job with active runs, the path that replaces job-finished events without NATS.",
        default: "30",
      },
    },
  });
} catch (err) {
  process.stderr.write(`${CONTROLLER_NAME}: ${(err as Error).message}\nRun with --help for the flags.\n`);
  process.exit(2);
}

const workers = Number(flags.extra["workers"]);
const resync = Number(flags.extra["active-resync-period"]);
if (!Number.isInteger(workers) || workers < 1) {
  process.stderr.write(
    `${CONTROLLER_NAME}: --workers must be a positive integer, got ${String(flags.extra["workers"])}\n`,
  );
  process.exit(2);
}
if (!Number.isFinite(resync) || resync <= 0) {
  process.stderr.write(
    `${CONTROLLER_NAME}: --active-resync-period must be a positive number of seconds, got ${String(flags.extra["active-resync-period"])}\n`,
  );
  process.exit(2);
}
const logger = pino({ level: flags.logLevel }).child({ app: CONTROLLER_NAME });

await runManager({ name: CONTROLLER_NAME, ...flags.manager, logger }, (mgr) => {
  addCronJobController(mgr, { workers, activeResyncMs: resync * 1000 });
});
