import { AckPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect, headers } from "@nats-io/transport-node";
import { afterAll, describe, expect, it } from "vitest";
import { natsConnectOptions } from "../src/index.ts";
import { getTestEnv } from "../src/vitest/index.ts";

describe("nats-server with JetStream", () => {
  const id = Math.random().toString(16).slice(2, 10);
  const stream = `TESTENV_${id}`;
  const subject = `testenv.${id}.event`;
  let close: (() => Promise<void>) | undefined;

  afterAll(async () => {
    await close?.();
  });

  it("delivers a published message exactly once and drops a duplicate Nats-Msg-Id", async () => {
    const natsUrl = getTestEnv().natsUrl;
    expect(natsUrl).toMatch(/^nats:\/\/testenv:[^@]+@127\.0\.0\.1:\d+$/);
    const nc = await connect({ ...natsConnectOptions(natsUrl!), timeout: 5_000 });
    close = async () => {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.delete(stream).catch(() => false);
      await nc.close();
    };
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: stream, subjects: [`testenv.${id}.>`], duplicate_window: 60_000_000_000 });
    const js = jetstream(nc);

    const withId = () => {
      const h = headers();
      h.set("Nats-Msg-Id", `event-${id}`);
      return h;
    };
    const first = await js.publish(subject, "hello", { headers: withId() });
    const second = await js.publish(subject, "hello", { headers: withId() });
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    expect(second.seq).toBe(first.seq);

    await jsm.consumers.add(stream, {
      durable_name: "reader",
      ack_policy: AckPolicy.Explicit,
      ack_wait: 1_000_000_000,
    });
    const consumer = await js.consumers.get(stream, "reader");
    const received: string[] = [];
    for await (const message of await consumer.fetch({ max_messages: 10, expires: 1_500 })) {
      received.push(message.string());
      message.ack();
    }
    expect(received).toEqual(["hello"]);
    // Acknowledged: nothing is redelivered after the ack wait.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const again: string[] = [];
    for await (const message of await consumer.fetch({ max_messages: 10, expires: 1_000 }))
      again.push(message.string());
    expect(again).toEqual([]);
  });
});
