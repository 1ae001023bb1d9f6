// Every kind's v1beta1 example (examples/v1beta1/) beside its v1alpha1 twin (examples/), on a private control plane
// with every controller running as it runs under `npm start` (its own process, its own RBAC): each pair settles to
// the same status and the same children, and every object reads back in both versions as the conversion says.
// One table, one row per kind; a kind's own e2e tests cover its behaviour in depth.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { applyDefaults, convertKruiseObject, crdSources, GROUP } from "@kruise/api";
import { EXIT_CODE_ANNOTATION, startControlPlane, type ControlPlane } from "@kruise/testenv";
import { waitFor } from "@kruise/testenv/vitest";
import { controllerKubeconfig } from "../controller-identity.ts";

const root = resolve(import.meta.dirname, "../..");
const NS = "twins";
const ALPHA = `${GROUP}/v1alpha1`;
const BETA = `${GROUP}/v1beta1`;
const CA_BUNDLE = "jsonpath={.webhooks[0].clientConfig.caBundle}";

type Json = Record<string, unknown>;
interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; uid?: string; generation?: number } & Json;
  spec?: Json;
  status?: Json;
}

interface Twin {
  /** examples/<file> and examples/v1beta1/<file>. */
  file: string;
  /** The apps whose controllers act on it. */
  controllers: readonly string[];
  /** Whether the controllers are done with it (status written for its generation, pods ready, job finished). */
  settled(obj: KubeObject): boolean;
  /** What the test adds to both twins before applying them, where the simulated nodes need it. */
  prepare?: (obj: KubeObject) => void;
}

const n = (v: unknown): number => (typeof v === "number" ? v : -1);
const observed = (o: KubeObject): boolean => o.status?.observedGeneration === o.metadata.generation;

/** In apply order: SidecarSets first, so that the CloneSets' pods are created with their sidecars. */
const TWINS: readonly Twin[] = [
  {
    file: "sidecarset.yaml",
    controllers: ["sidecarset"],
    settled: (o) => observed(o) && n(o.status?.matchedPods) === 3 && n(o.status?.readyPods) === 3,
  },
  {
    file: "cloneset.yaml",
    controllers: ["cloneset"],
    settled: (o) =>
      observed(o) && n(o.status?.updatedReadyReplicas) === 3 && n(o.status?.availableReplicas) === 3,
  },
  {
    file: "statefulset.yaml",
    controllers: ["statefulset"],
    settled: (o) => observed(o) && n(o.status?.readyReplicas) === 4 && n(o.status?.updatedReplicas) === 4,
  },
  {
    file: "daemonset.yaml",
    controllers: ["daemonset"],
    settled: (o) =>
      observed(o) && n(o.status?.desiredNumberScheduled) === 3 && n(o.status?.numberReady) === 3,
  },
  {
    file: "uniteddeployment.yaml",
    controllers: ["uniteddeployment", "cloneset"],
    settled: (o) => observed(o) && n(o.status?.readyReplicas) === 6,
  },
  {
    file: "broadcastjob.yaml",
    controllers: ["broadcastjob"],
    settled: (o) => o.status?.phase === "completed",
    // The simulated kubelet does not run `echo`: the pods' exit code comes from its annotation instead.
    prepare: (o) => {
      const template = o.spec?.template as { metadata?: { annotations?: Record<string, string> } };
      template.metadata = { ...template.metadata, annotations: { [EXIT_CODE_ANNOTATION]: "0" } };
    },
  },
  {
    file: "advancedcronjob.yaml",
    controllers: ["advancedcronjob"],
    settled: (o) => o.status?.type === "BroadcastJob",
  },
  {
    file: "imagepulljob.yaml",
    controllers: ["imagepulljob"],
    settled: (o) => n(o.status?.desired) === 1,
  },
  {
    file: "nodeimage.yaml",
    controllers: ["imagepulljob"],
    settled: () => true,
  },
];

let cp: ControlPlane;
const children: Array<{ app: string; child: ChildProcess; output: () => string }> = [];

