import { describe, expect, it } from "vitest";
import { unsupportedNodeReason } from "../src/node-version.ts";

describe("unsupportedNodeReason", () => {
  it.each([
    ["24.21.0", false],
    ["23.0.0", false],
    ["22.19.0", false],
    ["22.20.1", false],
    ["22.18.0", true],
    ["20.20.2", true],
    ["18.0.0", true],
  ])("Node %s unsupported: %s", (version, unsupported) => {
    const reason = unsupportedNodeReason(version);
    expect(reason !== undefined).toBe(unsupported);
    if (unsupported) expect(reason).toContain("needs Node 22 or newer");
  });
});
