import type { ConfigMap } from "kubernetes-types/core/v1.js";
import { pino } from "pino";
import { beforeAll, describe, expect, it } from "vitest";
import type { Client } from "../src/client/index.ts";
import { FakeClock } from "../src/clock/index.ts";
import type { Kind } from "../src/kind.ts";
import { EventKind } from "../src/kinds/core.ts";
import { EventRecorder } from "../src/recorder/index.ts";
import { createTestNamespace, getTestEnv, kubectl } from "@kruise/testenv/vitest";
import { createTestClient } from "./support/comms-client.ts";

const configMapKind: Kind<ConfigMap> = {
  group: "",
  version: "v1",
  kind: "ConfigMap",
  plural: "configmaps",
  namespaced: true,
};

describe("EventRecorder against the shared control plane", () => {
  let client: Client;
  let namespace: string;

  beforeAll(async () => {
    const env = getTestEnv();
    client = createTestClient({ server: env.server, ca: env.caData, token: env.adminToken });
    namespace = await createTestNamespace("recorder");
  });

  async function configMap(name: string): Promise<ConfigMap> {
    const created = await client.create(configMapKind, { metadata: { name, namespace }, data: { a: "1" } });
    // List and get results lack apiVersion/kind on some paths; the recorder needs them for describe to match.
    return { ...created, apiVersion: "v1", kind: "ConfigMap" };
  }

  async function eventsFor(name: string) {
    const list = await client.list(EventKind, { namespace, fieldSelector: `involvedObject.name=${name}` });
    return list.items;
  }

  it("aggregates identical events into one Event with a count", async () => {
    const obj = await configMap("aggregated");
    const recorder = new EventRecorder({ client, component: "comms-test" });
    for (let i = 0; i < 3; i++) recorder.event(obj, "Normal", "Synced", "synced the config map");
    recorder.event(obj, "Warning", "SyncFailed", "could not sync: boom");
    await recorder.flush();

    const events = await eventsFor("aggregated");
    expect(events).toHaveLength(2);
    const synced = events.find((e) => e.reason === "Synced")!;
    expect(synced.count).toBe(3);
    expect(synced.metadata.name).toMatch(/^aggregated\.[0-9a-f]+$/);
    expect(synced.type).toBe("Normal");
    expect(synced.message).toBe("synced the config map");
    expect(synced.source?.component).toBe("comms-test");
    expect(synced.involvedObject).toMatchObject({
      apiVersion: "v1",
      kind: "ConfigMap",
      name: "aggregated",
      namespace,
      uid: obj.metadata!.uid,
      resourceVersion: obj.metadata!.resourceVersion,
    });
    expect(Date.parse(synced.lastTimestamp!)).toBeGreaterThanOrEqual(Date.parse(synced.firstTimestamp!));
    const failed = events.find((e) => e.reason === "SyncFailed")!;
    expect(failed.type).toBe("Warning");
    expect(failed.count).toBe(1);
  });

  it("shows up in kubectl describe", async () => {
    const obj = await configMap("described");
    const recorder = new EventRecorder({ client, component: "comms-test" });
    recorder.event(obj, "Normal", "Scaled", "scaled up to 3");
    recorder.event(obj, "Normal", "Scaled", "scaled up to 3");
    await recorder.flush();
    const described = await kubectl(["-n", namespace, "describe", "configmap", "described"]);
    expect(described.stderr).toBe("");
    const eventLine = described.stdout.split("\n").find((line) => line.includes("Scaled"));
    expect(eventLine).toBeDefined();
    expect(eventLine).toMatch(/Normal\s+Scaled\s+.*\(x2 over .*\)\s+comms-test\s+scaled up to 3/);
  });

  it("starts a new Event when the aggregated one was deleted", async () => {
    const obj = await configMap("recreated");
    const recorder = new EventRecorder({ client, component: "comms-test" });
    recorder.event(obj, "Normal", "Synced", "same");
    await recorder.flush();
    const [first] = await eventsFor("recreated");
    await client.delete(EventKind, first!.metadata.name!, namespace);
    recorder.event(obj, "Normal", "Synced", "same");
    await recorder.flush();
    const events = await eventsFor("recreated");
    expect(events).toHaveLength(1);
    expect(events[0]!.metadata.name).not.toBe(first!.metadata.name);
    expect(events[0]!.count).toBe(1);
  });
});

