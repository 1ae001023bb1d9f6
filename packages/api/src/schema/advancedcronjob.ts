import { array, bool, enumOf, freeform, int32, int64, object, string } from "./builder.ts";
import { broadcastJobSpec } from "./broadcastjob.ts";
import { AGE_COLUMN, ALPHA_AND_BETA, KRUISE_CATEGORY, nameAtMost, type CrdSource } from "./crd.ts";

/** 63 minus "-" and the 10-digit unix time in every child's name. */
export const ACJ_NAME_MAX = 52;

export const CONCURRENCY_POLICIES = ["Allow", "Forbid", "Replace"] as const;

// A cron field as robfig/cron's standard parser reads it: *, ?, numbers within the field's range (leading
// zeros allowed) or 3-letter names, ranges, steps, lists. Day-of-week is 0-6: "7" is rejected, as OpenKruise does.
function cronField(number: string): string {
  const value = `(0*(${number})|[A-Za-z]{3})`;
  const atom = `(\\*|\\?|${value})(-${value})?(/0*[1-9][0-9]*)?`;
  return `${atom}(,${atom})*`;
}
const MINUTE = cronField("[0-5]?[0-9]");
const HOUR = cronField("1?[0-9]|2[0-3]");
const DAY_OF_MONTH = cronField("[1-9]|[12][0-9]|3[01]");
const MONTH = cronField("[1-9]|1[0-2]");
const DAY_OF_WEEK = cronField("[0-6]");
const DESCRIPTORS = "@(yearly|annually|monthly|weekly|daily|midnight|hourly)";
const EVERY = "@every\\s+([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+";
/** A schedule robfig/cron's ParseStandard accepts: its shape and each field's range. */
export const CRON_SCHEDULE_PATTERN = `^((CRON_TZ|TZ)=[^\\s]+\\s+)?(${DESCRIPTORS}|${EVERY}|${MINUTE}\\s+${HOUR}\\s+${DAY_OF_MONTH}\\s+${MONTH}\\s+${DAY_OF_WEEK})$`;

export const advancedCronJobSpec = object(
  "The desired state of the AdvancedCronJob.",
  {
    schedule: string(
      'The schedule in cron format: five fields ("*/5 * * * *"), a descriptor ("@hourly") or "@every 1h30m", optionally ' +
        'prefixed with "CRON_TZ=<zone> ". See https://en.wikipedia.org/wiki/Cron.',
      {
        maxLength: 256,
        rules: [
          {
            rule: `self.matches('${CRON_SCHEDULE_PATTERN.replaceAll("\\", "\\\\")}')`,
            message:
              'is not a valid cron schedule: use five fields such as "*/5 * * * *", a descriptor such as "@hourly", or "@every 1h"',
          },
        ],
      },
    ),
    timeZone: string(
      "IANA time zone of the schedule (e.g. Europe/Paris). Defaults to the controller's time zone.",
      {
        maxLength: 64,
        rules: [
          {
            rule: "self != 'Local'",
            message: 'timeZone "Local" is not allowed; name an IANA zone such as "Europe/Paris"',
          },
          {
            // CEL resolves a zone name with Go's time zone database, as OpenKruise's time.LoadLocation does: an
            // unknown zone fails the evaluation and so the request.
            rule: "self == '' || timestamp('2000-01-01T00:00:00Z').getHours(self) >= 0",
            message: 'timeZone is not a known IANA time zone; name one such as "Europe/Paris"',
          },
        ],
      },
    ),
    startingDeadlineSeconds: int64("A run missed by more than this many seconds is skipped.", { minimum: 0 }),
    concurrencyPolicy: enumOf(
      "What to do when a run is due while the previous one is still active: Allow (default) runs both, Forbid skips the new run, Replace stops the old run.",
      CONCURRENCY_POLICIES,
      { default: "Allow" },
    ),
    paused: bool("Stop scheduling new runs. Defaults to false.", { default: false }),
    successfulJobsHistoryLimit: int32("Finished successful runs to keep. Defaults to 3.", {
      default: 3,
      minimum: 0,
    }),
    failedJobsHistoryLimit: int32("Finished failed runs to keep. Defaults to 1.", { default: 1, minimum: 0 }),
    template: object(
      "What each run creates: exactly one of jobTemplate and broadcastJobTemplate.",
      {
        jobTemplate: freeform("A batch/v1 Job to create on each run.", {
          tsExternal: { name: "JobTemplateSpec", module: "batch/v1" },
        }),
        broadcastJobTemplate: object(
          "A BroadcastJob to create on each run.",
          {
            metadata: freeform("Labels and annotations of the created BroadcastJobs.", {
              tsExternal: { name: "ObjectMeta", module: "meta/v1" },
            }),
            spec: broadcastJobSpec,
          },
          { tsName: "BroadcastJobTemplateSpec" },
        ),
      },
      {
        tsName: "CronJobTemplate",
        rules: [
          {
            rule: "has(self.jobTemplate) != has(self.broadcastJobTemplate)",
            message: "set exactly one of template.jobTemplate and template.broadcastJobTemplate",
          },
          {
            rule: "self == oldSelf",
            message:
              "the template of an AdvancedCronJob cannot change after creation; create a new AdvancedCronJob instead",
          },
        ],
      },
    ),
  },
  {
    required: ["schedule", "template"],
    tsName: "AdvancedCronJobSpec",
    rules: [
      {
        rule: "!has(self.timeZone) || !self.schedule.matches('^(CRON_TZ|TZ)=')",
        message: "set the time zone either in timeZone or as a TZ= prefix of schedule, not both",
        fieldPath: ".timeZone",
      },
    ],
  },
);

