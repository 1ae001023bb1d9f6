// Every rejection the issue lists, through the real kubectl against the real apiserver: no webhook involved.
import { beforeAll, describe, expect, it } from "vitest";
import { createTestNamespace } from "@kruise/testenv/vitest";
import { kubectl } from "./support/env.ts";
import {
  advancedCronJob,
  broadcastJob,
  cloneSet,
  daemonSet,
  imagePullJob,
  statefulSet,
} from "./support/manifests.ts";

let ns: string;

beforeAll(async () => {
  ns = await createTestNamespace("api-admission");
});

function apply(manifest: object): { status: number; stderr: string } {
  return kubectl(["apply", "-n", ns, "-f", "-"], JSON.stringify(manifest));
}

interface Rejection {
  readonly name: string;
  readonly manifest: object;
  /** The field path kubectl prints, and words from the message. */
  readonly field: string;
  readonly says: string;
}

const rejections: readonly Rejection[] = [
  {
    name: "selector not matching the template labels",
    manifest: cloneSet("mismatch", { selector: { matchLabels: { app: "other" } } }),
    field: "spec.selector",
    says: "selector does not match template labels",
  },
  {
    name: "selector matchExpressions not matching the template labels",
    manifest: cloneSet("mismatch-expr", {
      selector: { matchExpressions: [{ key: "app", operator: "NotIn", values: ["mismatch-expr"] }] },
    }),
    field: "spec.selector",
    says: "selector does not match template labels",
  },
  {
    name: "empty selector",
    manifest: cloneSet("empty-sel", { selector: {} }),
    field: "spec.selector",
    says: "empty selector",
  },
  {
    name: "CloneSet progressDeadlineSeconds not above minReadySeconds",
    manifest: cloneSet("short-deadline", { minReadySeconds: 30, progressDeadlineSeconds: 10 }),
    field: "spec.progressDeadlineSeconds",
    says: "must be greater than minReadySeconds",
  },
  {
    name: "negative replicas",
    manifest: cloneSet("neg-replicas", { replicas: -1 }),
    field: "spec.replicas",
    says: "should be a non-negative integer",
  },
  {
    name: "negative CloneSet partition",
    manifest: cloneSet("neg-partition", { updateStrategy: { partition: -2 } }),
    field: "spec.updateStrategy.partition",
    says: "non-negative integer",
  },
  {
    name: "negative StatefulSet partition",
    manifest: statefulSet("neg-sts-partition", { updateStrategy: { rollingUpdate: { partition: -1 } } }),
    field: "spec.updateStrategy.rollingUpdate.partition",
    says: "greater than or equal to 0",
  },
  {
    name: 'a numeric string "5" where only percentages are accepted',
    manifest: cloneSet("numeric-string", { updateStrategy: { maxUnavailable: "5" } }),
    field: "spec.updateStrategy.maxUnavailable",
    says: 'a numeric string like "5" is not accepted',
  },
  {
    name: "CloneSet maxUnavailable and maxSurge both below 1",
    manifest: cloneSet("both-zero", { updateStrategy: { maxUnavailable: 0, maxSurge: "0%" } }),
    field: "spec.updateStrategy",
    says: "maxUnavailable and updateStrategy.maxSurge are both below 1",
  },
  {
    name: "CloneSet maxUnavailable percentage rounding to 0 pods with maxSurge 0",
    manifest: cloneSet("both-zero-pct", { replicas: 3, updateStrategy: { maxUnavailable: "0%" } }),
    field: "spec.updateStrategy",
    says: "both below 1",
  },
  {
    name: "maxSurge with InPlaceOnly",
    manifest: cloneSet("surge-inplaceonly", { updateStrategy: { type: "InPlaceOnly", maxSurge: 1 } }),
    field: "spec.updateStrategy.maxSurge",
    says: "InPlaceOnly",
  },
  {
    name: "duplicate names in podsToDelete",
    manifest: cloneSet("dup-delete", { scaleStrategy: { podsToDelete: ["dup-delete-a", "dup-delete-a"] } }),
    field: "spec.scaleStrategy.podsToDelete[1]",
    says: "Duplicate value",
  },
  {
    name: "template restartPolicy other than Always",
    manifest: cloneSet("restart-never", {
      template: {
        metadata: { labels: { app: "restart-never" } },
        spec: { restartPolicy: "Never", containers: [{ name: "c", image: "i" }] },
      },
    }),
    field: "spec.template.spec.restartPolicy",
    says: "must use restartPolicy Always",
  },
  {
    name: "StatefulSet maxUnavailable above 1 without Parallel",
    manifest: statefulSet("mu-ordered", { updateStrategy: { rollingUpdate: { maxUnavailable: 2 } } }),
    field: "spec.updateStrategy.rollingUpdate.maxUnavailable",
    says: "needs podManagementPolicy: Parallel",
  },
  {
    name: "StatefulSet in-place update without the InPlaceUpdateReady gate",
    manifest: statefulSet("no-gate", {
      updateStrategy: { rollingUpdate: { podUpdatePolicy: "InPlaceIfPossible" } },
    }),
    field: "spec.template.spec.readinessGates",
    says: "InPlaceUpdateReady",
  },
  {
    name: "BroadcastJob completionPolicy.type out of range",
    manifest: broadcastJob("bcj-completion", { completionPolicy: { type: "Sometimes" } }),
    field: "spec.completionPolicy.type",
    says: 'Unsupported value: "Sometimes"',
  },
  {
    name: "BroadcastJob failurePolicy.type out of range",
    manifest: broadcastJob("bcj-failure", { failurePolicy: { type: "Retry" } }),
    field: "spec.failurePolicy.type",
    says: 'Unsupported value: "Retry"',
  },
  {
    name: "BroadcastJob restartPolicy Always",
    manifest: broadcastJob("bcj-always", {
      template: { spec: { restartPolicy: "Always", containers: [{ name: "c", image: "i" }] } },
    }),
    field: "spec.template.spec.restartPolicy",
    says: "Never or OnFailure",
  },
  {
    name: "AdvancedCronJob concurrencyPolicy out of range",
    manifest: advancedCronJob("acj-concurrency", { concurrencyPolicy: "Sometimes" }),
    field: "spec.concurrencyPolicy",
    says: 'Unsupported value: "Sometimes"',
  },
  {
    name: "AdvancedCronJob with both a jobTemplate and a broadcastJobTemplate",
    manifest: advancedCronJob("acj-both", {
      template: {
        jobTemplate: {
          spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "i" }] } } },
        },
        broadcastJobTemplate: {
          spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "i" }] } } },
        },
      },
    }),
    field: "spec.template",
    says: "exactly one of template.jobTemplate and template.broadcastJobTemplate",
  },
  {
    name: "AdvancedCronJob with an invalid cron schedule",
    manifest: advancedCronJob("acj-cron", { schedule: "every five minutes" }),
    field: "spec.schedule",
    says: "is not a valid cron schedule",
  },
  {
    name: "AdvancedCronJob with a four-field cron schedule",
    manifest: advancedCronJob("acj-cron4", { schedule: "*/5 * * *" }),
    field: "spec.schedule",
    says: "is not a valid cron schedule",
  },
  {
    name: "AdvancedCronJob with day-of-week 7 (robfig/cron's standard parser allows 0-6)",
    manifest: advancedCronJob("acj-dow7", { schedule: "0 0 * * 7" }),
    field: "spec.schedule",
    says: "is not a valid cron schedule",
  },
  {
    name: "AdvancedCronJob with an hour out of range",
    manifest: advancedCronJob("acj-hour", { schedule: "0 24 * * *" }),
    field: "spec.schedule",
    says: "is not a valid cron schedule",
  },
  {
    name: "AdvancedCronJob with an unknown timeZone",
    manifest: advancedCronJob("acj-zone", { timeZone: "Mars/Olympus" }),
    field: "spec.timeZone",
    says: "Mars/Olympus",
  },
  {
    name: "AdvancedCronJob name with a dot",
    manifest: advancedCronJob("acj.dotted"),
    field: "metadata.name",
    says: "alphanumeric characters or '-'",
  },
  {
    name: "AdvancedCronJob name longer than 63 characters",
    manifest: advancedCronJob(`acj-${"x".repeat(60)}`),
    field: "metadata.name",
    says: "at most 52 characters",
  },
  {
    name: "DaemonSet maxUnavailable and maxSurge both 0",
    manifest: daemonSet("ads-zero", {
      updateStrategy: { rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } },
    }),
    field: "spec.updateStrategy.rollingUpdate.maxUnavailable",
    says: "cannot both be 0",
  },
  {
    name: "DaemonSet maxSurge with InPlaceIfPossible",
    manifest: daemonSet("ads-surge", {
      updateStrategy: { rollingUpdate: { rollingUpdateType: "InPlaceIfPossible", maxSurge: 1 } },
    }),
    field: "spec.updateStrategy.rollingUpdate.maxSurge",
    says: "InPlaceIfPossible",
  },
  {
    name: "ImagePullJob parallelism as a percentage",
    manifest: imagePullJob("ipj-percent", { parallelism: "50%" }),
    field: "spec.parallelism",
    says: "percentages are not accepted",
  },
  {
    name: "ImagePullJob activeDeadlineSeconds not above the pull timeout",
    manifest: imagePullJob("ipj-deadline", { completionPolicy: { activeDeadlineSeconds: 100 } }),
    field: "spec.completionPolicy.activeDeadlineSeconds",
    says: "greater than pullPolicy.timeoutSeconds",
  },
];