/** An in-memory Client that records Event writes, for the pure queueing and filtering logic. */
function recordingClient(behaviour: { fail?: boolean; gate?: Promise<void> } = {}) {
  const writes: { verb: string; name: string; body: unknown }[] = [];
  const client = {
    create: async (_kind: unknown, obj: { metadata: { name: string } }) => {
      await behaviour.gate;
      if (behaviour.fail) throw Object.assign(new Error("apiserver unavailable"), { code: 503 });
      writes.push({ verb: "create", name: obj.metadata.name, body: obj });
      return obj;
    },
    patch: async (_kind: unknown, name: string, _ns: string, _type: string, patch: unknown) => {
      await behaviour.gate;
      writes.push({ verb: "patch", name, body: patch });
      return {};
    },
  } as unknown as Client;
  return { client, writes };
}

const pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p", namespace: "ns", uid: "u1", resourceVersion: "7" },
};

describe("EventRecorder queueing and filtering", () => {
  it("spam-filters one object after a burst of 25, then allows one per 5 minutes", async () => {
    const clock = new FakeClock();
    const { client, writes } = recordingClient();
    const recorder = new EventRecorder({ client, component: "c", clock });
    for (let i = 0; i < 30; i++) recorder.event(pod, "Normal", "Tick", `message ${i}`);
    await recorder.flush();
    expect(writes).toHaveLength(25);
    // Another object has its own bucket.
    recorder.event(
      { ...pod, metadata: { ...pod.metadata, name: "q", uid: "u2" } },
      "Normal",
      "Tick",
      "other",
    );
    await clock.advance(5 * 60_000);
    recorder.event(pod, "Normal", "Tick", "after refill");
    recorder.event(pod, "Normal", "Tick", "still limited");
    await recorder.flush();
    expect(writes.map((w) => (w.body as { message?: string }).message).slice(25)).toEqual([
      "other",
      "after refill",
    ]);
  });

  it("aggregates only within 10 minutes", async () => {
    const clock = new FakeClock();
    const { client, writes } = recordingClient();
    const recorder = new EventRecorder({ client, component: "c", clock });
    recorder.event(pod, "Normal", "Synced", "ok");
    await recorder.flush();
    await clock.advance(9 * 60_000);
    recorder.event(pod, "Normal", "Synced", "ok");
    await recorder.flush();
    await clock.advance(10 * 60_000);
    recorder.event(pod, "Normal", "Synced", "ok");
    await recorder.flush();
    expect(writes.map((w) => w.verb)).toEqual(["create", "patch", "create"]);
    expect(writes[1]!.body).toMatchObject({ count: 2 });
  });

  it("never throws or blocks when writes fail, and logs them", async () => {
    const lines: string[] = [];
    const log = pino({ level: "warn" }, { write: (line: string) => lines.push(line) });
    const { client } = recordingClient({ fail: true });
    const recorder = new EventRecorder({ client, component: "c", log });
    expect(() => recorder.event(pod, "Warning", "Failed", "x")).not.toThrow();
    await recorder.flush();
    expect(lines.join("")).toContain("could not write event");
  });

  it("drops events beyond the queue limit instead of growing", async () => {
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    const lines: string[] = [];
    const log = pino({ level: "warn" }, { write: (line: string) => lines.push(line) });
    const { client, writes } = recordingClient({ gate });
    const recorder = new EventRecorder({ client, component: "c", log, queueLimit: 5 });
    for (let i = 0; i < 10; i++) recorder.event(pod, "Normal", "R", `m${i}`);
    open();
    await recorder.flush();
    // One is in flight when the queue fills, five wait, the rest are dropped.
    expect(writes.length).toBeLessThanOrEqual(6);
    expect(lines.join("")).toContain("event queue full");
  });
});
