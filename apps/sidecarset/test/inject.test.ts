// Injection and upgrade planning as pure functions (no control plane).
import type { Pod } from "kubernetes-types/core/v1.js";
import { describe, expect, it } from "vitest";
import type { SidecarSet } from "@kruise/api";
import { revisionsToDelete } from "@kruise/workload";
import { sidecarSetHash, sidecarSetHashWithoutImage } from "../src/injection/hash.ts";
import { injectSidecars, type InjectionSource } from "../src/injection/inject.ts";
import { sidecarSetSelectsPod } from "../src/injection/matching.ts";
import { injectedSidecarSets, podSidecarSetHash } from "../src/injection/pod-annotations.ts";
import { injectionPatch } from "../src/injection/patch.ts";
import { planUpgrade } from "../src/upgrade/upgrade-plan.ts";
import { upgradePatch } from "../src/upgrade/pod-upgrade.ts";
import { webhookEntries } from "../src/webhook/webhook-entries.ts";
import { findConflict } from "../src/upgrade/conflicts.ts";
import { injectionRevisionFor, sidecarSetHistory } from "../src/revisions.ts";
import { evaluateExpression, formatQuantity } from "../src/injection/resources-policy.ts";
import { hotUpgradeReset, isHotUpgrading } from "../src/upgrade/hot-upgrade.ts";

const NOW = "2026-12-01T22:00:00Z";

function sidecarSet(
  name: string,
  spec: Partial<SidecarSet["spec"]> = {},
  created = "2026-01-01T00:00:00Z",
): SidecarSet {
  return {
    apiVersion: "apps.kruise.io/v1alpha1",
    kind: "SidecarSet",
    metadata: { name, uid: `uid-${name}`, creationTimestamp: created },
    spec: {
      selector: { matchLabels: { app: "web" } },
      containers: [{ name: "proxy", image: "proxy:1", volumeMounts: [{ name: "logs", mountPath: "/logs" }] }],
      volumes: [
        { name: "logs", emptyDir: {} },
        { name: "unused", emptyDir: {} },
      ],
      ...spec,
    },
  };
}

const source = (ss: SidecarSet): InjectionSource => ({ sidecarSet: ss, spec: ss.spec! });

function pod(labels: Record<string, string> = { app: "web" }, extra: Partial<Pod["spec"]> = {}): Pod {
  return {
    metadata: { name: "p", namespace: "ns", labels },
    spec: {
      containers: [
        {
          name: "app",
          image: "app:1",
          env: [{ name: "TZ", value: "UTC" }],
          volumeMounts: [{ name: "data", mountPath: "/data" }],
        },
      ],
      volumes: [{ name: "data", emptyDir: {} }],
      ...extra,
    },
  };
}

function injected(p: Pod, sources: InjectionSource[]): Pod {
  const r = injectSidecars(p, sources, NOW);
  if (r.kind !== "injected") throw new Error(`expected an injection, got ${JSON.stringify(r)}`);
  return r.pod;
}

