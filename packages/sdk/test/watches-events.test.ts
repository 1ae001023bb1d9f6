import { ConfigMapKind } from "../src/kinds/core.ts";
import { createTestNamespace, getTestEnv, waitFor } from "@kruise/testenv/vitest";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { loadRestConfig } from "../src/client/index.ts";
import { Manager } from "../src/manager/index.ts";

describe("watchesEvents", () => {
  it("enqueues the key a NATS event names, through the manager's EventBus", async () => {
    const env = getTestEnv();
    if (!env.natsUrl) throw new Error("the shared control plane has no NATS; this test needs it");
    const ns = await createTestNamespace("sdk-events");
    const mgr = await Manager.create({
      name: "events-test",
      restConfig: await loadRestConfig(env.kubeconfigPath),
      logger: pino({ level: "silent" }),
      metricsBindAddress: "0",
      healthProbeBindAddress: "0",
      nats: { servers: env.natsUrl },
    });
    const seen: string[] = [];
    mgr
      .controller("events-test")
      .for(ConfigMapKind)
      .watchesEvents(`kruise.widget.${ns}.*.poked`, (e) => [
        { namespace: e.namespace, name: `from-${e.name}` },
      ])
      .reconcile(({ namespace, name }) => {
        if (namespace === ns) seen.push(name);
      });
    const running = mgr.start();
    try {
      await mgr.cache.waitForSync(AbortSignal.timeout(20_000));
      // Publish until the subscription (which starts asynchronously) has seen one; fresh ids, or JetStream dedups them.
      let attempt = 0;
      await waitFor(
        "the event to enqueue its key",
        () => {
          mgr.eventBus!.publish({
            kind: "Widget",
            namespace: ns,
            name: "w1",
            event: "poked",
            id: `${ns}-w1-poked-${++attempt}`,
          });
          return seen.includes("from-w1");
        },
        20_000,
      );
      expect(seen.filter((n) => n === "from-w1").length).toBeGreaterThanOrEqual(1);
    } finally {
      await mgr.stop();
      await running;
    }
  });
});
