// Env from metadata (OpenKruise's InPlaceUpdateEnvFromMetadata): which containers restart for a template change of
// labels or annotations, how the change is written in batches, the hash kruise-daemon reports and the manager
// expects (golden values from tools/revision-hash `env-golden`, our Go program on k8s.io/api: sorted []EnvVar,
// json.Marshal, FNV-1a 32 over Kubernetes' DeepHashObject print; revision-golden.test.ts regenerates them where Go
// is on PATH), and when the update counts as complete.
import { readFileSync } from "node:fs";
import type { Container, EnvVar, Pod, PodTemplateSpec } from "kubernetes-types/core/v1.js";
import { describe, expect, it } from "vitest";
import { INPLACE_UPDATE_STATE_ANNOTATION, RUNTIME_CONTAINERS_META_ANNOTATION } from "@kruise/api";
import {
  calculateInPlaceUpdate,
  checkInPlaceUpdateCompleted,
  currentEnvFromMetadataHash,
  envMetadataRef,
  expectedEnvFromMetadataHash,
  hashEnvValues,
  inPlaceUpdateNeedsUnready,
  planInPlaceRefresh,
  readInPlaceUpdateState,
  splitSubscriptedPath,
  startInPlaceUpdate,
  withInPlaceReadinessGate,
  type InPlaceUpdateSpec,
} from "../src/index.ts";
import { NOW } from "./helpers.ts";

const fixtures = new URL("./fixtures/revision-hash/", import.meta.url);
const envCases = (
  JSON.parse(readFileSync(new URL("env-cases.json", fixtures), "utf8")) as {
    cases: { name: string; envs: { name: string; value: string }[] | null }[];
  }
).cases;
const envGolden = (
  JSON.parse(readFileSync(new URL("env-golden.json", fixtures), "utf8")) as {
    cases: { name: string; extractedEnvFromMetadataHash: number }[];
  }
).cases;

const fromLabel = (name: string, key: string): EnvVar => ({
  name,
  valueFrom: { fieldRef: { fieldPath: `metadata.labels['${key}']` } },
});
const fromAnnotation = (name: string, key: string): EnvVar => ({
  name,
  valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${key}']` } },
});

