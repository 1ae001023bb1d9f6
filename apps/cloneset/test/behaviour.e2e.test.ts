// What OpenKruise users rely on, against the real control plane, with the controller in-process (so writes
// can be counted) under exactly its RBAC rules. Each test uses its own CloneSet in one namespace.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestNamespace, getTestEnv, waitFor } from "@kruise/testenv/vitest";
import type { CloneSet } from "@kruise/api";
import type { Pod } from "kubernetes-types/core/v1.js";
import { controllerKubeconfig } from "./support/controller-identity.ts";
import { startInProcessController, type InProcessController } from "./support/in-process.ts";
import { active, getCloneSet, getPods, isReady, k } from "./support/kube.ts";

let ns = "";
let controller: InProcessController | undefined;

beforeAll(async () => {
  ns = await createTestNamespace("cs-behaviour");
  controller = await startInProcessController({
    kubeconfig: await controllerKubeconfig(getTestEnv(), ns),
    namespace: ns,
  });
});
afterAll(async () => {
  await controller?.stop();
});

interface Spec {
  replicas?: number;
  images?: Record<string, string>;
  env?: string;
  updateStrategy?: Record<string, unknown>;
  scaleStrategy?: Record<string, unknown>;
  lifecycle?: Record<string, unknown>;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  volumeClaimTemplates?: unknown[];
  progressDeadlineSeconds?: number;
  minReadySeconds?: number;
}

// Each test owns its CloneSet names: two tests sharing one in this namespace would see each other's pods (a
// test that re-applied another's CloneSet once caught its old pods mid-recreate).
const nameOwners = new Map<string, string>();
function cloneSet(name: string, s: Spec): CloneSet {
  const test = expect.getState().currentTestName ?? "";
  const owner = nameOwners.get(name) ?? test;
  if (owner !== test) throw new Error(`CloneSet ${name} is already used by the test "${owner}"`);
  nameOwners.set(name, test);
  const images = s.images ?? { main: "nginx:1" };
  return {
    apiVersion: "apps.kruise.io/v1alpha1",
    kind: "CloneSet",
    metadata: { name, namespace: ns },
    spec: {
      replicas: s.replicas ?? 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: {
          labels: { app: name, ...(s.labels ?? {}) },
          ...(s.annotations ? { annotations: s.annotations } : {}),
        },
        spec: {
          containers: Object.entries(images).map(([c, image]) => ({
            name: c,
            image,
            ...(s.env !== undefined ? { env: [{ name: "MODE", value: s.env }] } : {}),
          })),
        },
      },
      ...(s.updateStrategy ? { updateStrategy: s.updateStrategy } : {}),
      ...(s.scaleStrategy ? { scaleStrategy: s.scaleStrategy } : {}),
      ...(s.lifecycle ? { lifecycle: s.lifecycle } : {}),
      ...(s.volumeClaimTemplates ? { volumeClaimTemplates: s.volumeClaimTemplates as never } : {}),
      ...(s.progressDeadlineSeconds !== undefined
        ? { progressDeadlineSeconds: s.progressDeadlineSeconds }
        : {}),
      ...(s.minReadySeconds !== undefined ? { minReadySeconds: s.minReadySeconds } : {}),
    },
  };
}

const applyCs = (cs: CloneSet): Promise<string> =>
  k(["apply", "--server-side", "--force-conflicts", "-f", "-"], JSON.stringify(cs));
const pods = async (name: string): Promise<Pod[]> => active(await getPods(ns, `app=${name}`));
const image = (p: Pod, c = 0): string | undefined => p.spec?.containers[c]?.image;
const settled = async (
  name: string,
  n: number,
  check: (ps: Pod[]) => boolean = () => true,
  timeoutMs = 60_000,
): Promise<Pod[]> =>
  waitFor(
    `${name}: ${n} ready pods`,
    async () => {
      const ps = await pods(name);
      const all = await getPods(ns, `app=${name}`);
      return ps.length === n && all.length === n && ps.every(isReady) && check(ps) ? ps : undefined;
    },
    timeoutMs,
  );
