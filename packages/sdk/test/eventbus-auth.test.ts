// NATS users per controller (issue 14, defect 9): no anonymous access, each user publishes only its own subjects,
// consumes only what it is granted, and cannot touch the stream.
import { jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import type { ControlPlane } from "@kruise/testenv";
import { natsConnectOptions, natsCredentialRefusals } from "@kruise/testenv";
import { waitFor } from "@kruise/testenv/vitest";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventBus, natsConnectionSettings, streamName, type CloudEvent } from "../src/eventbus/index.ts";
import { startPrivateControlPlane } from "./support/private-control-plane.ts";

let cp: ControlPlane;
let admin: NatsConnection;
const buses: EventBus[] = [];

beforeAll(async () => {
  cp = await startPrivateControlPlane({
    nats: true,
    natsUsers: {
      cloneset: { publishes: ["kruise.cloneset.>"], consumes: [] },
      broadcastjob: { publishes: ["kruise.broadcastjob.>"], consumes: [] },
      advancedcronjob: {
        publishes: ["kruise.advancedcronjob.>"],
        consumes: ["kruise.broadcastjob.*.*.job-finished"],
      },
    },
  });
  admin = await connect({ ...natsConnectOptions(cp.natsUrl!), timeout: 5_000 });
  // The stream's one manager creates it; controllers only use it.
  const managed = EventBus.start({
    servers: cp.natsUrl!,
    source: "stream-manager",
    registry: new Registry(),
  });
  buses.push(managed);
  const jsm = await jetstreamManager(admin);
  await waitFor(
    "the KRUISE stream",
    async () => (await jsm.streams.info(streamName)).config.name === streamName,
  );
});

afterAll(async () => {
  await Promise.all(buses.map((b) => b.close()));
  await admin?.close();
  await cp?.stop();
});

const busAs = (user: string): EventBus => {
  const bus = EventBus.start({ servers: cp.natsUserUrl(user), source: user, registry: new Registry() });
  buses.push(bus);
  return bus;
};

/** Core-NATS messages the admin sees on kruise.> from now on. */
function watchAll(): { subjects: string[]; stop: () => void } {
  const subjects: string[] = [];
  const sub = admin.subscribe("kruise.>", { callback: (_err, msg) => void subjects.push(msg.subject) });
  return { subjects, stop: () => sub.unsubscribe() };
}

describe("NATS users per controller", () => {
  it("refuses a client without credentials, so it can neither subscribe to nor publish on kruise.>", async () => {
    for (const [attempt, reason] of Object.entries(
      await natsCredentialRefusals(cp.natsAnonymousUrl!, "cloneset"),
    ))
      expect(reason, attempt).toMatch(/Authorization Violation/);
  });

  it("lets a controller publish only its own subjects, and never subscribe to kruise.>", async () => {
    const seen = watchAll();
    const nc = await connect({ ...natsConnectionSettings(cp.natsUserUrl("cloneset")), timeout: 5_000 });
    const errors: string[] = [];
    void (async () => {
      for await (const s of nc.status()) if (s.type === "error") errors.push(String(s.error));
    })();
    const sub = nc.subscribe("kruise.>");
    const subscribed = (async () => {
      try {
        for await (const _ of sub) return "message";
        return "closed";
      } catch (err) {
        return String(err);
      }
    })();
    nc.publish("kruise.broadcastjob.ns.forged.job-finished", "{}");
    nc.publish("kruise.cloneset.ns.mine.scaled", "{}");
    expect(await subscribed).toMatch(/Permissions Violation for Subscription to "kruise.>"/);
    await waitFor("cloneset's own event", () => seen.subjects.includes("kruise.cloneset.ns.mine.scaled"));
    await nc.flush();
    expect(seen.subjects).not.toContain("kruise.broadcastjob.ns.forged.job-finished");
    await waitFor("the publish violation", () =>
      errors.some((e) => /Publish.*kruise\.broadcastjob/i.test(e)),
    );
    seen.stop();
    await nc.close();
  });

  it("lets no controller delete or change the stream", async () => {
    const nc = await connect({
      ...natsConnectionSettings(cp.natsUserUrl("advancedcronjob")),
      timeout: 5_000,
    });
    const jsm = await jetstreamManager(nc, { timeout: 2_000 });
    await expect(jsm.streams.delete(streamName)).rejects.toThrow();
    await expect(jsm.streams.purge(streamName)).rejects.toThrow();
    const info = await (await jetstreamManager(admin)).streams.info(streamName);
    expect(info.config.name).toBe(streamName);
    await nc.close();
  });

  it("delivers a granted subject through the EventBus, and refuses a consumer on anything else", async () => {
    const cron = busAs("advancedcronjob");
    const granted: CloudEvent[] = [];
    const forbidden: CloudEvent[] = [];
    cron.subscribe("kruise.broadcastjob.*.*.job-finished", (e) => granted.push(e));
    cron.subscribe("kruise.cloneset.>", (e) => forbidden.push(e));
    const bcj = busAs("broadcastjob");
    const clone = busAs("cloneset");
    await waitFor("both publishers connected", () => bcj.connected && clone.connected && cron.connected);
    // The consumer is created in the background; publish until it sees one.
    let n = 0;
    await waitFor(
      "the granted event",
      () => {
        bcj.publish({
          kind: "BroadcastJob",
          namespace: "ns",
          name: "j",
          event: "job-finished",
          id: `f${n++}`,
          data: {},
        });
        clone.publish({
          kind: "CloneSet",
          namespace: "ns",
          name: "c",
          event: "scaled",
          id: `c${n}`,
          data: {},
        });
        return granted.length > 0;
      },
      20_000,
      300,
    );
    expect(granted[0]?.source).toBe("broadcastjob");
    expect(forbidden).toEqual([]);
  });
});
