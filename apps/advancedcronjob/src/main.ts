// The AdvancedCronJob controller binary: flags → manager → controller. Everything else lives in controller.ts.
import { runController, workersFlag } from "@kruise/sdk";
import { addCronJobController, CONTROLLER_NAME } from "./controller.ts";

await runController(
  {
    name: CONTROLLER_NAME,
    summary: "creates Jobs or BroadcastJobs on a cron schedule, for each apps.kruise.io AdvancedCronJob",
    extra: {
      workers: workersFlag("AdvancedCronJob", 1),
      "active-resync-period": {
        type: "number",
        description:
          "Seconds between looks at a cron job with active runs, the path that replaces job-finished events without NATS.",
        default: 30,
      },
    },
  },
  (mgr, flags) => {
    addCronJobController(mgr, {
      workers: flags.extra.workers,
      activeResyncMs: flags.extra["active-resync-period"] * 1000,
    });
  },
);
