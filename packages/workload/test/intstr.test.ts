import { describe, expect, it } from "vitest";
import {
  IntOrStringError,
  parseIntOrString,
  partitionReplicas,
  resolveStrategy,
  scaleIntOrString,
  type IntOrString,
} from "../src/index.ts";

describe("partitionReplicas", () => {
  // pkg/util/tools.go CalculatePartitionReplicas: percent rounds up, "<100%" with replicas > 1 updates at least one, clamp [0, replicas].
  const rows: Array<[IntOrString | undefined, number, number]> = [
    [undefined, 5, 0],
    [0, 5, 0],
    [3, 5, 3],
    [7, 5, 5],
    ["0%", 5, 0],
    ["20%", 5, 1],
    ["30%", 5, 2],
    ["1%", 5, 1],
    ["50%", 3, 2],
    ["99%", 4, 3],
    ["99%", 1, 1],
    ["100%", 4, 4],
    ["150%", 4, 4],
    ["50%", 0, 0],
    [2, 0, 0],
  ];
  it.each(rows)("partition %j of %i replicas keeps %i old pods", (partition, replicas, expected) => {
    expect(partitionReplicas(partition, replicas)).toBe(expected);
  });
});

describe("scaleIntOrString", () => {
  // k8s intstr.GetScaledValueFromIntOrPercent: ceil when rounding up, floor otherwise.
  const rows: Array<[IntOrString, number, boolean, number]> = [
    [2, 10, true, 2],
    ["25%", 10, true, 3],
    ["25%", 10, false, 2],
    ["20%", 5, true, 1],
    ["10%", 5, true, 1],
    ["10%", 5, false, 0],
    ["100%", 7, false, 7],
  ];
  it.each(rows)("%j of %i (roundUp %s) = %i", (value, total, roundUp, expected) => {
    expect(scaleIntOrString(value, total, roundUp, "f")).toBe(expected);
  });

  it.each(["5", "abc", "5.5%", "-1%", "%"])("rejects %j naming the field", (bad) => {
    expect(() => parseIntOrString(bad, "spec.updateStrategy.maxSurge")).toThrow(IntOrStringError);
    expect(() => parseIntOrString(bad, "spec.updateStrategy.maxSurge")).toThrow(
      /spec\.updateStrategy\.maxSurge/,
    );
  });
  it("explains the numeric-string mistake", () => {
    expect(() => parseIntOrString("5", "x")).toThrow(/integer 5 or as a percentage such as "5%"/);
  });
  it.each([-1, 1.5])("rejects the number %d", (bad) => {
    expect(() => parseIntOrString(bad, "x")).toThrow(IntOrStringError);
  });
});

describe("resolveStrategy", () => {
  // cloneset_sync_utils.go: maxSurge rounds up (0 while paused); maxUnavailable defaults to 20% and rounds up only without surge.
  const rows: Array<
    [
      string,
      number,
      Parameters<typeof resolveStrategy>[1],
      { partition: number; maxSurge: number; maxUnavailable: number },
    ]
  > = [
    ["defaults", 5, {}, { partition: 0, maxSurge: 0, maxUnavailable: 1 }],
    ["default 20% of 3 rounds up", 3, {}, { partition: 0, maxSurge: 0, maxUnavailable: 1 }],
    [
      "30% without surge rounds up",
      5,
      { maxUnavailable: "30%" },
      { partition: 0, maxSurge: 0, maxUnavailable: 2 },
    ],
    [
      "30% with surge rounds down",
      5,
      { maxUnavailable: "30%", maxSurge: "10%" },
      { partition: 0, maxSurge: 1, maxUnavailable: 1 },
    ],
    [
      "paused drops surge, so unavailable rounds up again",
      5,
      { maxUnavailable: "30%", maxSurge: "10%", paused: true },
      { partition: 0, maxSurge: 0, maxUnavailable: 2 },
    ],
    [
      "integer values",
      10,
      { partition: 4, maxUnavailable: 3, maxSurge: 2 },
      { partition: 4, maxSurge: 2, maxUnavailable: 3 },
    ],
  ];
  it.each(rows)("%s", (_name, replicas, strategy, expected) => {
    expect(resolveStrategy(replicas, strategy)).toMatchObject(expected);
  });
  it("scale maxUnavailable is unlimited when unset and rounds up otherwise", () => {
    expect(resolveStrategy(5, {}).scaleMaxUnavailable).toBe(2147483647);
    expect(resolveStrategy(5, {}, { maxUnavailable: "50%" }).scaleMaxUnavailable).toBe(3);
  });
  it("names the field of a bad value", () => {
    expect(() => resolveStrategy(5, { partition: "x" })).toThrow(/spec\.updateStrategy\.partition/);
  });
});