interface UpdateRejection {
  readonly name: string;
  readonly before: object;
  readonly after: object;
  readonly field: string;
  readonly says: string;
}

const updateRejections: readonly UpdateRejection[] = [
  {
    name: "CloneSet selector changed after creation",
    before: cloneSet("immutable-selector"),
    after: cloneSet("immutable-selector", {
      selector: { matchLabels: { app: "immutable-selector", tier: "web" } },
      template: {
        metadata: { labels: { app: "immutable-selector", tier: "web" } },
        spec: { containers: [{ name: "c", image: "i" }] },
      },
    }),
    field: "spec.selector",
    says: "immutable",
  },
  {
    name: "StatefulSet podManagementPolicy changed after creation",
    before: statefulSet("sts-policy", { podManagementPolicy: "Parallel" }),
    after: statefulSet("sts-policy", { podManagementPolicy: "OrderedReady" }),
    field: "spec.podManagementPolicy",
    says: "cannot change",
  },
  {
    name: "AdvancedCronJob template changed after creation",
    before: advancedCronJob("acj-template"),
    after: advancedCronJob("acj-template", {
      template: {
        jobTemplate: {
          spec: {
            template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "other" }] } },
          },
        },
      },
    }),
    field: "spec.template",
    says: "cannot change",
  },
];

