// The SDK's webhook server against the shared real API server: the API server calls it over TLS with the CA it
// published; certificates renew while requests flow; a deleted Secret heals; replicas share one Secret; stop drains.
import type { ConfigMap } from "kubernetes-types/core/v1.js";
import pino from "pino";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestNamespace, getTestEnv, waitFor } from "@kruise/testenv/vitest";
import { createClient, isNotFound, loadRestConfig } from "../src/client/index.ts";
import type { HttpClient } from "../src/client/index.ts";
import {
  ConfigMapKind,
  MutatingWebhookConfigurationKind,
  SecretKind,
  ValidatingWebhookConfigurationKind,
} from "../src/kinds/core.ts";
import {
  WebhookServer,
  allow,
  deny,
  jsonPointerSegment,
  patched,
  readMaterial,
} from "../src/webhook/index.ts";
import type { WebhookServerOptions } from "../src/webhook/index.ts";

const log = pino({ level: "silent" });
let client: HttpClient;
let ns: string;
const servers: WebhookServer[] = [];
const configurations: string[] = [];
let seq = 0;

beforeAll(async () => {
  client = createClient(await loadRestConfig(getTestEnv().kubeconfigPath), { qps: Infinity });
  ns = await createTestNamespace("webhook");
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  for (const name of configurations) {
    await client.delete(MutatingWebhookConfigurationKind, name).catch(() => undefined);
    await client.delete(ValidatingWebhookConfigurationKind, name).catch(() => undefined);
  }
  await client.close();
});

