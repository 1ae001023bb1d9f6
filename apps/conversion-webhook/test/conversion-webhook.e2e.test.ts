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
  convertKruiseObject,
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

const CrdKind: Kind<{
  metadata?: { resourceVersion?: string };
  spec?: { versions?: Array<{ name: string; storage: boolean }> };
  status?: { storedVersions?: string[] };
}> = {
  group: "apiextensions.k8s.io",
  version: "v1",
  kind: "CustomResourceDefinition",
  plural: "customresourcedefinitions",
  namespaced: false,
};

/** Makes `version` the storage version of the CloneSet CRD (a JSON patch of the two `storage` flags). */
async function storeCloneSetsAs(version: "v1alpha1" | "v1beta1"): Promise<void> {
  const crd = await client.get(CrdKind, "clonesets.apps.kruise.io");
  const ops = (crd.spec?.versions ?? []).map((v, i) => ({
    op: "replace",
    path: `/spec/versions/${i}/storage`,
    value: v.name === version,
  }));
  await client.patch(CrdKind, "clonesets.apps.kruise.io", undefined, "json", ops);
}

/** The apiVersion a CloneSet is stored with in etcd (the API server stores custom resources as JSON). */
async function storedApiVersion(name: string): Promise<string> {
  const key = Buffer.from(`/registry/apps.kruise.io/clonesets/${NS}/${name}`).toString("base64");
  const res = await fetch(`${cp.etcdUrl}/v3/kv/range`, { method: "POST", body: JSON.stringify({ key }) });
  const body = (await res.json()) as { kvs?: Array<{ value: string }> };
  const value = body.kvs?.[0]?.value;
  if (value === undefined) throw new Error(`no etcd key for CloneSet ${name}`);
  return (JSON.parse(Buffer.from(value, "base64").toString()) as { apiVersion: string }).apiVersion;
}

describe("a storage version migration", () => {
  it("rewrites CloneSets stored as v1beta1 (OpenKruise's development line) as v1alpha1, unchanged in meaning", async () => {
    // An object stored as v1beta1, as a cluster that ran OpenKruise's development line has them.
    await storeCloneSetsAs("v1beta1");
    const beta = {
      apiVersion: "apps.kruise.io/v1beta1" as const,
      kind: "CloneSet" as const,
      metadata: {
        name: "migrated",
        namespace: NS,
        annotations: { "apps.kruise.io/image-predownload-parallelism": "4" },
      },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: "migrated" } },
        template: {
          metadata: { labels: { app: "migrated" } },
          spec: { containers: [{ name: "c", image: "nginx" }] },
        },
        scaleStrategy: { enablePVCReuse: false, excludePreparingDelete: true },
        updateStrategy: {
          type: "OnDelete" as const,
          rollingUpdate: {
            partition: 1,
            maxUnavailable: 2,
            inPlaceUpdateStrategy: { imagePreDownloadTimeoutSeconds: 60 },
          },
        },
      },
    };
    await waitFor("a CloneSet stored as v1beta1", async () => {
      await client.create(CloneSetV1beta1Kind, beta).catch(() => undefined);
      if ((await storedApiVersion("migrated")) === "apps.kruise.io/v1beta1") return true;
      await client.delete(CloneSetKind, "migrated", NS).catch(() => undefined);
      return false;
    });
    const beforeBeta = await client.get(CloneSetV1beta1Kind, "migrated", NS);
    const beforeAlpha = await client.get(CloneSetKind, "migrated", NS);
    // Back to v1alpha1 storage, then the migration: read every object and write it back unchanged (what
    // kube-storage-version-migrator does), after which v1beta1 can leave status.storedVersions.
    await storeCloneSetsAs("v1alpha1");
    const migrated = await waitFor("the write stored as v1alpha1", async () => {
      const current = await client.get(CloneSetKind, "migrated", NS);
      await client.update(CloneSetKind, current);
      return (await storedApiVersion("migrated")) === "apps.kruise.io/v1alpha1"
        ? client.get(CloneSetKind, "migrated", NS)
        : undefined;
    });
    await client.patchStatus(CrdKind, "clonesets.apps.kruise.io", undefined, "merge", {
      status: { storedVersions: ["v1alpha1"] },
    });
    const afterBeta = await client.get(CloneSetV1beta1Kind, "migrated", NS);
    const strip = <T extends { metadata?: object }>(o: T) => {
      const {
        resourceVersion: _rv,
        managedFields: _mf,
        ...metadata
      } = (o.metadata ?? {}) as Record<string, unknown>;
      return { ...o, metadata };
    };
    expect(strip(migrated)).toEqual(strip(beforeAlpha));
    // What the controller reads (v1alpha1, the hub) did not change at all. The v1beta1 view is the conversion's
    // normal form of the old one: the labels and annotations that carry v1beta1 fields for v1alpha1 are now in
    // metadata, and an annotation v1alpha1 reads (here parallelism "4") shows as its field.
    const normal = convertKruiseObject(
      convertKruiseObject(beforeBeta as Record<string, unknown>, "apps.kruise.io/v1alpha1"),
      "apps.kruise.io/v1beta1",
    );
    expect(strip(afterBeta)).toEqual(strip(normal));
    expect(afterBeta.spec?.updateStrategy).toMatchObject({
      type: "OnDelete",
      rollingUpdate: {
        partition: 1,
        maxUnavailable: 2,
        inPlaceUpdateStrategy: { imagePreDownloadTimeoutSeconds: 60 },
      },
    });
    expect(afterBeta.spec?.scaleStrategy).toMatchObject({
      enablePVCReuse: false,
      excludePreparingDelete: true,
    });
  });
});