const converged = async (name: string): Promise<CloneSet> =>
  waitFor(
    `${name} converged`,
    async () => {
      const cs = await getCloneSet(ns, name);
      const st = cs.status;
      return st?.observedGeneration === cs.metadata?.generation &&
        st?.updatedReadyReplicas === cs.spec?.replicas &&
        st?.replicas === cs.spec?.replicas &&
        st?.currentRevision === st?.updateRevision
        ? cs
        : undefined;
    },
    60_000,
  );

describe("in-place update", () => {
  it("keeps name, UID, node and IP, and restarts only the changed container", async () => {
    await applyCs(
      cloneSet("ip", {
        replicas: 2,
        images: { app: "nginx:1", sidecar: "busybox:1" },
        updateStrategy: { type: "InPlaceIfPossible", maxUnavailable: 2 },
      }),
    );
    const before = await settled("ip", 2);
    await applyCs(
      cloneSet("ip", {
        replicas: 2,
        images: { app: "nginx:2", sidecar: "busybox:1" },
        updateStrategy: { type: "InPlaceIfPossible", maxUnavailable: 2 },
      }),
    );
    const after = await settled("ip", 2, (ps) =>
      ps.every((p) => p.status?.containerStatuses?.find((c) => c.name === "app")?.image === "nginx:2"),
    );
    for (const pod of after) {
      const was = before.find((b) => b.metadata?.name === pod.metadata?.name);
      expect(was).toBeDefined();
      expect(pod.metadata?.uid).toBe(was?.metadata?.uid);
      expect(pod.spec?.nodeName).toBe(was?.spec?.nodeName);
      expect(pod.status?.podIP).toBe(was?.status?.podIP);
      const status = (c: string, p: Pod): number =>
        p.status?.containerStatuses?.find((s) => s.name === c)?.restartCount ?? -1;
      expect(status("app", pod)).toBe(status("app", was as Pod) + 1);
      expect(status("sidecar", pod)).toBe(status("sidecar", was as Pod));
      expect(pod.status?.conditions?.find((c) => c.type === "InPlaceUpdateReady")?.status).toBe("True");
      const state = JSON.parse(
        pod.metadata?.annotations?.["apps.kruise.io/inplace-update-state"] ?? "{}",
      ) as { revision?: string; lastContainerStatuses?: Record<string, unknown> };
      expect(Object.keys(state.lastContainerStatuses ?? {})).toEqual(["app"]);
    }
  });

  it("updates containers in launch-priority batches: KRUISE_CONTAINER_PRIORITY first, a container without it (0) next", async () => {
    const withPriority = (images: Record<string, string>): CloneSet => {
      const cs = cloneSet("batches", {
        replicas: 1,
        images,
        updateStrategy: { type: "InPlaceIfPossible", maxUnavailable: 1 },
      });
      cs.spec!.template.spec!.containers[1]!.env = [{ name: "KRUISE_CONTAINER_PRIORITY", value: "10" }];
      return cs;
    };
    await applyCs(withPriority({ app: "nginx:1", sidecar: "busybox:1" }));
    await settled("batches", 1);
    await applyCs(withPriority({ app: "nginx:2", sidecar: "busybox:1.36" }));
    const runs = (p: Pod, c: string, img: string) =>
      p.status?.containerStatuses?.find((x) => x.name === c)?.image === img;
    const [pod] = await settled("batches", 1, (ps) =>
      ps.every((p) => runs(p, "app", "nginx:2") && runs(p, "sidecar", "busybox:1.36")),
    );
    const state = JSON.parse(pod?.metadata?.annotations?.["apps.kruise.io/inplace-update-state"] ?? "{}") as {
      containerBatchesRecord?: Array<{ containers: string[] }>;
    };
    expect(state.containerBatchesRecord?.map((b) => b.containers)).toEqual([["sidecar"], ["app"]]);
  });

  it("recreates on a non-image change under InPlaceIfPossible, and refuses it under InPlaceOnly", async () => {
    const strategy = { type: "InPlaceIfPossible", maxUnavailable: 2 };
    await applyCs(cloneSet("ipp", { replicas: 2, env: "a", updateStrategy: strategy }));
    const before = await settled("ipp", 2);
    await applyCs(cloneSet("ipp", { replicas: 2, env: "b", updateStrategy: strategy }));
    const after = await settled("ipp", 2, (ps) =>
      ps.every((p) => p.spec?.containers[0]?.env?.[0]?.value === "b"),
    );
    const names = new Set(before.map((p) => p.metadata?.name));
    expect(after.every((p) => !names.has(p.metadata?.name))).toBe(true);

    const only = { type: "InPlaceOnly", maxUnavailable: 2 };
    await applyCs(cloneSet("ipo", { replicas: 2, env: "a", updateStrategy: only }));
    const kept = await settled("ipo", 2);
    const r = await getTestEnvKubectl(
      ["apply", "--server-side", "--force-conflicts", "-f", "-"],
      JSON.stringify(cloneSet("ipo", { replicas: 2, env: "b", updateStrategy: only })),
    );
    if (r.code === 0) {
      const cs = await waitFor("FailedUpdate condition", async () => {
        const c = await getCloneSet(ns, "ipo");
        return c.status?.conditions?.some((x) => x.type === "FailedUpdate" && x.status === "True") === true
          ? c
          : undefined;
      });
      expect(cs.status?.conditions?.find((x) => x.type === "FailedUpdate")?.message).toContain("InPlaceOnly");
      const now = await pods("ipo");
      expect(now.map((p) => p.metadata?.uid).sort()).toEqual(kept.map((p) => p.metadata?.uid).sort());
    } else {
      expect(r.stderr).toMatch(/InPlaceOnly/);
    }
  });
});

