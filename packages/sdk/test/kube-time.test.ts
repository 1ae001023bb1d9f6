import { describe, expect, it } from "vitest";
import { formatKubeTime, parseKubeTime } from "../src/meta/index.ts";

describe("metav1.Time", () => {
  it.each([
    [Date.UTC(2024, 0, 2, 3, 4, 5, 0), "2024-01-02T03:04:05Z"],
    [Date.UTC(2024, 0, 2, 3, 4, 5, 999), "2024-01-02T03:04:05Z"],
  ])("formatKubeTime(%i) = %s", (epochMs, text) => {
    expect(formatKubeTime(epochMs)).toBe(text);
  });

  it.each([
    ["2024-01-02T03:04:05Z", Date.UTC(2024, 0, 2, 3, 4, 5)],
    ["2024-01-02T03:04:05.123000Z", Date.UTC(2024, 0, 2, 3, 4, 5, 123)],
    ["", undefined],
    [undefined, undefined],
    ["yesterday", undefined],
  ])("parseKubeTime(%s) = %s", (text, epochMs) => {
    expect(parseKubeTime(text)).toBe(epochMs);
  });
});
