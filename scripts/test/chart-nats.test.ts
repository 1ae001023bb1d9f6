// The umbrella's bundled NATS (issue 14, defect 9): rendered with nats.enabled, its configuration run by the real
// nats-server lets no anonymous client in, gives every controller on the bus its own user with exactly the main
// job's permissions (@kruise/api BUS_PARTIES through @kruise/testenv natsPermissions), lets one of them manage the
// stream, keeps the monitor port off the network, and hands each controller its user and password.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { BUS_PARTIES } from "@kruise/api";
import { EventBus, natsConnectionSettings, streamName } from "@kruise/sdk";
import { natsCredentialRefusals, natsPermissions, natsStreamManagement } from "@kruise/testenv";
import { getTestEnv, waitFor } from "@kruise/testenv/vitest";
import { buildChartDependencies } from "../charts/dependencies.ts";
import { runCommand } from "../charts/in-cluster.ts";

const root = resolve(import.meta.dirname, "../..");
const umbrella = join(root, "charts/kruise");
const scratch = mkdtempSync(join(tmpdir(), "kruise-chart-nats-"));
const helmEnv: NodeJS.ProcessEnv = {
  ...process.env,
  HELM_CACHE_HOME: join(scratch, "helm-cache"),
  HELM_CONFIG_HOME: join(scratch, "helm-config"),
  HELM_DATA_HOME: join(scratch, "helm-data"),
};

interface Manifest {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec?: unknown;
}
interface NatsConfig {
  listen: string;
  http: string;
  jetstream: { store_dir: string };
  authorization?: { users: Array<{ user: string; password: string; permissions: object }> };
}

let rendered: Manifest[] = [];
const byName = <T = Manifest>(kind: string, name: string): T => {
  const found = rendered.find((m) => m.kind === kind && m.metadata.name === name);
  if (found === undefined) throw new Error(`${kind} ${name} is not rendered`);
  return found as T;
};
const secretValue = (name: string, key: string): string =>
  Buffer.from(byName("Secret", name).data?.[key] ?? "", "base64").toString("utf8");
const config = (): NatsConfig => JSON.parse(secretValue("kr-nats-config", "nats.conf")) as NatsConfig;

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