async function getTestEnvKubectl(args: string[], input: string): Promise<{ code: number; stderr: string }> {
  const { kubectl } = await import("@kruise/testenv/vitest");
  return kubectl(args, { input });
}

describe("partition", () => {
  it("a percentage partition rounds up, and <100% of several replicas still updates one", async () => {
    const strategy = (partition: string): Record<string, unknown> => ({
      type: "InPlaceIfPossible",
      partition,
      maxUnavailable: "100%",
    });
    await applyCs(cloneSet("pct", { replicas: 5, updateStrategy: strategy("50%") }));
    await settled("pct", 5);
    await applyCs(
      cloneSet("pct", { replicas: 5, images: { main: "nginx:2" }, updateStrategy: strategy("50%") }),
    );
    // 50% of 5 = 2.5, rounded up: 3 pods stay on the old revision.
    await waitFor(
      "2 of 5 updated",
      async () => (await pods("pct")).filter((p) => image(p) === "nginx:2").length === 2,
    );
    expect((await getCloneSet(ns, "pct")).status?.expectedUpdatedReplicas).toBe(2);
    await applyCs(
      cloneSet("pct", { replicas: 4, images: { main: "nginx:2" }, updateStrategy: strategy("99%") }),
    );
    // 99% of 4 = 3.96 → 4, but a partition below 100% always lets one pod update.
    await waitFor(
      "expectedUpdatedReplicas 1",
      async () => (await getCloneSet(ns, "pct")).status?.expectedUpdatedReplicas === 1,
    );
    await waitFor("4 pods", async () => (await getPods(ns, "app=pct")).length === 4);
    expect((await pods("pct")).filter((p) => image(p) === "nginx:2").length).toBeGreaterThanOrEqual(1);
  });
});