function source(kind: string) {
  const s = crdSources.find((c) => c.kind === kind);
  if (!s) throw new Error(`no CRD source for ${kind}`);
  return s;
}

async function k(args: string[], input?: string): Promise<string> {
  const r = await cp.kubectl(args, input === undefined ? {} : { input });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

function example(version: "v1alpha1" | "v1beta1", twin: Twin): KubeObject {
  const path = join(root, "examples", ...(version === "v1beta1" ? ["v1beta1"] : []), twin.file);
  const obj = parse(readFileSync(path, "utf8")) as KubeObject;
  if (source(obj.kind).scope === "Namespaced") obj.metadata.namespace = NS;
  twin.prepare?.(obj);
  return obj;
}

async function read(obj: KubeObject, version: string): Promise<KubeObject> {
  const s = source(obj.kind);
  const args = ["get", `${s.plural}.${version}.${GROUP}`, obj.metadata.name, "-o", "json"];
  return JSON.parse(await k(s.scope === "Namespaced" ? [...args, "-n", NS] : args)) as KubeObject;
}

/** The status with what names the object (revisions, hashes, selectors) and wall-clock times left out. */
function comparable(status: Json | undefined): unknown {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (typeof v !== "object" || v === null) return v;
    return Object.fromEntries(
      Object.entries(v)
        .filter(([key]) => !/(Revision|Hash|Time|Timestamp|^labelSelector|^message)$/.test(key))
        .map(([key, value]) => [key, strip(value)]),
    );
  };
  return strip(status ?? {});
}