export const advancedCronJobStatus = object(
  "The observed state of the AdvancedCronJob, written by the controller.",
  {
    type: enumOf("Kind of object each run creates.", ["Job", "BroadcastJob"]),
    active: array(
      "References to the runs still active.",
      freeform("A reference to an active run.", {
        tsExternal: { name: "ObjectReference", module: "core/v1" },
      }),
    ),
    lastScheduleTime: string("When a run was last scheduled.", { format: "date-time" }),
  },
  { tsName: "AdvancedCronJobStatus" },
);

export const advancedCronJob: CrdSource = {
  kind: "AdvancedCronJob",
  plural: "advancedcronjobs",
  singular: "advancedcronjob",
  shortNames: ["acj"],
  categories: [KRUISE_CATEGORY],
  scope: "Namespaced",
  description: "AdvancedCronJob creates Jobs or BroadcastJobs on a cron schedule.",
  // OpenKruise 1.9 serves v1alpha1 and v1beta1 with conversion None; its v1beta1 adds imageListPullJobTemplate for the
  // ImageListPullJob kind, which Kruise-TS does not have, so here the two versions are the same fields.
  versions: ALPHA_AND_BETA,
  spec: advancedCronJobSpec,
  status: advancedCronJobStatus,
  // OpenKruise allows 63, but every child is named <name>-<unix seconds> (11 more characters) and a Job's name
  // is in its pods' job-name label (at most 63): 53 to 63 characters could never run. Kubernetes' CronJob has
  // the same limit for the same reason.
  rootRules: [
    nameAtMost(
      ACJ_NAME_MAX,
      "AdvancedCronJob",
      "in the name of every Job it starts (<name>-<10-digit schedule time>), which must fit a 63-character label",
    ),
    {
      rule: "self.metadata.name.matches('^[a-zA-Z0-9-]+$')",
      fieldPath: ".metadata.name",
      message: "an AdvancedCronJob name must consist of alphanumeric characters or '-' (e.g. 'example-com')",
    },
  ],
  printerColumns: [
    { name: "Schedule", type: "string", jsonPath: ".spec.schedule", description: "The cron schedule." },
    {
      name: "Type",
      type: "string",
      jsonPath: ".status.type",
      description: "Kind of object each run creates.",
    },
    {
      name: "LastScheduleTime",
      type: "date",
      jsonPath: ".status.lastScheduleTime",
      description: "When a run was last scheduled.",
    },
    AGE_COLUMN,
  ],
};
