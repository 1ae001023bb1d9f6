// The min/max (elastic) allocation, table-driven from OpenKruise's documented rules: every subset first gets its
// minReplicas in declaration order (until the total runs out), then subsets are topped up to their maxReplicas in
// declaration order; minReplicas defaults to 0 and maxReplicas to unbounded; percentages are of spec.replicas,
// rounded half up; a max below its min is refused. The subset-allocation table covers the other allocators.
import { describe, expect, it } from "vitest";
import {
  allocateSubsetReplicas,
  type IntOrString,
  type SubsetAllocationErrorReason,
  type SubsetAllocationSpec,
} from "../src/index.ts";

type B = IntOrString | undefined;
/** [name, minReplicas, maxReplicas] */
type S = [string, B, B?];
const specs = (list: S[]): SubsetAllocationSpec[] =>
  list.map(([name, minReplicas, maxReplicas]) => ({
    name,
    ...(minReplicas !== undefined ? { minReplicas } : {}),
    ...(maxReplicas !== undefined ? { maxReplicas } : {}),
  }));

// OpenKruise's documentation example: a [1, 3], b [1, 50%], c [1, ∞).
const docs: S[] = [
  ["a", 1, 3],
  ["b", 1, "50%"],
  ["c", 1],
];
const maxOnly: S[] = [
  ["a", undefined, 2],
  ["b", undefined, 3],
  ["c", undefined],
];
const pinned: S[] = [
  ["a", 1, 1],
  ["b", 1, 1],
  ["c", 1],
];

