import { describe, expect, it } from "vitest";
import { waitFor } from "../src/vitest/wait-for.ts";

describe("waitFor", () => {
  it("resolves with the first value that is neither undefined nor false", async () => {
    let calls = 0;
    await expect(
      waitFor("the third call", () => (++calls === 3 ? "done" : undefined), 1_000, 1),
    ).resolves.toBe("done");
  });

  it("polls again after the probe throws", async () => {
    let calls = 0;
    const probe = (): number => {
      if (++calls < 3) throw new Error("not yet");
      return calls;
    };
    await expect(waitFor("a probe that stops throwing", probe, 1_000, 1)).resolves.toBe(3);
  });

  it.each([
    ["the last result", () => false, "timed out after 20 ms waiting for ready (last result: false)"],
    [
      "the last error",
      () => Promise.reject(new Error("connection refused")),
      "timed out after 20 ms waiting for ready (last error: connection refused)",
    ],
  ])("names what it waited for and %s when it times out", async (_, probe, message) => {
    await expect(waitFor("ready", probe, 20, 5)).rejects.toThrow(message);
  });
});