describe("injection", () => {
  it("adds the sidecar before the app, only the volumes it mounts, IS_INJECTED, hashes and the list", () => {
    const ss = sidecarSet("a");
    const out = injected(pod(), [source(ss)]);
    expect(out.spec?.containers.map((c) => c.name)).toEqual(["proxy", "app"]);
    expect(out.spec?.containers[0]?.env).toEqual([{ name: "IS_INJECTED", value: "true" }]);
    expect(out.spec?.containers[0]).not.toHaveProperty("podInjectPolicy");
    expect(out.spec?.volumes?.map((v) => v.name)).toEqual(["data", "logs"]);
    expect(injectedSidecarSets(out)).toEqual(["a"]);
    expect(podSidecarSetHash(out, "a")).toBe(sidecarSetHash(ss));
    expect(JSON.parse(out.metadata?.annotations?.["kruise.io/sidecarset-hash"] ?? "{}")).toEqual({
      a: { updateTimestamp: NOW, hash: sidecarSetHash(ss), sidecarSetName: "a", sidecarList: ["proxy"] },
    });
  });

  it("AfterAppContainer, init containers sorted after the pod's, pull secrets merged, pod volume wins", () => {
    const ss = sidecarSet("a", {
      containers: [{ name: "tail", image: "t:1", podInjectPolicy: "AfterAppContainer" }],
      initContainers: [
        { name: "z-init", image: "i:1" },
        { name: "b-init", image: "i:1", volumeMounts: [{ name: "data", mountPath: "/d" }] },
      ],
      imagePullSecrets: [{ name: "reg" }, { name: "own" }],
      volumes: [{ name: "data", hostPath: { path: "/x" } }],
    });
    const out = injected(
      pod(undefined, {
        initContainers: [{ name: "own-init", image: "o" }],
        imagePullSecrets: [{ name: "own" }],
      }),
      [source(ss)],
    );
    expect(out.spec?.containers.map((c) => c.name)).toEqual(["app", "tail"]);
    expect(out.spec?.initContainers?.map((c) => c.name)).toEqual(["own-init", "b-init", "z-init"]);
    expect(out.spec?.imagePullSecrets).toEqual([{ name: "own" }, { name: "reg" }]);
    expect(out.spec?.volumes).toEqual([{ name: "data", emptyDir: {} }]);
  });

  it("shareVolumePolicy shares the app's mounts; transferEnv copies named variables", () => {
    const ss = sidecarSet("a", {
      containers: [
        {
          name: "proxy",
          image: "p:1",
          shareVolumePolicy: { type: "enabled" },
          transferEnv: [{ sourceContainerName: "app", envName: "TZ" }],
        },
      ],
    });
    const c = injected(pod(), [source(ss)]).spec?.containers[0];
    expect(c?.volumeMounts).toEqual([{ name: "data", mountPath: "/data" }]);
    expect(c?.env).toEqual([
      { name: "IS_INJECTED", value: "true" },
      { name: "TZ", value: "UTC" },
    ]);
  });

  it("patchPodMetadata: Retain keeps, Overwrite sets, MergePatchJson merges", () => {
    const ss = sidecarSet("a", {
      patchPodMetadata: [
        { annotations: { keep: "new", fresh: "1" }, patchPolicy: "Retain" },
        { annotations: { over: "new" }, patchPolicy: "Overwrite" },
        { annotations: { json: '{"b":2}' }, patchPolicy: "MergePatchJson" },
      ],
    });
    const p = pod();
    p.metadata!.annotations = { keep: "old", over: "old", json: '{"a":1}' };
    const a = injected(p, [source(ss)]).metadata?.annotations ?? {};
    expect([a["keep"], a["fresh"], a["over"], JSON.parse(a["json"] ?? "")]).toEqual([
      "old",
      "1",
      "new",
      { a: 1, b: 2 },
    ]);
  });

  it("HotUpgrade: working twin -1 with the image, idle -2 with the empty image, version env and annotations", () => {
    const ss = sidecarSet("a", {
      containers: [
        {
          name: "mesh",
          image: "mesh:1",
          upgradeStrategy: { upgradeType: "HotUpgrade", hotUpgradeEmptyImage: "empty:1" },
        },
      ],
    });
    const out = injected(pod(), [source(ss)]);
    expect(out.spec?.containers.map((c) => [c.name, c.image])).toEqual([
      ["mesh-1", "mesh:1"],
      ["mesh-2", "empty:1"],
      ["app", "app:1"],
    ]);
    expect(out.spec?.containers[0]?.env?.map((e) => e.name)).toEqual([
      "IS_INJECTED",
      "SIDECARSET_VERSION",
      "SIDECARSET_VERSION_ALT",
    ]);
    const a = out.metadata?.annotations ?? {};
    expect(a["kruise.io/sidecarset-working-hotupgrade-container"]).toBe('{"mesh":"mesh-1"}');
    expect([a["version.sidecarset.kruise.io/mesh-1"], a["version.sidecarset.kruise.io/mesh-2"]]).toEqual([
      "1",
      "0",
    ]);
  });

  it("a second call (another webhook entry) changes nothing; two SidecarSets with one container name conflict", () => {
    const a = sidecarSet("a");
    const once = injected(pod(), [source(a)]);
    expect(injectSidecars(once, [source(a)], NOW)).toEqual({ kind: "unchanged" });
    const r = injectSidecars(pod(), [source(a), source(sidecarSet("b"))], NOW);
    expect(r.kind).toBe("conflict");
    expect(r.kind === "conflict" && r.message).toMatch(
      /SidecarSets "a" and "b" both inject a container named "proxy".*kubectl/,
    );
  });

  it("the patch adds the changed fields only", () => {
    const p = pod();
    const ops = injectionPatch(p, injected(p, [source(sidecarSet("a"))]));
    expect(ops.map((o) => o.path)).toEqual(["/metadata/annotations", "/spec/containers", "/spec/volumes"]);
  });
});

