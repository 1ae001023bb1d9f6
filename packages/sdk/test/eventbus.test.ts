import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { connect, nanos, type NatsConnection } from "@nats-io/transport-node";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  busMessageId,
  EventBus,
  subjectFor,
  subjectPattern,
  cloudEventTypeFor,
  streamName,
  type CloudEvent,
  natsConnectionSettings,
} from "../src/eventbus/index.ts";
import { Outbox } from "../src/eventbus/outbox.ts";
import type { ControlPlane } from "@kruise/testenv";
import { waitFor } from "@kruise/testenv/vitest";
import { freePort } from "./support/free-port.ts";
import { startPrivateControlPlane } from "./support/private-control-plane.ts";

async function metric(registry: Registry, name: string): Promise<number> {
  const found = registry.getSingleMetric(name);
  if (!found) return 0;
  const { values } = await found.get();
  return values.reduce((sum, v) => sum + v.value, 0);
}

const event = (name: string, id: string, data?: unknown) => ({
  kind: "CloneSet",
  namespace: "ns1",
  name,
  event: "scaled",
  id,
  data,
});

describe("subjects", () => {
  it.each([
    ["CloneSet", "default", "demo", "scaled", "kruise.cloneset.default.demo.scaled"],
    ["Node", "", "node-1", "drained", "kruise.node._.node-1.drained"],
    ["CloneSet", "ns", "web.v2", "rollout-finished", "kruise.cloneset.ns.web_v2.rollout-finished"],
    ["CloneSet", "ns", "a*b>c d", "x", "kruise.cloneset.ns.a_b_c_d.x"],
  ])("subjectFor(%s, %s, %s, %s) = %s", (kind, namespace, name, ev, subject) => {
    expect(subjectFor(kind, namespace, name, ev)).toBe(subject);
  });
  it("builds subscription patterns with the same scheme", () => {
    expect(subjectPattern("BroadcastJob", "job-finished")).toBe("kruise.broadcastjob.*.*.job-finished");
    expect(subjectPattern("CloneSet", "scaled", "ns.1")).toBe("kruise.cloneset.ns_1.*.scaled");
  });
  it("builds the CloudEvents type", () => {
    expect(cloudEventTypeFor("BroadcastJob", "finished")).toBe("io.kruise.broadcastjob.finished");
  });
});

/** The publisher's step key of a received id (busMessageId appends a 12-hex digest of the data). */
const stepKey = (id: string): string => id.replace(/\.[0-9a-f]{12}$/, "");

describe("bus message ids", () => {
  // A bus id changes when the data changes; one state observed twice keeps one id (key order aside).
  const complete = (replicas: number, extra: Record<string, unknown> = {}) => ({
    id: "uid-1.cs-abc.rollout-complete",
    data: { revision: "cs-abc", replicas, ...extra },
  });
  it.each([
    ["3 vs 5 replicas", complete(3), complete(5), false],
    ["the same state twice", complete(3), complete(3), true],
    [
      "the same state, keys in another order",
      complete(3),
      { id: complete(3).id, data: { replicas: 3, revision: "cs-abc" } },
      true,
    ],
    ["no data twice", { id: "k" }, { id: "k" }, true],
  ])("%s", (_name, a, b, same) => {
    expect(busMessageId(a) === busMessageId(b)).toBe(same);
    expect(busMessageId(a).startsWith(`${a.id}.`)).toBe(true);
  });
});

describe("Outbox", () => {
  const entry = (id: string) => ({ id, subject: "s", payload: new Uint8Array() });
  it("drops the oldest when full and keeps order when failed entries come back", () => {
    let dropped = 0;
    const outbox = new Outbox(4, (n) => (dropped += n));
    for (const id of ["a", "b", "c", "d", "e"]) outbox.push(entry(id));
    expect(dropped).toBe(1);
    const taken = outbox.takeFront(2);
    expect(taken.map((e) => e.id)).toEqual(["b", "c"]);
    outbox.push(entry("f"));
    outbox.returnFront(taken); // room for one: "b" (the oldest) is dropped
    expect(dropped).toBe(2);
    expect(outbox.takeFront(10).map((e) => e.id)).toEqual(["c", "d", "e", "f"]);
  });
  it("rejects a bad limit with a clear message", () => {
    expect(() => new Outbox(0, () => {})).toThrow(/outboxLimit must be a positive integer/);
  });
});