/** What the controllers made for `owner`: kind and owner apiVersion of each child, counted. */
async function childrenOf(owner: KubeObject): Promise<Record<string, number>> {
  const kinds =
    "pods,controllerrevisions,jobs,clonesets.v1alpha1.apps.kruise.io,broadcastjobs.v1alpha1.apps.kruise.io";
  const list = JSON.parse(await k(["get", kinds, "-A", "-o", "json"])) as { items: KubeObject[] };
  const counts: Record<string, number> = {};
  for (const item of list.items) {
    const refs = (item.metadata.ownerReferences ?? []) as Array<{ uid: string; apiVersion: string }>;
    const ref = refs.find((r) => r.uid === owner.metadata.uid);
    if (!ref || item.metadata.deletionTimestamp) continue;
    const key = `${item.kind} owned through ${ref.apiVersion}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

beforeAll(async () => {
  cp = await startControlPlane({ nodes: 3, nats: false });
  const apps = [...new Set(TWINS.flatMap((t) => t.controllers))];
  for (const app of apps) {
    const kubeconfig = await controllerKubeconfig(cp, app, join(root, "apps", app, "src", "rbac.ts"), root);
    const child = spawn(
      process.execPath,
      [
        "--conditions=@kruise/source",
        join(root, "apps", app, "src", "main.ts"),
        `--kubeconfig=${kubeconfig}`,
        "--metrics-bind-address=0",
        "--health-probe-bind-address=0",
        "--leader-elect=false",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    const keep = (b: Buffer) => void (out = (out + b.toString()).slice(-20_000));
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    children.push({ app, child, output: () => out });
  }
  await k(["create", "namespace", NS]);
  await waitFor(
    "3 untainted nodes",
    async () => {
      const nodes = JSON.parse(await k(["get", "nodes", "-o", "json"])) as { items: Array<{ spec?: Json }> };
      return (
        nodes.items.length === 3 &&
        nodes.items.every((x) => ((x.spec?.taints as unknown[]) ?? []).length === 0)
      );
    },
    60_000,
    1_000,
  );
  // A job created before its nodes' NodeImages exist completes at once with desired 0 (desired = succeeded + failed, as in OpenKruise):
  // the ImagePullJob twins are applied only once the controller has made a NodeImage for every node.
  await waitFor(
    "a NodeImage for every node",
    async () =>
      (JSON.parse(await k(["get", "nodeimages", "-o", "json"])) as { items: unknown[] }).items.length >= 3,
    120_000,
    1_000,
  );
  // The SidecarSets first, and their injection webhook registered, before any pod is created.
  const [sidecars, ...rest] = TWINS;
  for (const v of ["v1alpha1", "v1beta1"] as const)
    await k(["apply", "-f", "-"], JSON.stringify(example(v, sidecars!)));
  await waitFor(
    "the SidecarSet injection webhook",
    async () =>
      (await k(["get", "mutatingwebhookconfiguration", "kruise-sidecarset-injection", "-o", CA_BUNDLE])) !==
      "",
    60_000,
    1_000,
  );
  for (const twin of rest)
    for (const v of ["v1alpha1", "v1beta1"] as const)
      await k(["apply", "-f", "-"], JSON.stringify(example(v, twin)));
}, 240_000);

afterAll(async () => {
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          child.once("exit", () => done());
          child.kill("SIGTERM");
        }),
    ),
  );
  await cp?.stop();
});

describe("v1beta1 examples behave as their v1alpha1 twins", { timeout: 180_000 }, () => {
  it.each(TWINS.map((t) => [t.file, t] as const))("%s", async (_file, twin) => {
    const alpha = example("v1alpha1", twin);
    const beta = example("v1beta1", twin);
    expect(beta.apiVersion).toBe(BETA);
    expect(alpha.apiVersion).toBe(ALPHA);
    const settled = async (obj: KubeObject) => {
      try {
        return await waitFor(
          `${obj.kind} ${obj.metadata.name} settled`,
          async () => {
            const now = await read(obj, "v1alpha1");
            return twin.settled(now) ? now : undefined;
          },
          150_000,
          1_000,
        );
      } catch (e) {
        const logs = children.filter((c) => twin.controllers.includes(c.app)).map((c) => c.output());
        throw new Error(
          `${String(e)}\n${JSON.stringify((await read(obj, "v1alpha1")).status)}\n${logs.join("\n")}`,
        );
      }
    };
    const [alphaNow, betaNow] = await Promise.all([settled(alpha), settled(beta)]);
    expect(comparable(betaNow.status)).toEqual(comparable(alphaNow.status));
    expect(await childrenOf(betaNow)).toEqual(await childrenOf(alphaNow));

    // Each twin, whichever version wrote it, reads back in both versions as the conversion says.
    for (const obj of [alpha, beta]) {
      const asAlpha = await read(obj, "v1alpha1");
      const asBeta = await read(obj, "v1beta1");
      expect(asAlpha.apiVersion).toBe(ALPHA);
      expect(asBeta.apiVersion).toBe(BETA);
      const converted = convertKruiseObject(asBeta as unknown as Json, ALPHA) as unknown as KubeObject;
      expect(asAlpha.spec).toEqual(applyDefaults(obj.kind, converted).spec);
      expect(asAlpha.status).toEqual(converted.status);
      expect(asAlpha.metadata.labels).toEqual(converted.metadata.labels);
      expect(asAlpha.metadata.annotations).toEqual(converted.metadata.annotations);
    }
  });

  it("the SidecarSets injected their sidecar into their own CloneSet's pods, and only those", async () => {
    const pods = JSON.parse(await k(["get", "pods", "-n", NS, "-o", "json"])) as {
      items: Array<{
        metadata: { labels?: Record<string, string> };
        spec: { containers: Array<{ name: string }> };
      }>;
    };
    const sidecarsOf = (app: string) =>
      pods.items
        .filter((p) => p.metadata.labels?.app === app)
        .map((p) => p.spec.containers.map((c) => c.name).join(","));
    expect(sidecarsOf("sample-cloneset")).toEqual(["nginx,log-agent", "nginx,log-agent", "nginx,log-agent"]);
    expect(sidecarsOf("sample-cloneset-v1beta1")).toEqual(sidecarsOf("sample-cloneset"));
    expect(sidecarsOf("sample-ud").every((c) => c === "nginx")).toBe(true);
  });
});