describe("matching", () => {
  it("selector, v1alpha1 namespace and namespaceSelector", () => {
    const labelsOf = { env: "prod" };
    expect(sidecarSetSelectsPod(sidecarSet("a"), pod(), {})).toBe(true);
    expect(sidecarSetSelectsPod(sidecarSet("a"), pod({ app: "other" }), {})).toBe(false);
    expect(sidecarSetSelectsPod(sidecarSet("a", { namespace: "other" }), pod(), {})).toBe(false);
    expect(sidecarSetSelectsPod(sidecarSet("a", { namespace: "ns" }), pod(), {})).toBe(true);
    const bySel = sidecarSet("a", { namespaceSelector: { matchLabels: { env: "prod" } } });
    expect(sidecarSetSelectsPod(bySel, pod(), labelsOf)).toBe(true);
    expect(sidecarSetSelectsPod(bySel, pod(), {})).toBe(false);
  });

  it("one webhook entry per unpaused SidecarSet, scoped by its selectors, system namespaces excluded", () => {
    const entries = webhookEntries(
      [
        sidecarSet("b", { namespace: "ns" }),
        sidecarSet("a"),
        sidecarSet("p", { injectionStrategy: { paused: true } }),
      ],
      ["kube-system", "kruise-system"],
    );
    expect(entries.map((e) => e.name)).toEqual(["a.sidecarset.kruise.io", "b.sidecarset.kruise.io"]);
    expect(entries[1]?.objectSelector).toEqual({ matchLabels: { app: "web" } });
    expect(entries[1]?.namespaceSelector).toEqual({
      matchLabels: { "kubernetes.io/metadata.name": "ns" },
      matchExpressions: [
        { key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["kube-system", "kruise-system"] },
      ],
    });
  });

  it("conflicts are reported on the younger SidecarSet only", () => {
    const old = sidecarSet("old", {}, "2026-01-01T00:00:00Z");
    const young = sidecarSet("young", {}, "2026-02-01T00:00:00Z");
    expect(findConflict(young, [old, young])).toMatch(/"proxy" is also injected by SidecarSet "old"/);
    expect(findConflict(old, [old, young])).toBeUndefined();
    const disjoint = sidecarSet("d", { selector: { matchLabels: { app: "db" } } }, "2026-03-01T00:00:00Z");
    expect(findConflict(disjoint, [old, disjoint])).toBeUndefined();
  });
});

