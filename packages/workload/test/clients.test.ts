import type { Client } from "@kruise/sdk";
import type { Pod } from "kubernetes-types/core/v1.js";
import { describe, expect, it } from "vitest";
import {
  applyInPlaceRefresh,
  applyLifecycleTransition,
  planInPlaceRefresh,
  updatePodInPlace,
  withInPlaceReadinessGate,
} from "../src/index.ts";
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
  // inplace_update.go Update: InPlaceUpdateReady=False is written before the pod update, so traffic drains first.
  it("updatePodInPlace writes the condition, then the pod", async () => {
    const p: Pod = {
      ...pod({ ready: true, revision: "demo-1" }),
      spec: {
        containers: [{ name: "main", image: "nginx:1" }],
        readinessGates: withInPlaceReadinessGate(undefined),
      },
    };
    p.metadata = { ...p.metadata, resourceVersion: "5" };
    const { client, calls } = recordingClient();
    const result = await updatePodInPlace(
      client,
      p,
      { revision: "demo-2", containerImages: { main: "nginx:2" }, graceSeconds: 5 },
      { now: NOW },
    );
    expect(calls.map((c) => c.method)).toEqual(["patchStatus", "update"]);
    expect(result.requeueAfterMs).toBe(5000);
  });

  it("updatePodInPlace skips the condition for pods without the readiness gate", async () => {
    const { client, calls } = recordingClient();
    await updatePodInPlace(
      client,
      pod({ ready: true }),
      { revision: "demo-2", containerImages: { main: "nginx:2" } },
      { now: NOW },
    );
    expect(calls.map((c) => c.method)).toEqual(["update"]);
  });

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

  it("applyInPlaceRefresh writes nothing for a pod without an update", async () => {
    const { client, calls } = recordingClient();
    const p = pod({ ready: true });
    expect(await applyInPlaceRefresh(client, p, planInPlaceRefresh(p, NOW))).toBeUndefined();
    expect(calls).toEqual([]);
  });
});