describe("maxSurge and paused", () => {
  it("maxSurge creates new pods before deleting old ones", async () => {
    const strategy = { type: "ReCreate", maxSurge: 1, maxUnavailable: 0 };
    await applyCs(cloneSet("surge", { replicas: 3, updateStrategy: strategy }));
    const old = await settled("surge", 3);
    const oldNames = new Set(old.map((p) => p.metadata?.name));
    const writesBefore = controller?.writes.length ?? 0;
    await applyCs(cloneSet("surge", { replicas: 3, images: { main: "nginx:2" }, updateStrategy: strategy }));
    let max = 0;
    await waitFor(
      "all 3 replaced",
      async () => {
        const all = await getPods(ns, "app=surge");
        const live = active(all);
        max = Math.max(max, live.length);
        return all.length === 3 && live.every((p) => !oldNames.has(p.metadata?.name) && isReady(p));
      },
      90_000,
      100,
    );
    // From the controller's own write log: the first new pod was created before the first old pod was deleted.
    const writes = (controller?.writes ?? [])
      .slice(writesBefore)
      .filter((w) => w.kind === "Pod" && (w.name ?? "").startsWith("surge-"));
    const firstCreate = writes.findIndex((w) => w.verb === "create");
    const firstDelete = writes.findIndex((w) => w.verb === "delete");
    expect(firstCreate).toBeGreaterThanOrEqual(0);
    expect(firstCreate, JSON.stringify(writes.map((w) => [w.verb, w.name, w.subresource]))).toBeLessThan(
      firstDelete,
    );
    expect(max).toBeLessThanOrEqual(4);
  });

  it("paused stops updates but not scaling", async () => {
    await applyCs(cloneSet("paused", { replicas: 2 }));
    await settled("paused", 2);
    await applyCs(
      cloneSet("paused", { replicas: 3, images: { main: "nginx:2" }, updateStrategy: { paused: true } }),
    );
    const ps = await settled("paused", 3);
    expect(ps.filter((p) => image(p) === "nginx:1")).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await pods("paused")).filter((p) => image(p) === "nginx:1")).toHaveLength(2);
  });
});

describe("deletion", () => {
  it("the specified-delete label deletes and replaces exactly that pod", async () => {
    await applyCs(cloneSet("spec", { replicas: 3 }));
    const ps = await settled("spec", 3);
    const victim = ps[1]?.metadata?.name ?? "";
    await k(["label", "pod", "-n", ns, victim, "apps.kruise.io/specified-delete=true"]);
    const after = await settled("spec", 3, (now) => !now.some((p) => p.metadata?.name === victim));
    expect(after.filter((p) => ps.some((b) => b.metadata?.uid === p.metadata?.uid))).toHaveLength(2);
  });

  it("scale-down deletes the pod with the lowest pod-deletion-cost first", async () => {
    await applyCs(cloneSet("cost", { replicas: 3 }));
    const ps = await settled("cost", 3);
    const cheap = ps[2]?.metadata?.name ?? "";
    for (const p of ps) {
      const cost = p.metadata?.name === cheap ? "-100" : "100";
      await k([
        "annotate",
        "pod",
        "-n",
        ns,
        p.metadata?.name ?? "",
        `controller.kubernetes.io/pod-deletion-cost=${cost}`,
      ]);
    }
    await applyCs(cloneSet("cost", { replicas: 2 }));
    const after = await settled("cost", 2);
    expect(after.map((p) => p.metadata?.name)).not.toContain(cheap);
  });
});