describe("upgrade plan", () => {
  const ready = (p: Pod, imageOf: (n: string) => string): Pod => ({
    ...p,
    status: {
      phase: "Running",
      conditions: [{ type: "Ready", status: "True" }],
      containerStatuses: p.spec!.containers.map((c) => ({
        name: c.name,
        image: imageOf(c.name) || c.image!,
        imageID: "",
        ready: true,
        restartCount: 0,
      })),
    },
  });
  const podsAt = (ss: SidecarSet, n: number): Pod[] =>
    Array.from({ length: n }, (_, i) => {
      const p = injected({ ...pod(), metadata: { ...pod().metadata, name: `p${i}` } }, [source(ss)]);
      return ready(p, () => "");
    });
  const v1 = sidecarSet("a");
  const v2 = sidecarSet("a", {
    containers: [{ name: "proxy", image: "proxy:2", volumeMounts: [{ name: "logs", mountPath: "/logs" }] }],
  });
  const hashes = { hash: sidecarSetHash(v2), withoutImage: sidecarSetHashWithoutImage(v2) };

  it("image-only change: one pod at a time with maxUnavailable 1; partition and paused hold", () => {
    const pods = podsAt(v1, 4);
    expect(planUpgrade(v2, pods, hashes, ["proxy"]).upgrade.map((p) => p.metadata?.name)).toHaveLength(1);
    const withPartition = {
      ...v2,
      spec: { ...v2.spec, updateStrategy: { partition: 4, maxUnavailable: 4 } },
    } as SidecarSet;
    expect(planUpgrade(withPartition, pods, hashes, ["proxy"]).upgrade).toHaveLength(0);
    const paused = { ...v2, spec: { ...v2.spec, updateStrategy: { paused: true } } } as SidecarSet;
    expect(planUpgrade(paused, pods, hashes, ["proxy"]).upgrade).toHaveLength(0);
    // One upgraded pod still starting its new sidecar uses the whole budget.
    const first = pods[0]!;
    const patch = upgradePatch(first, v2, hashes, NOW) as {
      metadata: { annotations: Record<string, string> };
    };
    const upgrading = ready(
      {
        ...first,
        metadata: {
          ...first.metadata,
          annotations: { ...first.metadata?.annotations, ...patch.metadata.annotations },
        },
      },
      () => "proxy:1",
    );
    upgrading.spec = {
      ...upgrading.spec!,
      containers: upgrading.spec!.containers.map((c) =>
        c.name === "proxy" ? { ...c, image: "proxy:2" } : c,
      ),
    };
    expect(planUpgrade(v2, [upgrading, ...pods.slice(1)], hashes, ["proxy"]).upgrade).toHaveLength(0);
  });

  it("a change beyond images makes the pods not upgradable", () => {
    const v3 = sidecarSet("a", { containers: [{ name: "proxy", image: "proxy:1", args: ["--new"] }] });
    const h3 = { hash: sidecarSetHash(v3), withoutImage: sidecarSetHashWithoutImage(v3) };
    const plan = planUpgrade(v3, podsAt(v1, 2), h3, ["proxy"]);
    expect(plan.upgrade).toHaveLength(0);
    expect(plan.notUpgradable).toHaveLength(2);
  });
});