const rows: [string, number | undefined, S[], Record<string, number> | SubsetAllocationErrorReason][] = [
  ["docs example, 1: only a's min fits", 1, docs, { a: 1, b: 0, c: 0 }],
  ["docs example, 2: mins in declaration order", 2, docs, { a: 1, b: 1, c: 0 }],
  ["docs example, 3: every min", 3, docs, { a: 1, b: 1, c: 1 }],
  ["docs example, 4: a topped up first", 4, docs, { a: 2, b: 1, c: 1 }],
  ["docs example, 5: a at its max", 5, docs, { a: 3, b: 1, c: 1 }],
  ["docs example, 6: b's 50% is 3", 6, docs, { a: 3, b: 2, c: 1 }],
  ["docs example, 7: 50% of 7 rounds up to 4", 7, docs, { a: 3, b: 3, c: 1 }],
  ["docs example, 10", 10, docs, { a: 3, b: 5, c: 2 }],
  ["docs example, 20", 20, docs, { a: 3, b: 10, c: 7 }],
  ["docs example, 0: b's 50% of 0 is below its min of 1, refused", 0, docs, "MaxReplicasBelowMin"],
  [
    "mins above the total: later subsets get what is left",
    3,
    [
      ["a", 2],
      ["b", 2],
    ],
    { a: 2, b: 1 },
  ],
  [
    "min only: the first unbounded subset takes the rest",
    10,
    [
      ["a", 2],
      ["b", 2],
    ],
    { a: 8, b: 2 },
  ],
  [
    "percentage mins, no max anywhere but c",
    10,
    [
      ["a", "20%"],
      ["b", "30%"],
      ["c", undefined],
    ],
    { a: 7, b: 3, c: 0 },
  ],
  ["max only, 10: each up to its max, the last takes the rest", 10, maxOnly, { a: 2, b: 3, c: 5 }],
  ["max only, 4: the total runs out in b", 4, maxOnly, { a: 2, b: 2, c: 0 }],
  ["max only, 0", 0, maxOnly, { a: 0, b: 0, c: 0 }],
  [
    "25% of 8 is 2",
    8,
    [
      ["a", undefined, "25%"],
      ["b", undefined],
    ],
    { a: 2, b: 6 },
  ],
  [
    "25% of 10 rounds half up to 3",
    10,
    [
      ["a", undefined, "25%"],
      ["b", undefined],
    ],
    { a: 3, b: 7 },
  ],
  [
    "33% of 10 is 3, twice",
    10,
    [
      ["a", undefined, "33%"],
      ["b", undefined, "33%"],
      ["c", undefined],
    ],
    { a: 3, b: 3, c: 4 },
  ],
  [
    "max 0 closes a subset",
    5,
    [
      ["a", undefined, 0],
      ["b", undefined],
    ],
    { a: 0, b: 5 },
  ],
  [
    "max 100% takes everything",
    5,
    [
      ["a", undefined, "100%"],
      ["b", undefined],
    ],
    { a: 5, b: 0 },
  ],
  [
    "[2, 4] and [2, ∞) over 5",
    5,
    [
      ["a", 2, 4],
      ["b", 2],
    ],
    { a: 3, b: 2 },
  ],
  [
    "[2, 4] and [2, ∞) over 3",
    3,
    [
      ["a", 2, 4],
      ["b", 2],
    ],
    { a: 2, b: 1 },
  ],
  [
    "[2, 4] and [2, ∞) over 9",
    9,
    [
      ["a", 2, 4],
      ["b", 2],
    ],
    { a: 4, b: 5 },
  ],
  ["pinned subsets, 2", 2, pinned, { a: 1, b: 1, c: 0 }],
  ["pinned subsets, 6: the rest goes past them", 6, pinned, { a: 1, b: 1, c: 4 }],
  [
    "percentage min and max",
    10,
    [
      ["a", "10%", "50%"],
      ["b", "10%"],
    ],
    { a: 5, b: 5 },
  ],
  [
    "every subset bounded: what does not fit is not placed",
    10,
    [
      ["a", 3, 3],
      ["b", undefined, 2],
      ["c", undefined, 2],
    ],
    { a: 3, b: 2, c: 2 },
  ],
  [
    "big mins over a small total",
    6,
    [
      ["a", 4],
      ["b", 4],
      ["c", 4],
    ],
    { a: 4, b: 2, c: 0 },
  ],
  [
    "a later min is served before an earlier max",
    2,
    [
      ["a", undefined, 3],
      ["b", 1],
    ],
    { a: 1, b: 1 },
  ],
  [
    "declaration order: an unbounded first subset takes everything",
    5,
    [
      ["a", undefined],
      ["b", undefined, 2],
    ],
    { a: 5, b: 0 },
  ],
  [
    "spec.replicas unset: percentages of 0, nothing placed",
    undefined,
    [
      ["a", undefined, 2],
      ["b", undefined],
    ],
    { a: 0, b: 0 },
  ],
  [
    "max below min is refused",
    5,
    [
      ["a", 3, 2],
      ["b", undefined],
    ],
    "MaxReplicasBelowMin",
  ],
  [
    "50% min above a max of 2 is refused",
    10,
    [
      ["a", "50%", 2],
      ["b", undefined],
    ],
    "MaxReplicasBelowMin",
  ],
  [
    "a later subset's 40% max below its min is refused",
    10,
    [
      ["a", 1],
      ["b", 5, "40%"],
    ],
    "MaxReplicasBelowMin",
  ],
];

describe("min/max allocation (OpenKruise's elastic allocator)", () => {
  it("has at least 30 cases", () => {
    expect(rows.length).toBeGreaterThanOrEqual(30);
  });
  it.each(rows)("%s (%s replicas)", (_name, replicas, subsets, expected) => {
    const result = allocateSubsetReplicas({ replicas, subsets: specs(subsets) });
    expect(result.allocator).toBe("elastic");
    if (typeof expected === "string") {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.reason).toBe(expected);
    } else {
      expect(result.ok && result.replicas).toEqual(expected);
    }
  });
  it("an unreadable max counts as 0 and is reported with its field", () => {
    const result = allocateSubsetReplicas({
      replicas: 5,
      subsets: specs([
        ["a", undefined, "x"],
        ["b", undefined],
      ]),
    });
    expect(result.ok && result.replicas).toEqual({ a: 0, b: 5 });
    expect(result.problems.map((p) => p.field)).toEqual(["spec.topology.subsets[0].maxReplicas"]);
  });
});