describe("extractedEnvFromMetadataHash equals OpenKruise's", () => {
  it("one golden value per case", () => {
    expect(envGolden.map((g) => g.name)).toEqual(envCases.map((c) => c.name));
  });
  for (const [i, c] of envCases.entries())
    it(c.name, () => {
      expect(hashEnvValues(c.envs ?? [])).toBe(envGolden[i]?.extractedEnvFromMetadataHash);
    });

  it("expected (from the pod's metadata) and current (read from the container) agree on the same values", async () => {
    const container: Container = {
      name: "app",
      env: [
        { name: "PLAIN", value: "x" },
        fromLabel("VERSION", "version"),
        fromAnnotation("CONFIG", "example.com/config"),
        { name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
      ],
    };
    const metadata = { labels: { version: "v1" }, annotations: { "example.com/config": "c" } };
    const running: Record<string, string> = { VERSION: "v1", CONFIG: "c", PLAIN: "x", NODE: "n" };
    const asked: string[] = [];
    const current = await currentEnvFromMetadataHash(container, (name) => {
      asked.push(name);
      return Promise.resolve(running[name] ?? "");
    });
    expect(asked).toEqual(["VERSION", "CONFIG"]);
    expect(current).toBe(expectedEnvFromMetadataHash(container, metadata));
    expect(current).toBe(
      hashEnvValues([
        { name: "CONFIG", value: "c" },
        { name: "VERSION", value: "v1" },
      ]),
    );
    expect(expectedEnvFromMetadataHash(container, { ...metadata, labels: { version: "v2" } })).not.toBe(
      current,
    );
    // A container without env from metadata never needs its env read.
    expect(
      await currentEnvFromMetadataHash({ name: "other" }, () => Promise.reject(new Error("no env binary"))),
    ).toBe(hashEnvValues([]));
  });
});

describe("which env vars come from metadata", () => {
  const cases: [string, EnvVar, ReturnType<typeof envMetadataRef>][] = [
    ["a label", fromLabel("A", "app"), { field: "labels", key: "app" }],
    ["an annotation with a slash", fromAnnotation("A", "x.io/y"), { field: "annotations", key: "x.io/y" }],
    ["a plain value", { name: "A", value: "1" }, undefined],
    [
      "a value beside valueFrom (refused by the API server; not from metadata)",
      { ...fromLabel("A", "app"), value: "1" },
      undefined,
    ],
    ["another fieldRef", { name: "A", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }, undefined],
    ["a whole map", { name: "A", valueFrom: { fieldRef: { fieldPath: "metadata.labels" } } }, undefined],
    ["a configMap key", { name: "A", valueFrom: { configMapKeyRef: { name: "c", key: "k" } } }, undefined],
    ["SidecarSet's version env", fromAnnotation("SIDECARSET_VERSION", "v"), undefined],
    ["SidecarSet's other version env", fromAnnotation("SIDECARSET_VERSION_ALT", "v"), undefined],
  ];
  it.each(cases)("%s", (_name, env, want) => {
    expect(envMetadataRef(env)).toEqual(want);
  });

  it.each([
    ["metadata.labels['a']", { path: "metadata.labels", subscript: "a" }],
    ["metadata.annotations['a['b']", { path: "metadata.annotations", subscript: "a['b" }],
    ["metadata.labels", undefined],
    ["['a']", undefined],
    ["metadata.labels[a]", undefined],
  ] as const)("splits %s", (path, want) => {
    expect(splitSubscriptedPath(path)).toEqual(want);
  });
});

const template: PodTemplateSpec = {
  metadata: {
    labels: { app: "demo", version: "v1", tier: "web" },
    annotations: { "example.com/config": "a", note: "n" },
  },
  spec: {
    containers: [
      { name: "app", image: "app:1", env: [fromLabel("VERSION", "version")] },
      { name: "config", image: "cfg:1", env: [fromAnnotation("CONFIG", "example.com/config")] },
      { name: "plain", image: "plain:1", env: [{ name: "X", value: "y" }] },
    ],
  },
};
const withMeta = (labels: Record<string, string>, annotations?: Record<string, string>): PodTemplateSpec => {
  const t = structuredClone(template);
  t.metadata = { labels, annotations: annotations ?? t.metadata!.annotations! };
  return t;
};

describe("which containers restart for a template's metadata change", () => {
  const L = template.metadata!.labels!;
  const A = template.metadata!.annotations!;
  const cases: {
    name: string;
    to: PodTemplateSpec;
    gate?: boolean;
    refs?: InPlaceUpdateSpec["containerRefMetadata"];
    patch?: InPlaceUpdateSpec["metadataPatch"];
  }[] = [
    {
      name: "a label an env uses changes: that container, the key out of the plain patch",
      to: withMeta({ ...L, version: "v2" }),
      refs: { app: { labels: { version: "v2" } } },
    },
    {
      name: "an annotation an env uses changes: that container",
      to: withMeta(L, { ...A, "example.com/config": "b" }),
      refs: { config: { annotations: { "example.com/config": "b" } } },
    },
    {
      name: "a label no env uses: metadata only",
      to: withMeta({ ...L, tier: "api" }),
      patch: { labels: { tier: "api" } },
    },
    {
      name: "both at once: the used one restarts, the other is patched",
      to: withMeta({ ...L, version: "v2", tier: "api" }, { ...A, note: "m" }),
      refs: { app: { labels: { version: "v2" } } },
      patch: { labels: { tier: "api" }, annotations: { note: "m" } },
    },
    {
      name: "a used label removed: a plain removal, no restart (OpenKruise only follows added and changed keys)",
      to: withMeta({ app: "demo", tier: "web" }),
      patch: { labels: { version: null } },
    },
    {
      name: "gate off: a used label is only patched",
      to: withMeta({ ...L, version: "v2" }),
      gate: false,
      patch: { labels: { version: "v2" } },
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const diff = calculateInPlaceUpdate(template, c.to, {
        revision: "r2",
        envFromMetadata: c.gate ?? true,
      });
      expect(diff.inPlace).toBe(true);
      if (!diff.inPlace) return;
      expect(diff.spec.containerRefMetadata).toEqual(c.refs);
      expect(diff.spec.updateEnvFromMetadata).toBe(c.refs !== undefined ? true : undefined);
      expect(diff.spec.metadataPatch).toEqual(c.patch);
      expect(diff.spec.containerImages).toEqual({});
    });

  it("a key two containers use restarts both", () => {
    const t = structuredClone(template);
    t.spec!.containers[2]!.env = [fromLabel("V", "version")];
    const to = structuredClone(t);
    to.metadata!.labels!.version = "v2";
    const diff = calculateInPlaceUpdate(t, to, { revision: "r2", envFromMetadata: true });
    expect(diff.inPlace && diff.spec.containerRefMetadata).toEqual({
      app: { labels: { version: "v2" } },
      plain: { labels: { version: "v2" } },
    });
  });

  it("a change of the env itself still recreates", () => {
    const to = structuredClone(template);
    to.spec!.containers[0]!.env = [fromLabel("VERSION", "tier")];
    const diff = calculateInPlaceUpdate(template, to, { revision: "r2", envFromMetadata: true });
    expect(diff.inPlace).toBe(false);
  });
});

function podFrom(t: PodTemplateSpec): Pod {
  return {
    metadata: {
      name: "p",
      namespace: "ns",
      labels: { ...t.metadata!.labels!, "controller-revision-hash": "r1" },
      annotations: { ...t.metadata!.annotations! },
    },
    spec: { ...structuredClone(t.spec!), readinessGates: withInPlaceReadinessGate(undefined) },
    status: {
      containerStatuses: t.spec!.containers.map((c) => ({
        name: c.name,
        image: c.image!,
        imageID: `id-${c.name}`,
        containerID: `containerd://${c.name}-1`,
        ready: true,
        restartCount: 0,
        started: true,
      })),
    },
  };
}

function reportMeta(pod: Pod, envOf: (c: Container) => Record<string, string> = () => ({})): Pod {
  const next = structuredClone(pod);
  const containers = (pod.spec?.containers ?? []).map((c) => {
    const status = pod.status!.containerStatuses!.find((s) => s.name === c.name)!;
    const values = envOf(c);
    const hash = expectedEnvFromMetadataHash(c, {
      labels: values,
      annotations: values,
    });
    return {
      name: c.name,
      containerID: status.containerID,
      restartCount: status.restartCount,
      hashes: { plainHash: 1, extractedEnvFromMetadataHash: hash },
    };
  });
  next.metadata!.annotations![RUNTIME_CONTAINERS_META_ANNOTATION] = JSON.stringify({ containers });
  return next;
}

describe("writing an env-from-metadata update and waiting for it", () => {
  const to = withMeta({ ...template.metadata!.labels!, version: "v2" });
  const diff = calculateInPlaceUpdate(template, to, { revision: "r2", envFromMetadata: true });
  const spec = diff.inPlace ? diff.spec : undefined;

  it("the pod gets the label and a state that waits for kruise-daemon; it must go unready first", () => {
    const pod = podFrom(template);
    expect(inPlaceUpdateNeedsUnready(pod, spec!)).toBe(true);
    const next = startInPlaceUpdate(pod, spec!, { now: NOW, labels: { "controller-revision-hash": "r2" } });
    expect(next.metadata?.labels?.version).toBe("v2");
    expect(next.spec).toEqual(pod.spec);
    const state = readInPlaceUpdateState(next);
    expect(state?.updateEnvFromMetadata).toBe(true);
    expect(state?.updateImages).toBeUndefined();
    expect(state?.nextContainerRefMetadata).toBeUndefined();
    expect(state?.containerBatchesRecord?.map((b) => b.containers)).toEqual([["app"]]);
    expect(checkInPlaceUpdateCompleted(next)).toEqual({
      completed: false,
      reason: "waiting for kruise-daemon's runtime-containers-meta",
    });
  });

  it("complete only once every container's reported hash matches the pod's metadata, on its current containerID", () => {
    const pod = podFrom(template);
    const started = startInPlaceUpdate(pod, spec!, {
      now: NOW,
      labels: { "controller-revision-hash": "r2" },
    });
    const oldEnv = (c: Container): Record<string, string> =>
      c.name === "app" ? { version: "v1" } : { "example.com/config": "a" };
    const newEnv = (c: Container): Record<string, string> =>
      c.name === "app" ? { version: "v2" } : { "example.com/config": "a" };
    // Reported before the restart: the old value.
    expect(checkInPlaceUpdateCompleted(reportMeta(started, oldEnv))).toMatchObject({
      completed: false,
      reason: "container app still runs with its old env from metadata",
    });
    // The kubelet restarted app, the meta still names the old container.
    const restarted = structuredClone(started);
    restarted.status!.containerStatuses![0]!.containerID = "containerd://app-2";
    restarted.status!.containerStatuses![0]!.restartCount = 1;
    const stale: Pod = { ...reportMeta(started, newEnv), status: restarted.status };
    expect(checkInPlaceUpdateCompleted(stale)).toMatchObject({ completed: false });
    // kruise-daemon reported the new container with the new value.
    const done = reportMeta(restarted, newEnv);
    expect(checkInPlaceUpdateCompleted(done)).toEqual({ completed: true });
    // An unreadable annotation is reported, not thrown.
    const broken = structuredClone(done);
    broken.metadata!.annotations![RUNTIME_CONTAINERS_META_ANNOTATION] = "{";
    expect(checkInPlaceUpdateCompleted(broken).completed).toBe(false);
  });

  it("with launch priorities the lower container's label waits for a later batch, unless a key is shared", () => {
    const t = structuredClone(template);
    t.spec!.containers[0]!.env!.push({ name: "KRUISE_CONTAINER_PRIORITY", value: "10" });
    const changedBoth = structuredClone(t);
    changedBoth.metadata!.labels!.version = "v2";
    changedBoth.metadata!.annotations!["example.com/config"] = "b";
    const both = calculateInPlaceUpdate(t, changedBoth, { revision: "r2", envFromMetadata: true });
    const pod = podFrom(t);
    const first = startInPlaceUpdate(pod, both.inPlace ? both.spec : spec!, { now: NOW });
    let state = readInPlaceUpdateState(first)!;
    expect(first.metadata?.labels?.version).toBe("v2");
    expect(first.metadata?.annotations?.["example.com/config"]).toBe("a");
    expect(state.nextContainerRefMetadata).toEqual({
      config: { annotations: { "example.com/config": "b" } },
    });
    expect(state.preCheckBeforeNext).toEqual({ containersRequiredReady: ["app"] });
    expect(checkInPlaceUpdateCompleted(first).completed).toBe(false);
    // The first batch done and ready: the refresh writes the next one.
    const ready = reportMeta(first, (c): Record<string, string> =>
      c.name === "app" ? { version: "v2" } : { "example.com/config": "a" },
    );
    const plan = planInPlaceRefresh(ready, NOW + 1000);
    expect(plan.action).toBe("writePod");
    if (plan.action !== "writePod") return;
    expect(plan.pod.metadata?.annotations?.["example.com/config"]).toBe("b");
    state = readInPlaceUpdateState(plan.pod)!;
    expect(state.nextContainerRefMetadata).toBeUndefined();
    expect(state.updateEnvFromMetadata).toBe(true);
    expect(state.containerBatchesRecord?.map((b) => b.containers)).toEqual([["app"], ["config"]]);

    // The same key used by both: one batch.
    const shared = structuredClone(t);
    shared.spec!.containers[1]!.env = [fromLabel("V", "version")];
    const sharedTo = structuredClone(shared);
    sharedTo.metadata!.labels!.version = "v2";
    const sharedDiff = calculateInPlaceUpdate(shared, sharedTo, { revision: "r2", envFromMetadata: true });
    const once = startInPlaceUpdate(podFrom(shared), sharedDiff.inPlace ? sharedDiff.spec : spec!, {
      now: NOW,
    });
    const onceState = readInPlaceUpdateState(once)!;
    expect(onceState.containerBatchesRecord?.map((b) => b.containers)).toEqual([["app", "config"]]);
    expect(onceState.nextContainerRefMetadata).toBeUndefined();
    expect(once.metadata?.annotations?.[INPLACE_UPDATE_STATE_ANNOTATION]).toBeDefined();
  });
});