describe("hot upgrade", () => {
  const hotSet = (img: string): SidecarSet =>
    sidecarSet("h", {
      containers: [
        {
          name: "mesh",
          image: img,
          upgradeStrategy: { upgradeType: "HotUpgrade", hotUpgradeEmptyImage: "empty:1" },
        },
      ],
    });
  /** Applies a strategic patch of containers/annotations as the API server would, then a kubelet that runs it. */
  function apply(
    p: Pod,
    patch: {
      metadata?: { annotations?: Record<string, string> };
      spec?: { containers?: Array<{ name: string; image: string }> };
    },
  ): Pod {
    const out = structuredClone<Pod>(p);
    Object.assign((out.metadata!.annotations ??= {}), patch.metadata?.annotations ?? {});
    for (const c of patch.spec?.containers ?? [])
      out.spec!.containers.find((x) => x.name === c.name)!.image = c.image;
    return {
      ...out,
      status: {
        phase: "Running",
        conditions: [{ type: "Ready", status: "True" }],
        containerStatuses: out.spec!.containers.map((c) => ({
          name: c.name,
          image: c.image!,
          imageID: "",
          ready: true,
          restartCount: 0,
        })),
      },
    };
  }

  it("upgrades the empty twin and makes it the working one, then resets the old one once the new one is up", () => {
    const v1 = hotSet("mesh:1");
    const v2 = { ...hotSet("mesh:2"), metadata: { ...hotSet("mesh:2").metadata, resourceVersion: "4711" } };
    let p = apply(injected(pod(), [source(v1)]), {});
    const hashes = { hash: sidecarSetHash(v2), withoutImage: sidecarSetHashWithoutImage(v2) };
    const sidecars = ["mesh-1", "mesh-2"];
    const plan = planUpgrade(v2, [p], hashes, sidecars);
    expect(plan.upgrade).toHaveLength(1);
    expect(plan.resetHotUpgrade).toHaveLength(0);
    const step1 = upgradePatch(p, v2, hashes, NOW) as Parameters<typeof apply>[1];
    expect(step1.spec?.containers).toEqual([{ name: "mesh-2", image: "mesh:2" }]);
    expect(step1.metadata?.annotations).toMatchObject({
      "kruise.io/sidecarset-working-hotupgrade-container": '{"mesh":"mesh-2"}',
      "version.sidecarset.kruise.io/mesh-2": "4711",
      "versionalt.sidecarset.kruise.io/mesh-2": "1",
      "versionalt.sidecarset.kruise.io/mesh-1": "4711",
    });
    // The API server has the new image, the kubelet has not started it yet: nothing to reset, and the pod
    // holds the upgrade budget.
    const pending = apply(p, step1);
    pending.status!.containerStatuses!.find((c) => c.name === "mesh-2")!.image = "empty:1";
    expect(isHotUpgrading(pending, v2)).toBe(true);
    expect(planUpgrade(v2, [pending], hashes, sidecars).resetHotUpgrade).toHaveLength(0);
    p = apply(p, step1);
    expect(planUpgrade(v2, [p], hashes, sidecars).resetHotUpgrade).toHaveLength(1);
    const step2 = hotUpgradeReset(p, v2)!;
    expect(step2.containers).toEqual([{ name: "mesh-1", image: "empty:1" }]);
    expect(step2.annotations).toEqual({
      "version.sidecarset.kruise.io/mesh-1": "0",
      "versionalt.sidecarset.kruise.io/mesh-2": "0",
    });
    p = apply(p, { metadata: { annotations: step2.annotations }, spec: { containers: step2.containers } });
    expect(isHotUpgrading(p, v2)).toBe(false);
    expect(hotUpgradeReset(p, v2)).toBeUndefined();
    expect(planUpgrade(v2, [p], hashes, sidecars)).toMatchObject({ upgrade: [], resetHotUpgrade: [] });

    // The next version goes to mesh-1 (now empty), which becomes the working twin again.
    const v3 = { ...hotSet("mesh:3"), metadata: { ...hotSet("mesh:3").metadata, resourceVersion: "4800" } };
    const h3 = { hash: sidecarSetHash(v3), withoutImage: sidecarSetHashWithoutImage(v3) };
    const step3 = upgradePatch(p, v3, h3, NOW) as Parameters<typeof apply>[1];
    expect(step3.spec?.containers).toEqual([{ name: "mesh-1", image: "mesh:3" }]);
    expect(step3.metadata?.annotations).toMatchObject({
      "kruise.io/sidecarset-working-hotupgrade-container": '{"mesh":"mesh-1"}',
      "version.sidecarset.kruise.io/mesh-1": "4800",
      "versionalt.sidecarset.kruise.io/mesh-1": "4711",
      "versionalt.sidecarset.kruise.io/mesh-2": "4800",
    });
  });

  it("paused: no reset of an old twin either", () => {
    const v1 = hotSet("mesh:1");
    const v2 = hotSet("mesh:2");
    const hashes = { hash: sidecarSetHash(v2), withoutImage: sidecarSetHashWithoutImage(v2) };
    const p = apply(injected(pod(), [source(v1)]), {});
    const half = apply(p, upgradePatch(p, v2, hashes, NOW));
    const paused = { ...v2, spec: { ...v2.spec!, updateStrategy: { paused: true } } };
    expect(planUpgrade(paused, [half], hashes, ["mesh-1", "mesh-2"]).resetHotUpgrade).toHaveLength(0);
    expect(planUpgrade(v2, [half], hashes, ["mesh-1", "mesh-2"]).resetHotUpgrade).toHaveLength(1);
  });
});

