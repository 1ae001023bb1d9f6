// A controller must not need NATS: it starts, becomes ready and reconciles with NATS absent, keeps reconciling
// while NATS is stopped mid-run, and its watchesEvents subscription resumes once NATS is back.
import { ConfigMapKind, NamespaceKind } from "../src/kinds/core.ts";
import type { ControlPlane } from "@kruise/testenv";
import { createTestNamespace, getTestEnv, waitFor } from "@kruise/testenv/vitest";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, loadRestConfig } from "../src/client/index.ts";
import type { HttpClient } from "../src/client/index.ts";
import { Manager } from "../src/manager/index.ts";
import { freePort } from "./support/free-port.ts";
import { startPrivateControlPlane } from "./support/private-control-plane.ts";

const silent = pino({ level: "silent" });

describe("a controller with NATS absent", () => {
  it("starts, becomes ready and reconciles", async () => {
    const env = getTestEnv();
    const ns = await createTestNamespace("sdk-no-nats");
    const restConfig = await loadRestConfig(env.kubeconfigPath);
    const client = createClient(restConfig, { qps: Infinity });
    const mgr = await Manager.create({
      name: "no-nats",
      restConfig,
      logger: silent,
      metricsBindAddress: "0",
      healthProbeBindAddress: "127.0.0.1:0",
      nats: { servers: `nats://127.0.0.1:${await freePort()}` },
    });
    const reconciled = new Set<string>();
    const fromEvents: string[] = [];
    mgr
      .controller("no-nats")
      .for(ConfigMapKind)
      .watchesEvents(`kruise.widget.${ns}.*.poked`, (e) => [
        { namespace: e.namespace, name: `from-${e.name}` },
      ])
      .reconcile(({ namespace, name }) => {
        if (namespace !== ns) return;
        reconciled.add(name);
        if (name.startsWith("from-")) fromEvents.push(name);
      });
    const startedAt = performance.now();
    const running = mgr.start();
    try {
      await waitFor("the health server to listen", () => mgr.healthPort !== undefined);
      await waitFor(
        "/readyz to pass without NATS",
        async () => (await fetch(`http://127.0.0.1:${mgr.healthPort}/readyz`)).status === 200,
      );
      console.log(`no-nats: ready ${Math.round(performance.now() - startedAt)} ms after start()`);
      expect(mgr.eventBus?.connected).toBe(false);
      expect(() =>
        mgr.eventBus!.publish({ kind: "Widget", namespace: ns, name: "w", event: "poked", id: `${ns}-w` }),
      ).not.toThrow();
      for (let i = 0; i < 3; i++)
        await client.create(ConfigMapKind, { metadata: { name: `cm-${i}`, namespace: ns } });
      await waitFor("every ConfigMap reconciled", () => [0, 1, 2].every((i) => reconciled.has(`cm-${i}`)));
      expect(fromEvents).toEqual([]);
    } finally {
      await mgr.stop();
      await running;
      await client.close();
    }
  });
});

describe("a controller while NATS stops and restarts (private control plane)", () => {
  let plane: ControlPlane;
  let client: HttpClient;

  beforeAll(async () => {
    plane = await startPrivateControlPlane({ nats: true });
    client = createClient(await loadRestConfig(plane.kubeconfigPath), { qps: Infinity });
  });
  afterAll(async () => {
    await client?.close();
    await plane?.stop();
  });

  it("keeps reconciling with NATS stopped, and watchesEvents resumes after NATS restarts", async () => {
    const natsUrl = plane.natsUrl;
    if (!natsUrl) throw new Error("the private control plane started without NATS");
    const ns = "nats-outage";
    await client.create(NamespaceKind, { metadata: { name: ns } });
    const mgr = await Manager.create({
      name: "nats-outage",
      restConfig: await loadRestConfig(plane.kubeconfigPath),
      logger: silent,
      metricsBindAddress: "0",
      healthProbeBindAddress: "127.0.0.1:0",
      nats: { servers: natsUrl },
    });
    const reconciled = new Set<string>();
    mgr
      .controller("nats-outage")
      .for(ConfigMapKind)
      .watchesEvents(`kruise.widget.${ns}.*.poked`, (e) => [
        { namespace: e.namespace, name: `from-${e.name}` },
      ])
      .reconcile(({ namespace, name }) => {
        if (namespace === ns) reconciled.add(name);
      });
    const running = mgr.start();
    const bus = () => mgr.eventBus!;
    let attempt = 0;
    // Publish until the subscription has seen one; fresh ids, or JetStream dedups them.
    const pokeUntilSeen = (name: string, timeoutMs: number) =>
      waitFor(
        `the event for ${name} to enqueue its key`,
        () => {
          if (bus().connected)
            bus().publish({
              kind: "Widget",
              namespace: ns,
              name,
              event: "poked",
              id: `${ns}-${name}-${++attempt}`,
            });
          return reconciled.has(`from-${name}`);
        },
        timeoutMs,
      );
    try {
      await mgr.cache.waitForSync(AbortSignal.timeout(20_000));
      await pokeUntilSeen("before", 20_000);

      await plane.stopNats();
      await waitFor("the EventBus to notice the outage", () => !bus().connected, 15_000);
      for (let i = 0; i < 3; i++)
        await client.create(ConfigMapKind, { metadata: { name: `during-${i}`, namespace: ns } });
      await waitFor("ConfigMaps reconciled while NATS is stopped", () =>
        [0, 1, 2].every((i) => reconciled.has(`during-${i}`)),
      );
      const ready = await fetch(`http://127.0.0.1:${mgr.healthPort}/readyz`);
      expect(ready.status).toBe(200);

      await plane.startNats();
      await waitFor("the EventBus to reconnect", () => bus().connected, 30_000);
      await pokeUntilSeen("after", 30_000);
      await client.create(ConfigMapKind, { metadata: { name: "after-restart", namespace: ns } });
      await waitFor("reconciles after NATS restarted", () => reconciled.has("after-restart"));
    } finally {
      await mgr.stop();
      await running;
    }
    expect(reconciled.has("from-before")).toBe(true);
    expect(reconciled.has("from-after")).toBe(true);
  });
});