describe("EventBus without NATS", () => {
  it("starts at once, never throws on publish, and counts overflow drops", async () => {
    const registry = new Registry();
    const deadPort = await freePort();
    const started = performance.now();
    const bus = EventBus.start({
      servers: `nats://127.0.0.1:${deadPort}`,
      source: "offline",
      registry,
      outboxLimit: 10,
      closeTimeoutMs: 100,
    });
    expect(performance.now() - started).toBeLessThan(50);
    for (let i = 0; i < 25; i++) expect(() => bus.publish(event("x", `id-${i}`))).not.toThrow();
    expect(bus.connected).toBe(false);
    expect(await metric(registry, "kruise_eventbus_outbox_depth")).toBe(10);
    expect(await metric(registry, "kruise_eventbus_dropped_total")).toBe(15);
    await bus.close();
  });

  it("with no servers configured, drops events and subscriptions never fire", async () => {
    const registry = new Registry();
    const bus = EventBus.start({ source: "disabled", registry });
    bus.publish(event("x", "1"));
    const unsubscribe = bus.subscribe("kruise.>", () => {});
    unsubscribe();
    expect(await metric(registry, "kruise_eventbus_dropped_total")).toBe(1);
    await bus.close();
  });
});

describe("EventBus against a real NATS server", () => {
  let cp: ControlPlane;
  let natsUrl: string;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const buses: EventBus[] = [];
  const startBus = (source: string, registry = new Registry()) => {
    const bus = EventBus.start({ servers: natsUrl, source, registry });
    buses.push(bus);
    return bus;
  };

  beforeAll(async () => {
    cp = await startPrivateControlPlane({ nats: true });
    if (!cp.natsUrl) throw new Error("the control plane started without NATS");
    natsUrl = cp.natsUrl;
    nc = await connect({
      ...natsConnectionSettings(natsUrl),
      maxReconnectAttempts: -1,
      reconnectTimeWait: 200,
    });
    jsm = await jetstreamManager(nc);
  });
  afterAll(async () => {
    await Promise.all(buses.map((b) => b.close()));
    await nc?.close();
    await cp?.stop();
  });

  it("creates the KRUISE stream and delivers CloudEvents with the dedup id header", async () => {
    const bus = startBus("cloneset-controller");
    await waitFor("connected", () => bus.connected, 10_000);
    const info = await jsm.streams.info(streamName);
    expect(info.config.subjects).toEqual(["kruise.>"]);
    expect(info.config.max_age).toBe(nanos(24 * 60 * 60_000));
    expect(info.config.duplicate_window).toBe(nanos(2 * 60_000));
    expect(info.config.max_bytes).toBeGreaterThan(0);

    const received: CloudEvent[] = [];
    const unsubscribe = bus.subscribe("kruise.cloneset.ns1.>", (e) => received.push(e));
    // The consumer only sees what is published after it exists.
    await waitFor("consumer", async () => (await jsm.consumers.list(streamName).next()).length > 0, 10_000);
    bus.publish(event("web", "uid-1.gen-2.scaled", { replicas: 3 }));
    await waitFor("delivery", () => received.length === 1, 10_000);
    expect(received[0]).toMatchObject({
      specversion: "1.0",
      id: busMessageId({ id: "uid-1.gen-2.scaled", data: { replicas: 3 } }),
      source: "cloneset-controller",
      type: "io.kruise.cloneset.scaled",
      subject: "ns1/web",
      datacontenttype: "application/json",
      data: { replicas: 3 },
    });
    expect(Date.parse(received[0]!.time)).not.toBeNaN();
    const stored = await jsm.streams.getMessage(streamName, {
      last_by_subj: "kruise.cloneset.ns1.web.scaled",
    });
    expect(stored?.header.get("Nats-Msg-Id")).toBe(
      busMessageId({ id: "uid-1.gen-2.scaled", data: { replicas: 3 } }),
    );
    unsubscribe();
  });

  it("deduplicates a re-published id in JetStream", async () => {
    const bus = startBus("dedup");
    await waitFor("connected", () => bus.connected, 10_000);
    const before = (await jsm.streams.info(streamName)).state.messages;
    bus.publish(event("dup", "same-id"));
    bus.publish(event("dup", "same-id"));
    const other = startBus("dedup-2");
    other.publish(event("dup", "same-id"));
    await waitFor("acks", async () => (await jsm.streams.info(streamName)).state.messages > before, 10_000);
    await Promise.all([bus.close(), other.close()]);
    expect((await jsm.streams.info(streamName)).state.messages).toBe(before + 1);
  });

  it("keeps both of two rollout states under one step key, and one copy of a state seen twice", async () => {
    const bus = startBus("rollout-ids");
    await waitFor("connected", () => bus.connected, 10_000);
    const subject = "kruise.cloneset.ns1.rolled.rollout-complete";
    const count = async (): Promise<number> => {
      const info = await jsm.streams.info(streamName, { subjects_filter: subject });
      return info.state.subjects?.[subject] ?? 0;
    };
    const complete = (replicas: number) => ({
      kind: "CloneSet",
      namespace: "ns1",
      name: "rolled",
      event: "rollout-complete",
      id: "uid-r.rolled-abc.rollout-complete",
      data: { revision: "rolled-abc", replicas },
    });
    bus.publish(complete(3));
    bus.publish(complete(3)); // the same state observed again: deduplicated
    bus.publish(complete(5)); // a new state under the same key: kept
    await waitFor("both states stored", async () => (await count()) >= 2, 10_000);
    await bus.close();
    expect(await count()).toBe(2);
  });

  it("delivers every event exactly once when published while NATS is down", async () => {
    const registry = new Registry();
    const publisher = startBus("publisher", registry);
    const subscriber = startBus("subscriber");
    const seen = new Map<string, number>();
    const order: string[] = [];
    subscriber.subscribe("kruise.cloneset.ns1.outage.>", (e) => {
      seen.set(stepKey(e.id), (seen.get(stepKey(e.id)) ?? 0) + 1);
      order.push(stepKey(e.id));
    });
    await waitFor("connected", () => publisher.connected && subscriber.connected, 10_000);
    await waitFor(
      "consumer",
      async () => {
        for await (const c of jsm.consumers.list(streamName))
          if (c.config.filter_subject?.includes("outage")) return true;
        return false;
      },
      10_000,
    );
    // Some events before, many during, some after the outage.
    const ids = Array.from({ length: 600 }, (_, i) => `outage-${String(i).padStart(4, "0")}`);
    for (const id of ids.slice(0, 50)) publisher.publish(event("outage", id));
    await waitFor("first events", () => seen.size === 50, 10_000);

    await cp.stopNats();
    await waitFor("disconnect noticed", () => !publisher.connected, 10_000);
    for (const id of ids.slice(50, 550)) publisher.publish(event("outage", id));
    expect(await metric(registry, "kruise_eventbus_outbox_depth")).toBe(500);
    const restartedAt = performance.now();
    await cp.startNats();
    for (const id of ids.slice(550)) publisher.publish(event("outage", id));

    await waitFor("all events", () => seen.size === ids.length, 30_000);
    console.log(
      `eventbus: 550 events delivered ${Math.round(performance.now() - restartedAt)} ms after nats-server was started again`,
    );
    await new Promise((r) => setTimeout(r, 500)); // room for any late duplicate
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(order).toEqual(ids);
    expect(await metric(registry, "kruise_eventbus_published_total")).toBe(600);
    expect(await metric(registry, "kruise_eventbus_dropped_total")).toBe(0);
    expect(await metric(registry, "kruise_eventbus_outbox_depth")).toBe(0);
  });

  it("re-creates a subscription's consumer when NATS loses it", async () => {
    const bus = startBus("recreate");
    const received: string[] = [];
    bus.subscribe("kruise.cloneset.ns1.lost.>", (e) => received.push(stepKey(e.id)));
    let consumerName = "";
    await waitFor(
      "consumer",
      async () => {
        for await (const c of jsm.consumers.list(streamName))
          if (c.config.filter_subject?.includes("lost")) consumerName = c.name;
        return consumerName !== "";
      },
      10_000,
    );
    await jsm.consumers.delete(streamName, consumerName);
    bus.publish(event("lost", "lost-1"));
    await waitFor("delivery after re-creation", () => received.includes("lost-1"), 30_000);
    expect(received).toEqual(["lost-1"]);
  });

  it("a durable subscription resumes where it left off", async () => {
    const bus = startBus("durable");
    const first: string[] = [];
    const unsubscribe = bus.subscribe("kruise.cloneset.ns1.durable.>", (e) => first.push(stepKey(e.id)), {
      durable: "comms-test-durable",
    });
    await waitFor(
      "consumer",
      async () => {
        for await (const c of jsm.consumers.list(streamName))
          if (c.name === "comms-test-durable") return true;
        return false;
      },
      10_000,
    );
    bus.publish(event("durable", "d-1"));
    await waitFor("first delivery", () => first.length === 1, 10_000);
    unsubscribe();
    bus.publish(event("durable", "d-2")); // while nobody listens
    const second: string[] = [];
    bus.subscribe("kruise.cloneset.ns1.durable.>", (e) => second.push(stepKey(e.id)), {
      durable: "comms-test-durable",
    });
    await waitFor("missed event", () => second.length === 1, 10_000);
    expect(second).toEqual(["d-2"]);
  });

  it("updates a stream whose limits differ", async () => {
    await jsm.streams.update(streamName, { max_age: nanos(10 * 60_000) });
    const bus = startBus("updater");
    await waitFor("connected", () => bus.connected, 10_000);
    expect((await jsm.streams.info(streamName)).config.max_age).toBe(nanos(24 * 60 * 60_000));
  });
});
