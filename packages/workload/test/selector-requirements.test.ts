// LabelSelector and NodeSelector requirements share the set-based operators (table-driven): one implementation,
// with NodeSelector's Gt/Lt on top and anything else matching nothing.
import { describe, expect, it } from "vitest";
import { requirementMatches, selectorMatches } from "../src/index.ts";

const labels = { zone: "a", gen: "5" };

describe("set-based requirements", () => {
  it.each([
    ["In, value listed", "zone", "In", ["a", "b"], true],
    ["In, value not listed", "zone", "In", ["b"], false],
    ["In, key absent", "rack", "In", ["a"], false],
    ["NotIn, value listed", "zone", "NotIn", ["a"], false],
    ["NotIn, value not listed", "zone", "NotIn", ["b"], true],
    ["NotIn, key absent", "rack", "NotIn", ["a"], true],
    ["Exists, present", "zone", "Exists", undefined, true],
    ["Exists, absent", "rack", "Exists", undefined, false],
    ["DoesNotExist, present", "zone", "DoesNotExist", undefined, false],
    ["DoesNotExist, absent", "rack", "DoesNotExist", undefined, true],
  ] as const)("%s: LabelSelector and NodeSelector agree", (_name, key, operator, values, want) => {
    const req = { key, operator, ...(values ? { values: [...values] } : {}) };
    expect(selectorMatches({ matchExpressions: [req] }, labels)).toBe(want);
    expect(requirementMatches(req, labels)).toBe(want);
  });
});

describe("NodeSelector-only operators", () => {
  it.each([
    ["Gt below", "gen", "Gt", ["4"], true],
    ["Gt equal", "gen", "Gt", ["5"], false],
    ["Lt above", "gen", "Lt", ["6"], true],
    ["Lt, key absent", "rack", "Lt", ["6"], false],
    ["Gt, not a number", "zone", "Gt", ["1"], false],
    ["Gt, two values", "gen", "Gt", ["1", "2"], false],
    ["unknown operator", "zone", "Matches", ["a"], false],
  ] as const)("%s", (_name, key, operator, values, want) => {
    expect(requirementMatches({ key, operator, values: [...values] }, labels)).toBe(want);
  });

  it("a LabelSelector with Gt or an unknown operator matches nothing", () => {
    expect(
      selectorMatches({ matchExpressions: [{ key: "gen", operator: "Gt", values: ["1"] }] }, labels),
    ).toBe(false);
    expect(
      selectorMatches({ matchExpressions: [{ key: "zone", operator: "Matches", values: ["a"] }] }, labels),
    ).toBe(false);
  });
});
