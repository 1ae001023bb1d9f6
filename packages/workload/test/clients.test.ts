import type { Client } from "@kruise/sdk";
import { describe, expect, it } from "vitest";
import { applyLifecycleTransition } from "../src/index.ts";
import { NOW, pod } from "./helpers.ts";

interface Call {
  method: string;
  body: unknown;
}

/** Records writes in order and echoes the object back, like an API server that accepts everything. */
function recordingClient(): { client: Client; calls: Call[] } {
  const calls: Call[] = [];
  const client = {
    async patch(_k: unknown, _n: string, _ns: string | undefined, _t: string, body: unknown) {
      calls.push({ method: "patch", body });
      return body;
    },
    async patchStatus(_k: unknown, _n: string, _ns: string | undefined, _t: string, body: unknown) {
      calls.push({ method: "patchStatus", body });
      return body;
    },
    async update(_k: unknown, obj: unknown) {
      calls.push({ method: "update", body: obj });
      return obj;
    },
  } as unknown as Client;
  return { client, calls };
}

describe("thin I/O wrappers", () => {
  // lifecycle_utils.go UpdatePodLifecycle: no write when the state is already right.
  it("applyLifecycleTransition writes only when the state changes", async () => {
    const { client, calls } = recordingClient();
    expect(
      (
        await applyLifecycleTransition(
          client,
          pod({ state: "Normal" }),
          { to: "Normal", markPodNotReady: false },
          NOW,
        )
      ).updated,
    ).toBe(false);
    expect(
      (
        await applyLifecycleTransition(
          client,
          pod({ state: "Updating" }),
          { to: "Normal", markPodNotReady: false },
          NOW,
        )
      ).updated,
    ).toBe(true);
    expect(calls.map((c) => c.method)).toEqual(["patch"]);
  });
});