let server: ChildProcess | undefined;
let port = 0;
beforeAll(async () => {
  const helm = join(getTestEnv().binDir, "helm");
  buildChartDependencies(root, helm, helmEnv);
  const run = await runCommand(
    helm,
    ["template", "kr", umbrella, "--namespace", "kruise-system", "--set", "nats.enabled=true"],
    { timeoutMs: 120_000, env: helmEnv },
  );
  if (run.code !== 0) throw new Error(run.output);
  rendered = parseAllDocuments(run.output)
    .map((doc) => doc.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
  // The rendered configuration as the pod runs it, on free loopback ports and a scratch store.
  port = await freePort();
  const local = { ...config(), listen: `127.0.0.1:${port}`, http: `127.0.0.1:${await freePort()}` };
  local.jetstream.store_dir = join(scratch, "store");
  const path = join(scratch, "nats.conf");
  writeFileSync(path, JSON.stringify(local), { mode: 0o600 });
  server = spawn(join(getTestEnv().binDir, "nats-server"), ["--config", path], { stdio: "ignore" });
  await waitFor("the nats-server of the chart's configuration", async () => {
    const nc = await connect({ servers: `127.0.0.1:${port}`, reconnect: false, timeout: 1_000 }).catch(
      (error: unknown) => String(error),
    );
    if (typeof nc !== "string") await nc.close();
    return typeof nc === "string" && /Authorization Violation/.test(nc);
  });
}, 180_000);
afterAll(() => {
  server?.kill("SIGTERM");
  rmSync(scratch, { recursive: true, force: true });
});

const userUrl = (user: string): string => `nats://${user}@127.0.0.1:${port}`;
const connectAs = (user: string): Promise<NatsConnection> =>
  connect({
    ...natsConnectionSettings(userUrl(user), { NATS_PASSWORD: secretValue(`kr-nats-${user}`, "password") }),
    timeout: 5_000,
  });

describe("the chart's bundled NATS", () => {
  it("refuses a client without credentials, so it can neither subscribe to nor publish on kruise.>", async () => {
    for (const [attempt, reason] of Object.entries(
      await natsCredentialRefusals(`127.0.0.1:${port}`, "cloneset"),
    ))
      expect(reason, attempt).toMatch(/Authorization Violation/);
  });

  it("has one user per controller on the bus, with the main job's permissions; one of them manages the stream", () => {
    const users = config().authorization?.users ?? [];
    expect(users.map((u) => u.user).sort()).toEqual(Object.keys(BUS_PARTIES).sort());
    for (const entry of users) {
      const expected = natsPermissions(
        entry.user,
        BUS_PARTIES[entry.user as keyof typeof BUS_PARTIES],
        streamName,
      ) as {
        publish: { allow: string[] };
        subscribe: object;
      };
      if (entry.user === "cloneset")
        expected.publish.allow = [...expected.publish.allow, ...natsStreamManagement(streamName)];
      expect(entry.permissions, entry.user).toEqual(expected);
      // Each password is its own, and the Secret the controller reads holds it.
      expect(entry.password).toHaveLength(32);
      expect(secretValue(`kr-nats-${entry.user}`, "password")).toBe(entry.password);
    }
    expect(new Set(users.map((u) => u.password)).size).toBe(users.length);
  });

  it("lets a controller publish only its own subjects, and never subscribe to kruise.>", async () => {
    const nc = await connectAs("broadcastjob");
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
    nc.publish("kruise.cloneset.ns.forged.scaled", "{}");
    expect(await subscribed).toMatch(/Permissions Violation for Subscription to "kruise.>"/);
    await waitFor("the publish violation", () => errors.some((e) => /Publish.*kruise\.cloneset/i.test(e)));
    await nc.close();
  });

  it("the stream manager's EventBus creates the stream; another controller can neither delete nor purge it", async () => {
    const password = encodeURIComponent(secretValue("kr-nats-cloneset", "password"));
    const bus = EventBus.start({
      servers: `nats://cloneset:${password}@127.0.0.1:${port}`,
      source: "cloneset",
      registry: new Registry(),
    });
    try {
      const nc = await connectAs("advancedcronjob");
      const jsm = await jetstreamManager(nc, { timeout: 2_000 });
      await waitFor("the KRUISE stream", async () =>
        jsm.streams
          .info(streamName)
          .then((info) => info.config.name === streamName)
          .catch(() => false),
      );
      await expect(jsm.streams.delete(streamName)).rejects.toThrow();
      await expect(jsm.streams.purge(streamName)).rejects.toThrow();
      await nc.close();
    } finally {
      await bus.close();
    }
  });

  it("keeps the monitor port on the pod's loopback, out of the Service, and hands each controller its user", () => {
    expect(config().http).toBe("127.0.0.1:8222");
    const service = byName<{ spec: { ports: Array<{ port: number }> } }>("Service", "kr-nats");
    expect(service.spec.ports.map((p) => p.port)).toEqual([4222]);
    const eventbus = byName("ConfigMap", "kr-kruise-eventbus").data ?? {};
    for (const user of Object.keys(BUS_PARTIES)) {
      expect(eventbus[`natsUrl.${user}`]).toBe(`nats://${user}@kr-nats.kruise-system.svc:4222`);
      const deployment = byName<{
        spec: { template: { spec: { containers: Array<{ env: object[] }> } } };
      }>("Deployment", `kr-${user}`);
      expect(deployment.spec.template.spec.containers[0]?.env).toEqual(
        expect.arrayContaining([
          {
            name: "NATS_URL",
            valueFrom: { configMapKeyRef: { name: "kr-kruise-eventbus", key: `natsUrl.${user}` } },
          },
          {
            name: "NATS_PASSWORD",
            valueFrom: { secretKeyRef: { name: `kr-nats-${user}`, key: "password", optional: true } },
          },
        ]),
      );
    }
    // Off the bus: no address, so it never connects as nobody.
    expect(eventbus["natsUrl.conversion-webhook"]).toBe("");
  });
});