describe("revision history", () => {
  const rev = (n: number, labels: Record<string, string> = {}) => ({
    metadata: { name: `r${n}`, labels },
    revision: n,
  });
  const names = (xs: ReadonlyArray<{ metadata?: { name?: string } }>) => xs.map((x) => x.metadata?.name);

  it("keeps revisionHistoryLimit revisions (default 10, at least 1), deleting the oldest unused first", () => {
    const twelve = Array.from({ length: 12 }, (_, i) => rev(i + 1)).reverse();
    expect(names(revisionsToDelete(sidecarSetHistory(sidecarSet("a"), twelve, "r12", new Set())))).toEqual([
      "r1",
      "r2",
    ]);
    const limit3 = sidecarSet("a", { revisionHistoryLimit: 3 });
    expect(names(revisionsToDelete(sidecarSetHistory(limit3, twelve.slice(0, 3), "r12", new Set())))).toEqual(
      [],
    );
    const limit0 = sidecarSet("a", { revisionHistoryLimit: 0 });
    expect(names(revisionsToDelete(sidecarSetHistory(limit0, [rev(1), rev(2)], "r2", new Set())))).toEqual([
      "r1",
    ]);
  });

  it("never deletes the latest, one a pod records, or the one injectionStrategy.revision pins", () => {
    const revs = [
      rev(1),
      rev(2, { "apps.kruise.io/sidecarset-custom-version": "v2" }),
      rev(3),
      rev(4),
      rev(5),
    ];
    const pinned = sidecarSet("a", {
      revisionHistoryLimit: 1,
      injectionStrategy: { revision: { customVersion: "v2" } },
    });
    // r1 is latest (a rollback), r3 is on a pod, r2 is pinned: r4 and r5 go, and 3 remain over the limit.
    expect(names(revisionsToDelete(sidecarSetHistory(pinned, revs, "r1", new Set(["r3"]))))).toEqual([
      "r4",
      "r5",
    ]);
  });
});

describe("injectionStrategy.revision", () => {
  const revs = [
    { metadata: { name: "r1", labels: { "apps.kruise.io/sidecarset-custom-version": "v1" } }, revision: 1 },
    { metadata: { name: "r2" }, revision: 2 },
  ];
  const pinned = (policy: "Always" | "Partial" | undefined, updateStrategy: Record<string, unknown> = {}) =>
    sidecarSet("a", {
      injectionStrategy: { revision: { customVersion: "v1", ...(policy ? { policy } : {}) } },
      updateStrategy,
    });
  const name = (r: unknown) =>
    typeof r === "object" && r ? (r as { metadata: { name: string } }).metadata.name : r;

  it("no pin: the current spec; Always (default) or paused: the pinned revision; a missing pin is refused", () => {
    expect(injectionRevisionFor(sidecarSet("a"), revs, {})).toBeUndefined();
    expect(name(injectionRevisionFor(pinned(undefined), revs, {}))).toBe("r1");
    expect(name(injectionRevisionFor(pinned("Always", { partition: "0%" }), revs, {}))).toBe("r1");
    expect(name(injectionRevisionFor(pinned("Partial", { paused: true }), revs, {}, () => 0.99))).toBe("r1");
    expect(injectionRevisionFor(pinned("Always"), [revs[1]!], {})).toMatch(
      /custom version v1, which does not exist/,
    );
  });

  it("Partial: pods outside updateStrategy.selector get the pin; others get it with the partition's probability", () => {
    const canary = pinned("Partial", { selector: { matchLabels: { canary: "true" } } });
    expect(name(injectionRevisionFor(canary, revs, { app: "web" }, () => 0))).toBe("r1");
    expect(injectionRevisionFor(canary, revs, { canary: "true" }, () => 0)).toBeUndefined();
    const percent = pinned("Partial", { partition: "30%" });
    expect(name(injectionRevisionFor(percent, revs, {}, () => 0.3))).toBe("r1");
    expect(injectionRevisionFor(percent, revs, {}, () => 0.31)).toBeUndefined();
    expect(injectionRevisionFor(pinned("Partial", { partition: 3 }), revs, {}, () => 0)).toBeUndefined();
  });
});

