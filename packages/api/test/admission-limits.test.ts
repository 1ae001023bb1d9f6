// Input that used to pass admission but could never work, or was rejected noisily (issue 14, defects 6, 7, 10).
// Through the real kubectl against the real apiserver.
import { beforeAll, describe, expect, it } from "vitest";
import { createTestNamespace } from "@kruise/testenv/vitest";
import { kubectl } from "./support/env.ts";
import { advancedCronJob, broadcastJob, cloneSet, statefulSet } from "./support/manifests.ts";

let ns: string;

beforeAll(async () => {
  ns = await createTestNamespace("api-limits");
});

function apply(manifest: object): { status: number; stderr: string } {
  return kubectl(["apply", "-n", ns, "-f", "-"], JSON.stringify(manifest));
}

const name = (n: number, prefix = "n"): string => (prefix + "x".repeat(n)).slice(0, n);
const withTemplateLabels = (labels: Record<string, string>) => ({
  template: {
    metadata: { labels },
    spec: { containers: [{ name: "main", image: "nginx:1.25-alpine" }] },
  },
});

interface Case {
  readonly name: string;
  readonly manifest: object;
  readonly field: string;
  readonly says: string;
  /** How many errors kubectl lists (default 1). */
  readonly errors?: number;
}

const rejections: readonly Case[] = [
  {
    name: "a CloneSet name of 53 characters (its pods' controller-revision-hash label would exceed 63)",
    manifest: cloneSet(name(53, "cs")),
    field: "metadata.name",
    says: "at most 52 characters",
  },
  {
    name: "an AdvancedCronJob name of 53 characters (every Job name would exceed 63)",
    manifest: advancedCronJob(name(53, "acj")),
    field: "metadata.name",
    says: "at most 52 characters",
  },
  {
    name: "an invalid label key in the selector",
    manifest: cloneSet("bad-sel-key", {
      selector: { matchLabels: { "bad key!": "x" } },
      ...withTemplateLabels({ "bad key!": "x" }),
    }),
    field: "spec.selector.matchLabels",
    says: "valid label key",
    errors: 2, // the same key is in the template labels, which must match the selector
  },
  {
    name: "an invalid label key in a matchExpressions requirement",
    manifest: cloneSet("bad-expr-key", {
      selector: {
        matchLabels: { app: "bad-expr-key" },
        matchExpressions: [{ key: "-x", operator: "DoesNotExist" }],
      },
    }),
    field: "spec.selector.matchExpressions[0].key",
    says: "valid label key",
  },
  {
    name: "an invalid label key in the pod template",
    manifest: cloneSet("bad-tpl-key", withTemplateLabels({ app: "bad-tpl-key", "a/b/c": "x" })),
    field: "spec.template.metadata.labels",
    says: "valid label key",
  },
  {
    name: "an invalid label value in the pod template",
    manifest: cloneSet("bad-tpl-value", withTemplateLabels({ app: "bad-tpl-value", tier: "has space" })),
    field: "spec.template.metadata.labels[tier]",
    says: "valid label value",
  },
  {
    name: "an invalid label key in a lifecycle hook",
    manifest: cloneSet("bad-hook-key", { lifecycle: { preDelete: { labelsHandler: { "x/": "true" } } } }),
    field: "spec.lifecycle.preDelete.labelsHandler",
    says: "valid label key",
  },
  {
    name: "an invalid orderPriority key",
    manifest: cloneSet("bad-order-key", {
      updateStrategy: { priorityStrategy: { orderPriority: [{ orderedKey: "no spaces allowed" }] } },
    }),
    field: "spec.updateStrategy.priorityStrategy.orderPriority[0].orderedKey",
    says: "valid label key",
  },
  {
    name: "an invalid scatter key",
    manifest: cloneSet("bad-scatter-key", {
      updateStrategy: { scatterStrategy: [{ key: "_x", value: "a" }] },
    }),
    field: "spec.updateStrategy.scatterStrategy[0].key",
    says: "valid label key",
  },
  {
    name: 'partition "150%"',
    manifest: cloneSet("partition-150", { updateStrategy: { partition: "150%" } }),
    field: "spec.updateStrategy.partition",
    says: "between 0% and 100%",
  },
  {
    name: "BroadcastJob parallelism 0",
    manifest: broadcastJob("bcj-parallel-0", { parallelism: 0 }),
    field: "spec.parallelism",
    says: "must be at least 1",
  },
  {
    name: "a CloneSet volumeClaimTemplate without a name",
    manifest: cloneSet("pvc-no-name", {
      volumeClaimTemplates: [
        { spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } },
      ],
    }),
    field: "spec.volumeClaimTemplates[0]",
    says: "needs metadata.name",
  },
  {
    name: "a StatefulSet volumeClaimTemplate whose name is not a DNS label",
    manifest: statefulSet("pvc-bad-name", { volumeClaimTemplates: [{ metadata: { name: "Data_1" } }] }),
    field: "spec.volumeClaimTemplates[0].metadata.name",
    says: "DNS label",
  },
];

/** The number of errors kubectl printed: one is on the first line, several are listed as "* " bullets. */
const errorCount = (stderr: string): number =>
  Math.max(1, stderr.split("\n").filter((l) => l.startsWith("* ")).length);

describe("admission refuses what could never work, with one clear message", () => {
  it.each(rejections)("$name", ({ manifest, field, says, errors }) => {
    const result = apply(manifest);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(field);
    expect(result.stderr).toContain(says);
    expect(result.stderr).not.toContain("<nil>");
    expect(errorCount(result.stderr), result.stderr).toBe(errors ?? 1);
  });

  it("replicas: -1 gives exactly one error, naming spec.replicas", () => {
    const result = apply(cloneSet("neg-one", { replicas: -1 }));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("spec.replicas");
    expect(result.stderr, result.stderr).toSatisfy((t: string) => errorCount(t) === 1);
    expect(result.stderr).not.toContain("<nil>");
  });

  it("a huge percentage names its own field, not another rule", () => {
    const result = apply(cloneSet("huge-pct", { updateStrategy: { maxUnavailable: "99999999999999999%" } }));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("spec.updateStrategy.maxUnavailable");
    expect(result.stderr).not.toContain("both below 1 pod");
    expect(result.stderr).not.toContain("overflow");
  });

  it.each<[string, object]>([
    ["a CloneSet name of exactly 52 characters", cloneSet(name(52, "cs"))],
    ["an AdvancedCronJob name of exactly 52 characters", advancedCronJob(name(52, "acj"))],
    [
      "prefixed label keys and empty values",
      cloneSet("ok-labels", {
        selector: { matchLabels: { "example.com/app": "ok-labels" } },
        ...withTemplateLabels({ "example.com/app": "ok-labels", "tier.v1_x": "", "a.b-c": "A.b_c-1" }),
      }),
    ],
    ['partition "100%"', cloneSet("partition-100", { updateStrategy: { partition: "100%" } })],
    ["BroadcastJob parallelism 1%", broadcastJob("bcj-parallel-pct", { parallelism: "1%" })],
    [
      "a named volumeClaimTemplate",
      cloneSet("pvc-named", {
        volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"] } }],
      }),
    ],
  ])("accepts %s", (_name, manifest) => {
    const result = apply(manifest);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});