describe("kubectl apply rejects invalid Kruise objects with a message naming the field", () => {
  it.each(rejections)("$name", ({ manifest, field, says }) => {
    const result = apply(manifest);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(field);
    expect(result.stderr).toContain(says);
  });

  it.each(updateRejections)("$name", ({ before, after, field, says }) => {
    const created = apply(before);
    expect(created.stderr).toBe("");
    const result = apply(after);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(field);
    expect(result.stderr).toContain(says);
  });

  it.each<[string, object]>([
    [
      "DaemonSet rollingUpdate with neither maxUnavailable nor maxSurge",
      daemonSet("ads-partition-only", { updateStrategy: { rollingUpdate: { partition: 1 } } }),
    ],
    [
      "CloneSet maxUnavailable 10% of 3 replicas (rounds up to 1 pod)",
      cloneSet("pct-rounds-up", { updateStrategy: { maxUnavailable: "10%" } }),
    ],
    [
      "StatefulSet maxUnavailable 50% with Parallel",
      statefulSet("sts-parallel-pct", {
        podManagementPolicy: "Parallel",
        updateStrategy: { rollingUpdate: { maxUnavailable: "50%" } },
      }),
    ],
    [
      "CloneSet with progressDeadlineSeconds and no minReadySeconds",
      cloneSet("deadline-only", { progressDeadlineSeconds: 60 }),
    ],
    [
      "CloneSet with 0 replicas and maxUnavailable 0",
      cloneSet("zero-replicas", { replicas: 0, updateStrategy: { maxUnavailable: 0 } }),
    ],
    [
      "CloneSet whose template carries 100 labels",
      cloneSet("many-labels", {
        template: {
          metadata: {
            labels: {
              app: "many-labels",
              ...Object.fromEntries(Array.from({ length: 99 }, (_, i) => [`l${i}`, "v"])),
            },
          },
          spec: { containers: [{ name: "c", image: "i" }] },
        },
      }),
    ],
  ])("accepts %s", (_name, manifest) => {
    const result = apply(manifest);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it.each(["@hourly", "@every 1h30m", "CRON_TZ=UTC 0 * * * *", "0 0 1,15 * MON-FRI", "*/10 2-4 ? * *"])(
    "accepts the cron schedule %s",
    (schedule) => {
      const result = apply(advancedCronJob(`acj-ok-${Math.random().toString(36).slice(2, 8)}`, { schedule }));
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
    },
  );
});