describe("resourcesPolicy", () => {
  const res = (limits: Record<string, string> | undefined, requests: Record<string, string> | undefined) => ({
    ...(limits ? { limits } : {}),
    ...(requests ? { requests } : {}),
  });
  const appPod = (...containers: Array<[string, ReturnType<typeof res>]>): Pod => ({
    metadata: { name: "p", namespace: "ns", labels: { app: "web" } },
    spec: { containers: containers.map(([name, resources]) => ({ name, image: "app:1", resources })) },
  });
  const policySet = (mode: "sum" | "max", regex: string, extra: Record<string, unknown> = {}) =>
    sidecarSet("r", {
      containers: [
        {
          name: "proxy",
          image: "proxy:1",
          resourcesPolicy: {
            targetContainersMode: mode,
            targetContainersNameRegex: regex,
            resourcesExpr: {
              limits: { cpu: "max(cpu*50%, 50m)", memory: "200Mi" },
              requests: { cpu: "max(cpu*50%, 50m)", memory: "100Mi" },
            },
          },
          ...extra,
        },
      ],
      volumes: [],
    });
  const engines = appPod(
    ["large.engine.v4", res({ cpu: "200m", memory: "200Mi" }, { cpu: "50m", memory: "100Mi" })],
    ["large.engine.v8", res({ cpu: "400m", memory: "400Mi" }, { cpu: "100m", memory: "200Mi" })],
  );
  const proxy = (p: Pod, ss: SidecarSet) => {
    const r = injectSidecars(p, [source(ss)], NOW);
    if (r.kind !== "injected") throw new Error(JSON.stringify(r));
    return r.pod.spec!.containers.find((c) => c.name === "proxy")!;
  };

  it("sums or maxes the matching containers' resources through the expressions (OpenKruise's stories)", () => {
    expect(proxy(engines, policySet("sum", "^large.engine.v4$")).resources).toEqual({
      limits: { cpu: "100m", memory: "200Mi" },
      requests: { cpu: "50m", memory: "100Mi" },
    });
    expect(proxy(engines, policySet("sum", "^large.engine.v.*$")).resources).toEqual({
      limits: { cpu: "300m", memory: "200Mi" },
      requests: { cpu: "75m", memory: "100Mi" },
    });
    expect(proxy(engines, policySet("max", "^large.engine.v.*$")).resources).toEqual({
      limits: { cpu: "200m", memory: "200Mi" },
      requests: { cpu: "50m", memory: "100Mi" },
    });
    expect(proxy(engines, policySet("sum", "^large.engine.v.*$"))).not.toHaveProperty("resourcesPolicy");
  });

  it("an unlimited target leaves that limit unset; a missing request counts as 0", () => {
    const p = appPod(["a", res(undefined, { cpu: "1" })], ["b", res({ cpu: "2" }, undefined)]);
    expect(proxy(p, policySet("sum", ".*")).resources).toEqual({
      requests: { cpu: "500m", memory: "100Mi" },
    });
  });

  it("refuses the pod, naming the SidecarSet and the reason", () => {
    const refused = (p: Pod, ss: SidecarSet): string => {
      const r = injectSidecars(p, [source(ss)], NOW);
      return r.kind === "refused" ? r.message : `not refused: ${r.kind}`;
    };
    expect(refused(engines, policySet("sum", "^nothing$"))).toContain(
      "SidecarSet r: resourcesPolicy of sidecar container proxy: no container",
    );
    expect(refused(engines, policySet("sum", ".*", { resources: { limits: { cpu: "1" } } }))).toContain(
      "sets both resources and resourcesPolicy",
    );
    const negative = sidecarSet("r", {
      containers: [
        {
          name: "proxy",
          image: "proxy:1",
          resourcesPolicy: { targetContainerMode: "sum", resourceExpr: { requests: { cpu: "cpu - 10" } } },
        },
      ],
      volumes: [],
    });
    expect(refused(engines, negative)).toContain("negative");
  });

  it("evaluates + - * /, parentheses, max, min, percentages and quantities", () => {
    expect(evaluateExpression("min(max(max(0.5, 0.5*cpu), cpu-1.0), 3.0)", "cpu", 10.5)).toBe(3);
    expect(evaluateExpression("(cpu + 250m) / 2", "cpu", 0.25)).toBe(0.25);
    expect(evaluateExpression("memory*25% + 1Gi", "memory", 4 * 2 ** 30)).toBe(2 * 2 ** 30);
    expect(() => evaluateExpression("cpu * memory", "cpu", 1)).toThrow(/unknown name "memory"/);
    expect(() => evaluateExpression("max(cpu", "cpu", 1)).toThrow(/expected \)/);
    expect(formatQuantity("cpu", 0.075)).toBe("75m");
    expect(formatQuantity("cpu", 2)).toBe("2");
    expect(formatQuantity("memory", 1.5 * 2 ** 20)).toBe("1536Ki");
  });
});
