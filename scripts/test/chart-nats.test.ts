// The umbrella's bundled NATS (issue 14, defect 9): rendered with nats.enabled, its configuration run by the real
// nats-server lets no anonymous client in, gives every controller on the bus its own user with exactly the main
// job's permissions (@kruise/api BUS_PARTIES through @kruise/testenv natsPermissions), lets one of them manage the
// stream, keeps the monitor port off the network, and hands each controller its user and password. With TLS (on by
// default): the server has the certificate the chart made (Helm's genCA/genSignedCert), a controller configured as
// its Deployment says (flags, env, the mounted CA) connects over tls:// and publishes, and a plain-text client or a
// client that does not trust the chart's CA is refused.
import { spawn, type ChildProcess } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { BUS_PARTIES } from "@kruise/api";
import {
  EventBus,
  issueCertificateAuthority,
  NATS_SETTINGS,
  natsConnectionSettings,
  parseControllerFlags,
  streamName,
  type NatsTlsOptions,
} from "@kruise/sdk";
import {
  natsCredentialRefusals,
  natsPermissions,
  natsPlaintextReply,
  natsStreamManagement,
} from "@kruise/testenv";
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
  tls?: { cert_file: string; key_file: string };
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

interface Container {
  args: string[];
  env: Array<{
    name: string;
    valueFrom?: {
      configMapKeyRef?: { name: string; key: string };
      secretKeyRef?: { name: string; key: string };
    };
  }>;
  volumeMounts: Array<{ name: string; mountPath: string }>;
}
interface PodSpec {
  containers: Container[];
  volumes: Array<{
    name: string;
    secret?: { secretName: string; items?: Array<{ key: string; path: string }> };
  }>;
}
const podSpec = (kind: string, name: string): PodSpec =>
  byName<{ spec: { template: { spec: PodSpec } } }>(kind, name).spec.template.spec;

/**
 * A pod's Secret volumes written out under the scratch directory as the kubelet would mount them: returns the
 * container's path of each file mapped to its scratch copy.
 */
function mountSecrets(kind: string, name: string): Map<string, string> {
  const spec = podSpec(kind, name);
  const files = new Map<string, string>();
  for (const mount of spec.containers[0]?.volumeMounts ?? []) {
    const secret = spec.volumes.find((v) => v.name === mount.name)?.secret;
    if (secret === undefined) continue;
    const dir = join(scratch, "mounts", name, mount.name);
    mkdirSync(dir, { recursive: true });
    const data = byName("Secret", secret.secretName).data ?? {};
    for (const { key, path } of secret.items ?? Object.keys(data).map((key) => ({ key, path: key }))) {
      writeFileSync(join(dir, path), secretValue(secret.secretName, key), { mode: 0o600 });
      files.set(`${mount.mountPath}/${path}`, join(dir, path));
    }
  }
  return files;
}

/** A controller's NATS settings as its Deployment gives them: its args with $(VAR) taken from its env sources. */
function controllerNats(user: string): { servers: string; tls?: NatsTlsOptions; password: string } {
  const container = podSpec("Deployment", `kr-${user}`).containers[0]!;
  const env = new Map<string, string>();
  for (const entry of container.env) {
    const fromConfigMap = entry.valueFrom?.configMapKeyRef;
    const fromSecret = entry.valueFrom?.secretKeyRef;
    if (fromConfigMap)
      env.set(entry.name, byName("ConfigMap", fromConfigMap.name).data?.[fromConfigMap.key] ?? "");
    if (fromSecret) env.set(entry.name, secretValue(fromSecret.name, fromSecret.key));
  }
  const args = container.args.map((arg) =>
    arg.replace(/\$\(([A-Z_]+)\)/g, (_, name: string) => env.get(name) ?? ""),
  );
  const nats = parseControllerFlags(args, { name: user, summary: "" }).manager.nats;
  if (nats === undefined) throw new Error(`kr-${user} is not given a NATS address`);
  return { ...nats, password: env.get(NATS_SETTINGS.passwordEnv) ?? "" };
}

