// The conversion webhook against a private control plane (the test environment runs apps/conversion-webhook as a
// process, as `npm start` does): what users see when it is down, and a serving certificate that renews itself.
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AdvancedCronJobV1beta1Kind,
  BroadcastJobV1beta1Kind,
  CloneSetKind,
  CloneSetV1beta1Kind,
  DaemonSetV1alpha1Kind,
  ImagePullJobV1beta1Kind,
  NodeImageV1beta1Kind,
  SidecarSetV1beta1Kind,
  StatefulSetV1alpha1Kind,
  type CloneSet,
} from "@kruise/api";
import { createClient, type HttpClient, type Kind, loadRestConfig, Manager } from "@kruise/sdk";
import { startControlPlane, type ControlPlane } from "@kruise/testenv";
import { waitFor } from "@kruise/testenv/vitest";
import { addConversionWebhook } from "../src/conversion-webhook.ts";

const NS = "default";
let cp: ControlPlane;
let client: HttpClient;

beforeAll(async () => {
  cp = await startControlPlane({
    nodes: 0,
    nats: false,
    controllerManager: false,
    scheduler: false,
    registry: false,
  });
  client = createClient(await loadRestConfig(cp.kubeconfigPath), { qps: 1000, burst: 1000 });
}, 180_000);

afterAll(async () => {
  await client?.close();
  await cp?.stop();
});

const template = (app: string) => ({
  metadata: { labels: { app } },
  spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox:1.36" }] },
});

function cloneSet(name: string): CloneSet {
  return {
    apiVersion: "apps.kruise.io/v1alpha1",
    kind: "CloneSet",
    metadata: { name, namespace: NS },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: name } },
      template: { ...template(name), spec: { containers: [{ name: "c", image: "nginx" }] } },
      updateStrategy: { type: "InPlaceIfPossible" },
    },
  };
}

/** One object of each kind that never needs the webhook, in its v1beta1 form. */
type AnyObject = { apiVersion?: string; kind?: string; metadata?: { labels?: Record<string, string> } };
const noWebhookKinds: Array<[string, Kind<AnyObject>, (name: string) => Record<string, unknown>]> = [
  [
    "BroadcastJob",
    BroadcastJobV1beta1Kind,
    (name) => ({ metadata: { name, namespace: NS }, spec: { template: template(name) } }),
  ],
  [
    "AdvancedCronJob",
    AdvancedCronJobV1beta1Kind,
    (name) => ({
      metadata: { name, namespace: NS },
      spec: {
        schedule: "0 3 * * *",
        template: { broadcastJobTemplate: { spec: { template: template(name) } } },
      },
    }),
  ],
  [
    "ImagePullJob",
    ImagePullJobV1beta1Kind,
    (name) => ({ metadata: { name, namespace: NS }, spec: { image: "busybox:1.36", completionPolicy: {} } }),
  ],
  ["NodeImage", NodeImageV1beta1Kind, (name) => ({ metadata: { name }, spec: { images: {} } })],
];

describe("the conversion webhook stopped", () => {
  it("leaves BroadcastJob, AdvancedCronJob, ImagePullJob and NodeImage fully usable in both versions", async () => {
    await cp.stopConversionWebhook();
    try {
      for (const [kind, beta, make] of noWebhookKinds) {
        const alpha = { ...beta, version: "v1alpha1" };
        const ns = beta.namespaced ? NS : undefined;
        const name = `down-${kind.toLowerCase()}`;
        await client.create(beta, { apiVersion: "apps.kruise.io/v1beta1", kind, ...make(name) });
        expect((await client.get(alpha, name, ns)).apiVersion, kind).toBe("apps.kruise.io/v1alpha1");
        expect((await client.list(beta, ns ? { namespace: ns } : {})).items.length, kind).toBeGreaterThan(0);
        await client.patch(alpha, name, ns, "merge", { metadata: { labels: { touched: "yes" } } });
        expect((await client.get(beta, name, ns)).metadata?.labels?.touched, kind).toBe("yes");
        await client.delete(beta, name, ns);
      }
      // The kinds whose versions are one schema or a subset (conversion None) need no webhook either.
      await client.list(StatefulSetV1alpha1Kind, {});
      await client.list(DaemonSetV1alpha1Kind, {});
      await client.list(SidecarSetV1beta1Kind, {});
    } finally {
      await cp.startConversionWebhook();
    }
  });

  it("leaves a CloneSet usable as v1alpha1 (the stored version); v1beta1 gets an error naming the webhook", async () => {
    await client.create(CloneSetKind, cloneSet("down-cs"));
    expect((await client.get(CloneSetV1beta1Kind, "down-cs", NS)).spec?.updateStrategy).toMatchObject({
      type: "RollingUpdate",
      rollingUpdate: { podUpdatePolicy: "InPlaceIfPossible" },
    });
    await cp.stopConversionWebhook();
    try {
      await client.patch(CloneSetKind, "down-cs", NS, "merge", { spec: { replicas: 0 } });
      expect(
        (await client.list(CloneSetKind, { namespace: NS })).items.map((c) => c.metadata?.name),
      ).toContain("down-cs");
      const err = await client.get(CloneSetV1beta1Kind, "down-cs", NS).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(err?.message).toMatch(/conversion webhook for apps\.kruise\.io\/v1alpha1, Kind=CloneSet failed/);
      const r = await cp.kubectl(["get", "clonesets.v1beta1.apps.kruise.io", "down-cs", "-n", NS]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(
        /conversion webhook .*CloneSet failed: Post "https:\/\/127\.0\.0\.1:\d+\/convert/,
      );
    } finally {
      await cp.startConversionWebhook();
    }
    expect((await client.get(CloneSetV1beta1Kind, "down-cs", NS)).apiVersion).toBe("apps.kruise.io/v1beta1");
  });
});

describe("a conversion webhook whose serving certificate lives 4 s", () => {
  it("renews it and keeps converting, with no restart", async () => {
    await cp.stopConversionWebhook();
    const mgr = await Manager.create({
      name: "conversion-webhook-test",
      kubeconfig: cp.kubeconfigPath,
      metricsBindAddress: "0",
      healthProbeBindAddress: "0",
      logger: pino({ level: "warn" }),
    });
    // Its own Secret (namespace default), so the certificate is issued with the short lifetime.
    const webhook = addConversionWebhook(mgr, { namespace: NS, address: { url: {} }, certValidityMs: 4_000 });
    const running = mgr.start();
    try {
      await client.create(CloneSetKind, cloneSet("renewed"));
      await waitFor("a v1beta1 read through the test's webhook", async () =>
        client.get(CloneSetV1beta1Kind, "renewed", NS).then(
          () => true,
          () => false,
        ),
      );
      const first = webhook.caBundle;
      // Past the first certificate's end: every read still converts.
      const until = Date.now() + 6_000;
      while (Date.now() < until) {
        expect((await client.get(CloneSetV1beta1Kind, "renewed", NS)).apiVersion).toBe(
          "apps.kruise.io/v1beta1",
        );
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(webhook.caBundle).toBe(first);
    } finally {
      await mgr.stop();
      await running.catch(() => undefined);
      await cp.startConversionWebhook();
    }
    expect((await client.get(CloneSetV1beta1Kind, "renewed", NS)).apiVersion).toBe("apps.kruise.io/v1beta1");
  });
});