describe("release", () => {
  it("a pod relabelled out of the selector is released, kept running, and replaced", async () => {
    await applyCs(cloneSet("rel", { replicas: 3 }));
    const ps = await settled("rel", 3);
    const victim = ps[0] as Pod;
    const name = victim.metadata?.name ?? "";
    const csUid = (await getCloneSet(ns, "rel")).metadata?.uid;
    const start = controller?.writes.length ?? 0;
    await k(["label", "pod", "-n", ns, name, "app=rel-out", "--overwrite"]);
    const released = await waitFor(`${name} released`, async () => {
      const [p] = await getPods(ns, "app=rel-out");
      return p !== undefined && !(p.metadata?.ownerReferences ?? []).some((r) => r.uid === csUid)
        ? p
        : undefined;
    });
    expect(released.metadata?.uid).toBe(victim.metadata?.uid);
    const replaced = await settled("rel", 3, (now) =>
      now.every((p) => p.metadata?.uid !== victim.metadata?.uid),
    );
    expect(replaced.filter((p) => ps.some((b) => b.metadata?.uid === p.metadata?.uid))).toHaveLength(2);
    await waitFor("status reports 3 replicas", async () => {
      const st = (await getCloneSet(ns, "rel")).status;
      return st?.replicas === 3 && st.readyReplicas === 3 ? st : undefined;
    });
    await waitFor("SuccessfulRelease event", async () => {
      const out = await k([
        "get",
        "events",
        "-n",
        ns,
        "--field-selector",
        "reason=SuccessfulRelease",
        "-o",
        "json",
      ]);
      const items = (JSON.parse(out) as { items: Array<{ message?: string }> }).items;
      return items.find((e) => e.message?.includes(name));
    });
    // Settled: the released pod is never deleted and keeps running.
    await new Promise((r) => setTimeout(r, 2_000));
    const [still] = await getPods(ns, "app=rel-out");
    expect(still?.metadata?.uid).toBe(victim.metadata?.uid);
    expect(still?.metadata?.deletionTimestamp).toBeUndefined();
    expect(still?.status?.phase).toBe("Running");
    expect(await pods("rel")).toHaveLength(3);
    // One release patch, no retries and no delete of the released pod.
    const onVictim = (controller?.writes ?? [])
      .slice(start)
      .filter((w) => w.namespace === ns && w.name === name && w.subresource === undefined);
    expect(onVictim.map((w) => `${w.verb}:${w.code}`)).toEqual(["patch:200"]);
  });
});

describe("update order", () => {
  it("priorityStrategy picks the heaviest pod first, scatterStrategy spreads labelled pods", async () => {
    await applyCs(cloneSet("prio", { replicas: 3 }));
    const ps = await settled("prio", 3);
    const favourite = ps[1]?.metadata?.name ?? "";
    await k(["label", "pod", "-n", ns, favourite, "tier=first"]);
    const strategy = {
      type: "InPlaceIfPossible",
      partition: 2,
      priorityStrategy: {
        weightPriority: [{ weight: 50, matchSelector: { matchLabels: { tier: "first" } } }],
      },
    };
    await applyCs(cloneSet("prio", { replicas: 3, images: { main: "nginx:2" }, updateStrategy: strategy }));
    const updated = await waitFor("one pod updated", async () => {
      const u = (await pods("prio")).filter((p) => image(p) === "nginx:2");
      return u.length === 1 ? u : undefined;
    });
    expect(updated[0]?.metadata?.name).toBe(favourite);

    await applyCs(cloneSet("scatter", { replicas: 4 }));
    const sp = await settled("scatter", 4);
    for (const p of sp.slice(0, 2)) await k(["label", "pod", "-n", ns, p.metadata?.name ?? "", "zone=a"]);
    const scatter = {
      type: "InPlaceIfPossible",
      partition: 2,
      maxUnavailable: "100%",
      priorityStrategy: { weightPriority: [{ weight: 50, matchSelector: { matchLabels: { zone: "a" } } }] },
      scatterStrategy: [{ key: "zone", value: "a" }],
    };
    await applyCs(cloneSet("scatter", { replicas: 4, images: { main: "nginx:2" }, updateStrategy: scatter }));
    const two = await waitFor("two pods updated", async () => {
      const u = (await pods("scatter")).filter((p) => image(p) === "nginx:2");
      return u.length === 2 ? u : undefined;
    });
    // Priority alone would update both zone=a pods; scatter puts one of them first and the other last.
    expect(two.filter((p) => p.metadata?.labels?.zone === "a")).toHaveLength(1);
  });
});