/** A server with a mutating and a validating ConfigMap webhook, scoped to this test's label value. */
async function startServer(
  scope: string,
  options: Partial<WebhookServerOptions> = {},
  slow?: () => Promise<void> | undefined,
  validating = true,
): Promise<{ server: WebhookServer; configuration: string; registry: Registry }> {
  const registry = new Registry();
  const server = new WebhookServer({
    name: "sdk-webhook-test",
    client,
    address: { url: {} },
    secret: { namespace: ns, name: `certs-${scope}` },
    log,
    registry,
    ...options,
  });
  server.mutating<ConfigMap>("/mutate", async (req) => {
    await slow?.();
    if (req.object?.metadata?.labels?.["webhook-test/mutated"]) return allow();
    return patched([
      { op: "add", path: `/metadata/labels/${jsonPointerSegment("webhook-test/mutated")}`, value: "yes" },
    ]);
  });
  server.validating<ConfigMap>("/validate", (req) =>
    req.object?.data?.["forbidden"] ? deny("data.forbidden is not allowed here; remove it") : allow(),
  );
  const configuration = `sdk-webhook-test-${process.pid}-${++seq}`;
  configurations.push(configuration);
  const objectSelector = { matchLabels: { "webhook-test/scope": scope } };
  const rules = [
    { operations: ["CREATE", "UPDATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["configmaps"] },
  ];
  const mutating = server.mutatingConfiguration(configuration);
  const validatingConfiguration = server.validatingConfiguration(configuration);
  await mutating.set([
    { name: "mutate.sdk.kruise.io", path: "/mutate", rules, objectSelector, failurePolicy: "Fail" },
  ]);
  if (validating)
    await validatingConfiguration.set([
      { name: "validate.sdk.kruise.io", path: "/validate", rules, objectSelector, failurePolicy: "Fail" },
    ]);
  // Declared but not serving yet: nothing is registered.
  await expect(client.get(MutatingWebhookConfigurationKind, configuration)).rejects.toSatisfy(isNotFound);
  await server.start();
  servers.push(server);
  return { server, configuration, registry };
}

function configMap(scope: string, data: Record<string, string> = {}): ConfigMap {
  return { metadata: { generateName: "cm-", namespace: ns, labels: { "webhook-test/scope": scope } }, data };
}

/** The API server picks a new configuration up through its informer: wait until our webhook answers. */
async function untilCalled(scope: string): Promise<void> {
  await waitFor("the API server to call the webhook", async () => {
    const cm = await client.create(ConfigMapKind, configMap(scope));
    return cm.metadata?.labels?.["webhook-test/mutated"] === "yes";
  });
}

describe("webhook server", () => {
  it("is called by the API server: patches, denials with the handler's message, metrics", async () => {
    const { registry } = await startServer("basic");
    await untilCalled("basic");
    const unscoped = await client.create(ConfigMapKind, { metadata: { generateName: "cm-", namespace: ns } });
    expect(unscoped.metadata?.labels?.["webhook-test/mutated"]).toBeUndefined();
    await expect(client.create(ConfigMapKind, configMap("basic", { forbidden: "x" }))).rejects.toThrow(
      /data.forbidden is not allowed here; remove it/,
    );
    const metrics = await registry.metrics();
    expect(metrics).toMatch(
      /controller_runtime_webhook_requests_total\{webhook="\/mutate",code="200"\} [1-9]/,
    );
    expect(metrics).toMatch(
      /controller_runtime_webhook_latency_seconds_bucket\{le="[^"]+",webhook="\/validate"\}/,
    );
    expect(metrics).toContain("controller_runtime_webhook_requests_in_flight");
  });

  it("renews its certificate while requests keep flowing, and a deleted Secret heals within seconds", async () => {
    // 8 s certificates renewed at half-life: several renewals (each one a TLS context swap) during the load.
    const { server } = await startServer("renew", { certValidityMs: 8_000, renewFraction: 0.5 });
    await untilCalled("renew");
    const seen = new Set<string>();
    const secretName = "certs-renew";
    let failures = 0;
    let created = 0;
    const stopAt = Date.now() + 14_000;
    let deleted = false;
    let healedMs: number | undefined;
    const load = async (): Promise<void> => {
      while (Date.now() < stopAt) {
        try {
          const cm = await client.create(ConfigMapKind, configMap("renew"));
          if (cm.metadata?.labels?.["webhook-test/mutated"] !== "yes") failures++;
          created++;
        } catch (err) {
          failures++;
          console.error("admission failed during renewal:", err);
        }
      }
    };
    const watchCerts = async (): Promise<void> => {
      while (Date.now() < stopAt) {
        const secret = await client.get(SecretKind, secretName, ns).catch(() => undefined);
        const m = secret && readMaterial(secret);
        if (m) seen.add(m.serving.certPem);
        if (!deleted && Date.now() > stopAt - 7_000) {
          deleted = true;
          const at = Date.now();
          await client.delete(SecretKind, secretName, ns);
          await waitFor(
            "the Secret to be recreated",
            () => client.get(SecretKind, secretName, ns),
            5_000,
            50,
          );
          healedMs = Date.now() - at;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    await Promise.all([load(), load(), watchCerts()]);
    expect(failures).toBe(0);
    expect(created).toBeGreaterThan(20);
    expect(seen.size).toBeGreaterThanOrEqual(3);
    expect(healedMs).toBeLessThan(5_000);
    expect(server.caBundle).toBeDefined();
  });

  it("replicas share one Secret: the second adopts the first's CA", async () => {
    const first = await startServer("shared", { secret: { namespace: ns, name: "certs-shared" } });
    const second = await startServer("shared2", { secret: { namespace: ns, name: "certs-shared" } });
    expect(second.server.caBundle).toBe(first.server.caBundle);
    await untilCalled("shared2");
  });

  it("drains on stop: an in-flight admission still succeeds", async () => {
    const hold: { gate?: Promise<void> } = {};
    let entered = false;
    // Only the mutating webhook: the API server would send the validating call after it to the stopped server.
    const { server } = await startServer(
      "drain",
      {},
      () => {
        if (hold.gate) entered = true;
        return hold.gate;
      },
      false,
    );
    await untilCalled("drain");
    let release!: () => void;
    hold.gate = new Promise<void>((r) => (release = r));
    const creating = client.create(ConfigMapKind, configMap("drain"));
    await waitFor("the admission to be in flight", () => entered);
    const stopping = server.stop();
    expect(server.ready()).toBe(false);
    release();
    await stopping;
    await expect(creating).resolves.toMatchObject({
      metadata: { labels: { "webhook-test/mutated": "yes" } },
    });
  });
});