/** The umbrella as `helm template` renders it with the bundled NATS and these further values. */
async function render(...values: string[]): Promise<Manifest[]> {
  const sets = ["nats.enabled=true", ...values].flatMap((value) => ["--set", value]);
  const run = await runCommand(
    join(getTestEnv().binDir, "helm"),
    ["template", "kr", umbrella, "--namespace", "kruise-system", ...sets],
    { timeoutMs: 120_000, env: helmEnv },
  );
  if (run.code !== 0) throw new Error(run.output);
  return parseAllDocuments(run.output)
    .map((doc) => doc.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
}

let server: ChildProcess | undefined;
let port = 0;
/** The chart's CA (ca.crt of its TLS Secret), as a file. */
let caFile = "";
beforeAll(async () => {
  buildChartDependencies(root, join(getTestEnv().binDir, "helm"), helmEnv);
  rendered = await render();
  // The rendered configuration as the pod runs it, byte for byte (nats-server's parser is not a JSON parser: it
  // refuses escapes such as \u003e that a JSON encoder may write), but on free loopback ports and a scratch store,
  // with the certificate files where the StatefulSet mounts them.
  port = await freePort();
  const parsed = config();
  const serverFiles = mountSecrets("StatefulSet", "kr-nats");
  const local = new Map<string, string>([
    [parsed.listen, `127.0.0.1:${port}`],
    [parsed.http, `127.0.0.1:${await freePort()}`],
    [parsed.jetstream.store_dir, join(scratch, "store")],
  ]);
  if (parsed.tls)
    for (const file of [parsed.tls.cert_file, parsed.tls.key_file])
      local.set(file, serverFiles.get(file) ?? file);
  let text = secretValue("kr-nats-config", "nats.conf");
  for (const [from, to] of local) {
    expect(text, from).toContain(JSON.stringify(from));
    text = text.replaceAll(JSON.stringify(from), JSON.stringify(to));
  }
  caFile = join(scratch, "chart-ca.crt");
  writeFileSync(caFile, secretValue("kr-nats-tls", "ca.crt"));
  const path = join(scratch, "nats.conf");
  writeFileSync(path, text, { mode: 0o600 });
  server = spawn(join(getTestEnv().binDir, "nats-server"), ["--config", path], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let serverLog = "";
  server.stderr?.setEncoding("utf8").on("data", (chunk: string) => (serverLog += chunk));
  await waitFor(
    "the nats-server of the chart's configuration",
    async () => (await natsPlaintextReply("127.0.0.1", port, 500)).info !== undefined,
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}; nats-server said: ${serverLog}`);
  });
}, 180_000);
afterAll(() => {
  server?.kill("SIGTERM");
  rmSync(scratch, { recursive: true, force: true });
});

// The certificate names the Service; "localhost" is there for kubectl port-forward, and is how this test reaches it.
const userUrl = (user: string): string => `tls://${user}@localhost:${port}`;
const connectAs = (user: string): Promise<NatsConnection> =>
  connect({
    ...natsConnectionSettings(
      userUrl(user),
      { NATS_PASSWORD: secretValue(`kr-nats-${user}`, "password") },
      { caFile },
    ),
    timeout: 5_000,
  });

describe("the chart's bundled NATS", () => {
  it("refuses a client without credentials, so it can neither subscribe to nor publish on kruise.>", async () => {
    for (const [attempt, reason] of Object.entries(
      await natsCredentialRefusals(`tls://localhost:${port}`, "cloneset", { tls: { caFile } }),
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
      servers: `tls://cloneset:${password}@localhost:${port}`,
      tls: { caFile },
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
      expect(eventbus[`natsUrl.${user}`]).toBe(`tls://${user}@kr-nats.kruise-system.svc:4222`);
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

  it("runs the nats-server of tools/versions.env, whose image tools/build-images.sh builds for the local registry", () => {
    const version = /^NATS_SERVER_VERSION=\$\{NATS_SERVER_VERSION:-([^}]+)\}$/m.exec(
      readFileSync(join(root, "tools/versions.env"), "utf8"),
    )?.[1];
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    const statefulSet = byName<{
      spec: { template: { spec: { containers: Array<{ image: string }> } } };
    }>("StatefulSet", "kr-nats");
    expect(statefulSet.spec.template.spec.containers[0]?.image).toBe(
      `docker.io/library/nats:${version}-alpine`,
    );
    expect(readFileSync(join(root, "tools/build-images.sh"), "utf8")).toContain(
      'push "library/nats:$NATS_SERVER_VERSION-alpine"',
    );
  });

  it("serves TLS with the chart's certificate, for the Service's names", () => {
    expect(config().tls).toMatchObject({
      cert_file: "/etc/nats-tls/tls.crt",
      key_file: "/etc/nats-tls/tls.key",
    });
    const cert = new X509Certificate(secretValue("kr-nats-tls", "tls.crt"));
    expect(cert.verify(new X509Certificate(secretValue("kr-nats-tls", "ca.crt")).publicKey)).toBe(true);
    for (const host of ["kr-nats", "kr-nats.kruise-system", "kr-nats.kruise-system.svc", "localhost"])
      expect(cert.checkHost(host), host).toBe(host);
  });

  it("a controller configured as its Deployment says connects over tls:// with the mounted CA, and publishes", async () => {
    const nats = controllerNats("broadcastjob");
    expect(nats.servers).toBe("tls://broadcastjob@kr-nats.kruise-system.svc:4222");
    // The CA file the flag names is the one the pod mounts from the chart's TLS Secret.
    const caPath = nats.tls?.caFile ?? "";
    const mounted = mountSecrets("Deployment", "kr-broadcastjob").get(caPath);
    expect(mounted, `${caPath} is mounted`).toBeDefined();
    const registry = new Registry();
    const bus = EventBus.start({
      servers: nats.servers.replace(
        "broadcastjob@kr-nats.kruise-system.svc:4222",
        `broadcastjob:${encodeURIComponent(nats.password)}@localhost:${port}`,
      ),
      tls: { ...nats.tls, caFile: mounted },
      source: "broadcastjob",
      registry,
    });
    try {
      await waitFor("the controller's EventBus to connect", () => bus.connected, 15_000);
      bus.publish({
        kind: "BroadcastJob",
        namespace: "ns",
        name: "j",
        event: "job-finished",
        id: "tls-1",
        data: {},
      });
      await waitFor("JetStream's acknowledgement", async () => {
        const values =
          (await registry.getSingleMetric("kruise_eventbus_published_total")?.get())?.values ?? [];
        return values.reduce((sum, v) => sum + v.value, 0) === 1;
      });
    } finally {
      await bus.close();
    }
  });

  it("turns a plain-text client away", async () => {
    const reply = await natsPlaintextReply("127.0.0.1", port);
    expect(reply.info?.["tls_required"]).toBe(true);
    expect(reply).toMatchObject({ ponged: false, closed: true });
  });

  it("refuses a client that does not trust the chart's CA, before any credentials are sent", async () => {
    const otherCa = join(scratch, "other-ca.crt");
    writeFileSync(
      otherCa,
      issueCertificateAuthority({ commonName: "other", now: new Date(), validityMs: 3_600_000 }).certPem,
    );
    const password = secretValue("kr-nats-cloneset", "password");
    for (const tls of [{}, { caFile: otherCa }])
      await expect(
        connect({
          ...natsConnectionSettings(userUrl("cloneset"), { NATS_PASSWORD: password }, tls),
          reconnect: false,
          timeout: 3_000,
        }),
      ).rejects.toThrow(/certificate/);
  });

  it("nats.tls.enabled=false serves plain nats://; nats.tls.generate=false uses the user's Secret and makes none", async () => {
    const plain = await render("nats.tls.enabled=false");
    const find = (manifests: Manifest[], kind: string, name: string): Manifest | undefined =>
      manifests.find((m) => m.kind === kind && m.metadata.name === name);
    const plainConfig = JSON.parse(
      Buffer.from(find(plain, "Secret", "kr-nats-config")?.data?.["nats.conf"] ?? "", "base64").toString(
        "utf8",
      ),
    ) as NatsConfig;
    expect(plainConfig.tls).toBeUndefined();
    expect(find(plain, "Secret", "kr-nats-tls")).toBeUndefined();
    expect(find(plain, "ConfigMap", "kr-kruise-eventbus")?.data).toMatchObject({
      "natsUrl.cloneset": "nats://cloneset@kr-nats.kruise-system.svc:4222",
      natsTlsCa: "",
    });
    const own = await render("nats.tls.generate=false");
    expect(find(own, "Secret", "kr-nats-tls")).toBeUndefined();
    expect(find(own, "ConfigMap", "kr-kruise-eventbus")?.data?.["natsTlsCa"]).toBe(
      "/etc/kruise/nats-tls/ca.crt",
    );
    const statefulSet = find(own, "StatefulSet", "kr-nats") as
      { spec: { template: { spec: PodSpec } } } | undefined;
    expect(statefulSet?.spec.template.spec.volumes.find((v) => v.name === "tls")?.secret?.secretName).toBe(
      "kr-nats-tls",
    );
    await expect(render("nats.tls.validityDays=0")).rejects.toThrow(
      /nats.tls.validityDays must be 1 or more/,
    );
  });
});