describe("lifecycle hooks", () => {
  const state = (p: Pod | undefined): string | undefined =>
    p?.metadata?.labels?.["lifecycle.apps.kruise.io/state"];

  it("preNormal holds new pods in PreparingNormal until the hook label is present", async () => {
    await applyCs(
      cloneSet("prenormal", { replicas: 1, lifecycle: { preNormal: { labelsHandler: { serve: "true" } } } }),
    );
    const [pod] = await waitFor("a pod", async () =>
      (await pods("prenormal")).length === 1 ? pods("prenormal") : undefined,
    );
    await new Promise((r) => setTimeout(r, 1_500));
    expect(state((await pods("prenormal"))[0])).toBe("PreparingNormal");
    await k(["label", "pod", "-n", ns, pod?.metadata?.name ?? "", "serve=true"]);
    await waitFor("Normal", async () => state((await pods("prenormal"))[0]) === "Normal");
  });

  it("preDelete holds a pod in PreparingDelete until released", async () => {
    const lifecycle = { preDelete: { labelsHandler: { protect: "true" } } };
    await applyCs(cloneSet("predelete", { replicas: 2, lifecycle, labels: { protect: "true" } }));
    await settled("predelete", 2);
    await applyCs(cloneSet("predelete", { replicas: 1, lifecycle, labels: { protect: "true" } }));
    const held = await waitFor("a PreparingDelete pod", async () =>
      (await pods("predelete")).find((p) => state(p) === "PreparingDelete"),
    );
    await new Promise((r) => setTimeout(r, 1_500));
    expect(
      (await getPods(ns, "app=predelete")).some(
        (p) => p.metadata?.name === held.metadata?.name && p.metadata?.deletionTimestamp === undefined,
      ),
    ).toBe(true);
    await k(["label", "pod", "-n", ns, held.metadata?.name ?? "", "protect-"]);
    await waitFor(
      "released pod deleted",
      async () => !(await getPods(ns, "app=predelete")).some((p) => p.metadata?.name === held.metadata?.name),
    );
  });

  it("inPlaceUpdate holds pods in PreparingUpdate until released", async () => {
    const lifecycle = { inPlaceUpdate: { labelsHandler: { drain: "wait" } } };
    const strategy = { type: "InPlaceIfPossible", maxUnavailable: "100%" };
    await applyCs(
      cloneSet("hookip", { replicas: 2, lifecycle, labels: { drain: "wait" }, updateStrategy: strategy }),
    );
    await settled("hookip", 2);
    await applyCs(
      cloneSet("hookip", {
        replicas: 2,
        lifecycle,
        labels: { drain: "wait" },
        images: { main: "nginx:2" },
        updateStrategy: strategy,
      }),
    );
    const waiting = await waitFor("2 PreparingUpdate", async () => {
      const ps = await pods("hookip");
      return ps.every((p) => state(p) === "PreparingUpdate") ? ps : undefined;
    });
    expect(waiting.every((p) => image(p) === "nginx:1")).toBe(true);
    const released = waiting[0]?.metadata?.name ?? "";
    await k(["label", "pod", "-n", ns, released, "drain-"]);
    const done = await waitFor("released pod updated", async () =>
      (await pods("hookip")).find(
        (p) => p.metadata?.name === released && image(p) === "nginx:2" && state(p) === "Updated",
      ),
    );
    expect(done).toBeDefined();
    expect(
      (await pods("hookip")).find((p) => p.metadata?.name !== released)?.spec?.containers[0]?.image,
    ).toBe("nginx:1");
  });
});

describe("PVCs, revisions, progress, scale subresource, idle", () => {
  it("creates PVCs per pod, reuses them for a replacement, deletes them on scale-down", async () => {
    const vct = [
      {
        metadata: { name: "data" },
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
      },
    ];
    await applyCs(cloneSet("vol", { replicas: 2, volumeClaimTemplates: vct }));
    const ps = await waitFor("2 pods", async () =>
      (await getPods(ns, "app=vol")).length === 2 ? getPods(ns, "app=vol") : undefined,
    );
    const pvcNames = async (): Promise<string[]> =>
      (
        JSON.parse(await k(["get", "pvc", "-n", ns, "-l", "app=vol", "-o", "json"])) as {
          items: Array<{ metadata: { name: string; deletionTimestamp?: string } }>;
        }
      ).items
        .filter((p) => p.metadata.deletionTimestamp === undefined)
        .map((p) => p.metadata.name)
        .sort();
    const expected = ps.map((p) => `data-${p.metadata?.name ?? ""}`).sort();
    await waitFor("PVC per pod", async () => JSON.stringify(await pvcNames()) === JSON.stringify(expected));
    for (const p of ps)
      expect(p.spec?.volumes?.find((v) => v.name === "data")?.persistentVolumeClaim?.claimName).toBe(
        `data-${p.metadata?.name ?? ""}`,
      );
    // A pod removed by someone else comes back with the same name, on its PVC.
    const victim = ps[0]?.metadata?.name ?? "";
    await k(["delete", "pod", "-n", ns, victim, "--wait=false"]);
    await waitFor("replacement with the same name", async () => {
      const now = await getPods(ns, "app=vol");
      return (
        now.length === 2 &&
        now.some((p) => p.metadata?.name === victim && p.metadata?.uid !== ps[0]?.metadata?.uid)
      );
    });
    expect(await pvcNames()).toEqual(expected);
    await applyCs(cloneSet("vol", { replicas: 1, volumeClaimTemplates: vct }));
    await waitFor("one pod and one PVC", async () => {
      const now = await getPods(ns, "app=vol");
      const names = await pvcNames();
      return now.length === 1 && names.length === 1 && names[0] === `data-${now[0]?.metadata?.name ?? ""}`;
    });
  });

  it("a rollback to an old template reuses its revision", async () => {
    await applyCs(cloneSet("rb", { replicas: 1 }));
    const first = await converged("rb");
    await applyCs(cloneSet("rb", { replicas: 1, images: { main: "nginx:2" } }));
    const second = await converged("rb");
    expect(second.status?.updateRevision).not.toBe(first.status?.updateRevision);
    await applyCs(cloneSet("rb", { replicas: 1 }));
    const third = await converged("rb");
    expect(third.status?.updateRevision).toBe(first.status?.updateRevision);
    const revs = JSON.parse(
      await k(["get", "controllerrevisions", "-n", ns, "-l", "app=rb", "-o", "json"]),
    ) as { items: Array<{ metadata: { name: string }; revision: number }> };
    expect(revs.items).toHaveLength(2);
    expect(revs.items.find((r) => r.metadata.name === first.status?.updateRevision)?.revision).toBe(3);
    const [pod] = await pods("rb");
    expect(pod?.metadata?.labels?.["controller-revision-hash"]).toBe(first.status?.updateRevision);
  });

  it("the Progressing condition reaches ProgressDeadlineExceeded", async () => {
    await applyCs(
      cloneSet("stuck", {
        replicas: 1,
        minReadySeconds: 0,
        progressDeadlineSeconds: 3,
        annotations: { "testenv.kruise.io/not-ready": "true" },
      }),
    );
    const cs = await waitFor(
      "ProgressDeadlineExceeded",
      async () => {
        const c = await getCloneSet(ns, "stuck");
        const p = c.status?.conditions?.find((x) => x.type === "Progressing");
        return p?.reason === "ProgressDeadlineExceeded" ? c : undefined;
      },
      30_000,
    );
    const cond = cs.status?.conditions?.find((x) => x.type === "Progressing");
    expect(cond?.status).toBe("False");
    expect(cond?.message).toContain("has timed out progressing");
  });

  it("kubectl scale and the scale subresource an HPA uses both work", async () => {
    await applyCs(cloneSet("scl", { replicas: 1 }));
    await settled("scl", 1);
    await k(["scale", "cloneset", "scl", "-n", ns, "--replicas=3"]);
    await settled("scl", 3);
    const scale = JSON.parse(
      await k(["get", "--raw", `/apis/apps.kruise.io/v1alpha1/namespaces/${ns}/clonesets/scl/scale`]),
    ) as { spec: { replicas: number }; status: { replicas: number; selector: string } };
    expect(scale.spec.replicas).toBe(3);
    expect(scale.status.selector).toBe("app=scl");
    await waitFor("status.replicas 3 in scale", async () => {
      const s = JSON.parse(
        await k(["get", "--raw", `/apis/apps.kruise.io/v1alpha1/namespaces/${ns}/clonesets/scl/scale`]),
      ) as typeof scale;
      return s.status.replicas === 3;
    });
    // What the HPA controller does: write spec.replicas through the scale subresource.
    await k([
      "patch",
      "cloneset",
      "scl",
      "-n",
      ns,
      "--subresource=scale",
      "--type=merge",
      "-p",
      '{"spec":{"replicas":2}}',
    ]);
    await settled("scl", 2);
  });

  it("a converged controller makes zero API writes", async () => {
    await applyCs(cloneSet("idle", { replicas: 3, updateStrategy: { type: "InPlaceIfPossible" } }));
    await converged("idle");
    await new Promise((r) => setTimeout(r, 1_500));
    const w = controller?.writes ?? [];
    const start = w.length;
    // An unrelated metadata change makes the controller reconcile everything it owns again.
    await k(["annotate", "cloneset", "idle", "-n", ns, "touched=yes"]);
    await new Promise((r) => setTimeout(r, 4_000));
    const idle = w.slice(start).filter((x) => x.namespace === ns && (x.name ?? "").startsWith("idle"));
    expect(idle).toEqual([]);
  });
});

// The writes each step needs set the controller's pace at a given client QPS (see the README, "Where the time
// goes"); these pin them so a change that adds one shows up here and not only in `npm run bench`.
describe("pod writes per step", () => {
  it("the API server drops status on create, so a readiness gate condition always needs a write of its own", async () => {
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "status-on-create", namespace: ns },
      spec: {
        nodeSelector: { "example.com/no-such-node": "true" },
        readinessGates: [{ conditionType: "InPlaceUpdateReady" }],
        containers: [{ name: "main", image: "nginx:1" }],
      },
      status: { conditions: [{ type: "InPlaceUpdateReady", status: "True" }] },
    };
    await k(["create", "-f", "-"], JSON.stringify(pod));
    const stored = JSON.parse(await k(["get", "pod", "status-on-create", "-n", ns, "-o", "json"])) as Pod;
    expect(stored.status?.conditions?.find((c) => c.type === "InPlaceUpdateReady")).toBeUndefined();
    await k(["delete", "pod", "status-on-create", "-n", ns, "--wait=false"]);
  });

  it("a created pod costs 2, an in-place update 3 and a ReCreate update 4", async () => {
    const writes = controller?.writes ?? [];
    const podWrites = (from: number): number =>
      writes
        .slice(from)
        .filter(
          (w) => w.kind === "Pod" && w.namespace === ns && (w.name ?? "").startsWith("wp-") && w.code < 400,
        ).length;
    const spec = (image: string, type: string): Spec => ({
      replicas: 2,
      images: { main: image },
      updateStrategy: { type, maxUnavailable: 2 },
    });
    // Lets a straggling write land in the phase that made it.
    const quiet = (): Promise<void> => new Promise((r) => setTimeout(r, 1_000));
    const imageIs = (image: string) => (ps: Pod[]) =>
      ps.every((p) => p.status?.containerStatuses?.[0]?.image === image);

    let mark = writes.length;
    await applyCs(cloneSet("wp", spec("nginx:1", "InPlaceIfPossible")));
    await settled("wp", 2);
    await converged("wp");
    await quiet();
    expect(podWrites(mark)).toBe(2 * 2);

    mark = writes.length;
    await applyCs(cloneSet("wp", spec("nginx:2", "InPlaceIfPossible")));
    await settled("wp", 2, imageIs("nginx:2"));
    await converged("wp");
    await quiet();
    expect(podWrites(mark)).toBe(3 * 2);

    mark = writes.length;
    await applyCs(cloneSet("wp", spec("nginx:3", "ReCreate")));
    await settled("wp", 2, imageIs("nginx:3"));
    await converged("wp");
    await quiet();
    expect(podWrites(mark)).toBe(4 * 2);
  });
});
