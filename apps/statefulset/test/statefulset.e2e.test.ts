// Advanced StatefulSet against the real control plane: the controller runs in-process under exactly its RBAC
// rules (so writes can be counted); kube-controller-manager's own StatefulSet controller runs beside it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestNamespace, getTestEnv, waitFor } from "@kruise/testenv/vitest";
import type { StatefulSet } from "@kruise/api";
import type { Pod, PersistentVolumeClaim } from "kubernetes-types/core/v1.js";
import {
  controllerKubeconfig,
  k,
  startInProcessController,
  watchPods,
  type InProcessController,
} from "./support/harness.ts";

let ns = "";
let controller: InProcessController | undefined;

beforeAll(async () => {
  ns = await createTestNamespace("asts");
  controller = await startInProcessController(await controllerKubeconfig(getTestEnv(), ns), ns);
});
afterAll(async () => {
  await controller?.stop();
});

interface Spec {
  replicas?: number;
  image?: string;
  podManagementPolicy?: "OrderedReady" | "Parallel";
  rollingUpdate?: Record<string, unknown>;
  updateType?: "RollingUpdate" | "OnDelete";
  inPlaceGate?: boolean;
  claims?: { storageClassName: string };
  reserveOrdinals?: (number | string)[];
  retention?: Record<string, string>;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  lifecycle?: Record<string, unknown>;
}

function asts(name: string, s: Spec, apiVersion = "apps.kruise.io/v1beta1"): StatefulSet {
  return {
    apiVersion: apiVersion as "apps.kruise.io/v1beta1",
    kind: "StatefulSet",
    metadata: { name, namespace: ns },
    spec: {
      replicas: s.replicas ?? 3,
      serviceName: name,
      podManagementPolicy: s.podManagementPolicy ?? "OrderedReady",
      selector: { matchLabels: { app: name } },
      template: {
        metadata: {
          labels: { app: name, ...(s.labels ?? {}) },
          ...(s.annotations ? { annotations: s.annotations } : {}),
        },
        spec: {
          ...(s.inPlaceGate ? { readinessGates: [{ conditionType: "InPlaceUpdateReady" }] } : {}),
          containers: [
            {
              name: "main",
              image: s.image ?? "nginx:1",
              ...(s.claims ? { volumeMounts: [{ name: "data", mountPath: "/data" }] } : {}),
            },
          ],
        },
      },
      ...(s.claims
        ? {
            volumeClaimTemplates: [
              {
                metadata: { name: "data" },
                spec: {
                  accessModes: ["ReadWriteOnce"],
                  storageClassName: s.claims.storageClassName,
                  resources: { requests: { storage: "1Gi" } },
                },
              },
            ],
          }
        : {}),
      updateStrategy: {
        type: s.updateType ?? "RollingUpdate",
        ...(s.updateType === "OnDelete" ? {} : { rollingUpdate: s.rollingUpdate ?? {} }),
      },
      ...(s.reserveOrdinals ? { reserveOrdinals: s.reserveOrdinals } : {}),
      ...(s.retention ? { persistentVolumeClaimRetentionPolicy: s.retention } : {}),
      ...(s.lifecycle ? { lifecycle: s.lifecycle } : {}),
    },
  };
}

const apply = (obj: object): Promise<string> =>
  k(["apply", "--server-side", "--force-conflicts", "-f", "-"], JSON.stringify(obj));
const ordinalOf = (p: Pod): number => Number((p.metadata?.name ?? "").split("-").at(-1));
async function pods(set: string, namespace = ns): Promise<Pod[]> {
  const out = JSON.parse(await k(["get", "pods", "-n", namespace, "-l", `app=${set}`, "-o", "json"])) as {
    items: Pod[];
  };
  return out.items
    .filter((p) => p.metadata?.deletionTimestamp === undefined)
    .sort((a, b) => ordinalOf(a) - ordinalOf(b));
}
async function claims(namespace = ns): Promise<PersistentVolumeClaim[]> {
  return (
    JSON.parse(await k(["get", "pvc", "-n", namespace, "-o", "json"])) as { items: PersistentVolumeClaim[] }
  ).items;
}
async function getSet(name: string, version = "v1beta1"): Promise<StatefulSet> {
  return JSON.parse(
    await k(["get", `statefulsets.${version}.apps.kruise.io`, name, "-n", ns, "-o", "json"]),
  ) as StatefulSet;
}
const isReady = (p: Pod): boolean =>
  p.status?.phase === "Running" &&
  p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;
const names = (ps: Pod[]): string[] => ps.map((p) => p.metadata?.name ?? "");
const image = (p: Pod): string | undefined => p.spec?.containers[0]?.image;
async function readyPods(
  set: string,
  n: number,
  check: (ps: Pod[]) => boolean = () => true,
  namespace = ns,
): Promise<Pod[]> {
  return waitFor(
    `${n} ready pods of ${set}`,
    async () => {
      const ps = await pods(set, namespace);
      return ps.length === n && ps.every(isReady) && check(ps) ? ps : undefined;
    },
    90_000,
    250,
  );
}
async function converged(name: string): Promise<StatefulSet> {
  return waitFor(
    `${name} status converged`,
    async () => {
      const s = await getSet(name);
      const st = s.status;
      return st?.observedGeneration === s.metadata?.generation &&
        st?.readyReplicas === s.spec?.replicas &&
        st?.updatedReplicas === s.spec?.replicas &&
        st?.currentRevision === st?.updateRevision
        ? s
        : undefined;
    },
    90_000,
    250,
  );
}

// The waits inside allow up to 90-120 s under a loaded machine; the default 60 s test timeout would cut them short.
describe("Advanced StatefulSet", { timeout: 180_000 }, () => {
  it("Parallel: web-0..2 each with its PVC <claim>-<set>-<n>, created before the pod, with the identity labels", async () => {
    await apply(asts("web", { podManagementPolicy: "Parallel", claims: { storageClassName: "unbound" } }));
    const ps = await waitFor("3 pods", async () => {
      const got = await pods("web");
      return got.length === 3 ? got : undefined;
    });
    expect(names(ps)).toEqual(["web-0", "web-1", "web-2"]);
    const pvcs = new Map((await claims()).map((c) => [c.metadata?.name ?? "", c]));
    for (const p of ps) {
      const name = p.metadata?.name ?? "";
      expect(p.spec?.hostname).toBe(name);
      expect(p.spec?.subdomain).toBe("web");
      expect(p.metadata?.labels?.["statefulset.kubernetes.io/pod-name"]).toBe(name);
      expect(p.metadata?.labels?.["apps.kubernetes.io/pod-index"]).toBe(String(ordinalOf(p)));
      expect(p.metadata?.labels?.["controller-revision-hash"]).toMatch(/^web-[a-z0-9]+$/);
      expect(p.spec?.volumes?.find((v) => v.name === "data")?.persistentVolumeClaim?.claimName).toBe(
        `data-${name}`,
      );
      const claim = pvcs.get(`data-${name}`);
      expect(claim?.metadata?.labels?.app).toBe("web");
      expect(claim?.metadata?.ownerReferences ?? []).toEqual([]); // Retain/Retain: nobody owns it
      expect(Date.parse(claim?.metadata?.creationTimestamp ?? "")).toBeLessThanOrEqual(
        Date.parse(p.metadata?.creationTimestamp ?? ""),
      );
    }
    // A deleted claim of a Pending pod is recreated.
    await k(["delete", "pvc", "data-web-1", "-n", ns, "--wait=false"]);
    await k([
      "patch",
      "pvc",
      "data-web-1",
      "-n",
      ns,
      "--type=merge",
      "-p",
      '{"metadata":{"finalizers":null}}',
    ]).catch(() => "");
    await waitFor("data-web-1 recreated", async () =>
      (await claims()).some(
        (c) => c.metadata?.name === "data-web-1" && c.metadata.deletionTimestamp === undefined,
      ),
    );
  });

  it("Parallel + InPlaceIfPossible of 3: an image change updates in place (same UIDs, restartCount 1), at most maxUnavailable at a time", async () => {
    // Pods with claims only start where claims bind: with a StorageClass (real nodes' provisioner) use one.
    const classes = (await k(["get", "storageclass", "-o", "name"])).trim();
    const storageClassName =
      classes === "" ? undefined : classes.split("\n")[0]?.replace("storageclass.storage.k8s.io/", "");
    const spec: Spec = {
      podManagementPolicy: "Parallel",
      inPlaceGate: true,
      rollingUpdate: { podUpdatePolicy: "InPlaceIfPossible", maxUnavailable: 2 },
      ...(storageClassName !== undefined ? { claims: { storageClassName } } : {}),
    };
    await apply(asts("inp", spec));
    const before = await readyPods("inp", 3);
    expect(names(before)).toEqual(["inp-0", "inp-1", "inp-2"]);
    await converged("inp");
    const uids = before.map((p) => p.metadata?.uid);
    let maxNotReady = 0;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const ps = await pods("inp");
        maxNotReady = Math.max(maxNotReady, ps.filter((p) => !isReady(p)).length);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    await apply(asts("inp", { ...spec, image: "nginx:2" }));
    const after = await readyPods("inp", 3, (ps) =>
      ps.every((p) => p.status?.containerStatuses?.[0]?.image === "nginx:2"),
    );
    watching = false;
    await watcher;
    expect(after.map((p) => p.metadata?.uid)).toEqual(uids);
    expect(after.map((p) => p.status?.containerStatuses?.[0]?.restartCount)).toEqual([1, 1, 1]);
    expect(maxNotReady).toBeLessThanOrEqual(2);
    const set = await converged("inp");
    expect(set.status?.updatedReadyReplicas).toBe(3);
  });

  it("OrderedReady creates one pod at a time and a not-Ready pod blocks the next; scale-down removes the highest ordinal first", async () => {
    await apply(asts("ord", { annotations: { "testenv.kruise.io/not-ready": "true" } }));
    await waitFor("ord-0", async () => names(await pods("ord")).join() === "ord-0");
    await new Promise((r) => setTimeout(r, 1500));
    expect(names(await pods("ord"))).toEqual(["ord-0"]);
    for (let i = 0; i < 3; i++) {
      await k(["annotate", "pod", `ord-${i}`, "-n", ns, "testenv.kruise.io/not-ready-"]);
      await waitFor(`ord-${i} ready`, async () =>
        (await pods("ord")).find((p) => p.metadata?.name === `ord-${i}` && isReady(p)),
      );
      if (i < 2)
        await waitFor(`ord-${i + 1}`, async () =>
          (await pods("ord")).some((p) => p.metadata?.name === `ord-${i + 1}`),
        );
    }
    const watch = await watchPods(getTestEnv(), ns);
    await k(["scale", "statefulsets.apps.kruise.io", "ord", "-n", ns, "--replicas=1"]);
    await waitFor("scaled to 1", async () => names(await pods("ord")).join() === "ord-0", 60_000);
    watch.stop();
    expect(watch.events.filter((e) => e.type === "terminating").map((e) => e.name)).toEqual([
      "ord-2",
      "ord-1",
    ]);
  });

  it("partition 2 updates only ordinals >= 2", async () => {
    const spec: Spec = { replicas: 4, podManagementPolicy: "Parallel", rollingUpdate: { partition: 2 } };
    await apply(asts("part", spec));
    await readyPods("part", 4);
    await apply(asts("part", { ...spec, image: "nginx:2" }));
    const ps = await readyPods(
      "part",
      4,
      (p) => image(p[2] as Pod) === "nginx:2" && image(p[3] as Pod) === "nginx:2",
    );
    expect(ps.map(image)).toEqual(["nginx:1", "nginx:1", "nginx:2", "nginx:2"]);
    const set = await waitFor("status", async () => {
      const s = await getSet("part");
      return s.status?.updatedReplicas === 2 && s.status.readyReplicas === 4 ? s : undefined;
    });
    expect(set.status?.currentRevision).not.toBe(set.status?.updateRevision);
  });

  it("reserveOrdinals [1] with 3 replicas gives web-0, web-2, web-3; a range skips several", async () => {
    await apply(asts("res", { podManagementPolicy: "Parallel", reserveOrdinals: [1] }));
    expect(names(await readyPods("res", 3))).toEqual(["res-0", "res-2", "res-3"]);
    await apply(asts("res", { podManagementPolicy: "Parallel", reserveOrdinals: ["1-2"] }));
    expect(names(await readyPods("res", 3, (ps) => names(ps).join() === "res-0,res-3,res-4"))).toEqual([
      "res-0",
      "res-3",
      "res-4",
    ]);
  });

  it("whenScaled: Delete deletes the claims of removed ordinals; Retain keeps them", async () => {
    for (const [set, whenScaled] of [
      ["del", "Delete"],
      ["ret", "Retain"],
    ] as const) {
      await apply(
        asts(set, {
          podManagementPolicy: "Parallel",
          claims: { storageClassName: "none" },
          retention: { whenScaled },
        }),
      );
      await waitFor(
        `${set} claims`,
        async () => (await claims()).filter((c) => c.metadata?.name?.startsWith(`data-${set}-`)).length === 3,
      );
      await waitFor(`${set} pods`, async () => (await pods(set)).length === 3);
      await k(["scale", "statefulsets.apps.kruise.io", set, "-n", ns, "--replicas=1"]);
      await waitFor(`${set} scaled down`, async () => (await pods(set)).length === 1);
    }
    await waitFor("Delete removed data-del-1 and data-del-2", async () => {
      const left = (await claims()).filter(
        (c) => c.metadata?.name?.startsWith("data-del-") && c.metadata.deletionTimestamp === undefined,
      );
      return left.map((c) => c.metadata?.name).join() === "data-del-0";
    });
    const kept = (await claims())
      .filter((c) => c.metadata?.name?.startsWith("data-ret-"))
      .map((c) => c.metadata?.name);
    expect(kept.sort()).toEqual(["data-ret-0", "data-ret-1", "data-ret-2"]);
  });

  it("v1alpha1: the same object is read and applied as v1alpha1 (its lossy subset)", async () => {
    await apply(asts("alpha", { podManagementPolicy: "Parallel", replicas: 2 }, "apps.kruise.io/v1alpha1"));
    await readyPods("alpha", 2);
    const alpha = await getSet("alpha", "v1alpha1");
    expect(alpha.apiVersion).toBe("apps.kruise.io/v1alpha1");
    expect(alpha.status?.readyReplicas).toBe(2);
    expect(alpha.status?.updatedReadyReplicas).toBeUndefined(); // v1beta1-only status field
    expect((await getSet("alpha")).status?.updatedReadyReplicas).toBe(2);
    await apply(asts("alpha", { podManagementPolicy: "Parallel", replicas: 3 }, "apps.kruise.io/v1alpha1"));
    expect(names(await readyPods("alpha", 3))).toEqual(["alpha-0", "alpha-1", "alpha-2"]);
  });

  it("OnDelete: a template change waits until a pod is deleted, which comes back at the new revision", async () => {
    const spec: Spec = { replicas: 2, podManagementPolicy: "Parallel", updateType: "OnDelete" };
    await apply(asts("ondel", spec));
    await readyPods("ondel", 2);
    await apply(asts("ondel", { ...spec, image: "nginx:2" }));
    await waitFor("new revision in status", async () => {
      const st = (await getSet("ondel")).status;
      return st?.updateRevision !== st?.currentRevision;
    });
    await new Promise((r) => setTimeout(r, 1000));
    expect((await pods("ondel")).map(image)).toEqual(["nginx:1", "nginx:1"]);
    await k(["delete", "pod", "ondel-1", "-n", ns, "--wait=false"]);
    const ps = await readyPods("ondel", 2, (p) => image(p[1] as Pod) === "nginx:2");
    expect(ps.map(image)).toEqual(["nginx:1", "nginx:2"]);
  });

  it("a preDelete hook holds a scaled-down pod in PreparingDelete until the hook lets go", async () => {
    const spec: Spec = {
      replicas: 2,
      podManagementPolicy: "Parallel",
      labels: { hold: "true" },
      lifecycle: { preDelete: { labelsHandler: { hold: "true" } } },
    };
    await apply(asts("hook", spec));
    const ready = await readyPods("hook", 2);
    expect(ready.map((p) => p.metadata?.labels?.["lifecycle.apps.kruise.io/state"])).toEqual([
      "Normal",
      "Normal",
    ]);
    await k(["scale", "statefulsets.apps.kruise.io", "hook", "-n", ns, "--replicas=1"]);
    await waitFor("hook-1 PreparingDelete", async () =>
      (await pods("hook")).find(
        (p) =>
          p.metadata?.name === "hook-1" &&
          p.metadata.labels?.["lifecycle.apps.kruise.io/state"] === "PreparingDelete",
      ),
    );
    await new Promise((r) => setTimeout(r, 1000));
    expect(names(await pods("hook"))).toEqual(["hook-0", "hook-1"]);
    await k(["label", "pod", "hook-1", "-n", ns, "hold-"]);
    await waitFor("hook-1 deleted", async () => names(await pods("hook")).join() === "hook-0");
  });

  it("releases a pod relabelled out of the selector; once it is gone its ordinal comes back", async () => {
    await apply(asts("rel", { replicas: 2, podManagementPolicy: "Parallel" }));
    const uid = (await getSet("rel")).metadata?.uid ?? "";
    const [, second] = await readyPods("rel", 2);
    await k(["label", "pod", second?.metadata?.name ?? "", "-n", ns, "app=elsewhere", "--overwrite"]);
    await waitFor(
      "rel-1 released",
      async () => {
        const pod = JSON.parse(await k(["get", "pod", "rel-1", "-n", ns, "-o", "json"])) as Pod;
        return !(pod.metadata?.ownerReferences ?? []).some((r) => r.uid === uid);
      },
      60_000,
      250,
    );
    // Events are sent in the background: wait for it.
    const released = [
      "get",
      "events",
      "-n",
      ns,
      "--field-selector",
      "reason=SuccessfulRelease",
      "-o",
      "name",
    ];
    await waitFor("a SuccessfulRelease event", async () => (await k(released)).trim() !== "", 30_000, 250);
    await k(["delete", "pod", "rel-1", "-n", ns, "--wait=false"]);
    const back = await readyPods("rel", 2);
    expect(back[1]?.metadata?.uid).not.toBe(second?.metadata?.uid);
  });

  it("converged means zero writes", async () => {
    await converged("inp");
    await converged("res");
    await converged("alpha");
    await new Promise((r) => setTimeout(r, 1000));
    const start = controller?.writes.length ?? 0;
    await new Promise((r) => setTimeout(r, 3000));
    const writes = controller?.writes.slice(start) ?? [];
    expect(writes.map((w) => `${w.verb} ${w.kind} ${w.name ?? ""}`)).toEqual([]);
  });
});

describe("a plain StatefulSet manifest, apiVersion changed", { timeout: 300_000 }, () => {
  it("behaves like kube-controller-manager's StatefulSet: same pod names, creation order and update sequence", async () => {
    const kcmNs = await createTestNamespace("asts-kcm");
    const plain = (namespace: string, apiVersion: string, img: string): object => ({
      apiVersion,
      kind: "StatefulSet",
      metadata: { name: "db", namespace },
      spec: {
        replicas: 3,
        serviceName: "db",
        selector: { matchLabels: { app: "db" } },
        template: {
          metadata: { labels: { app: "db" } },
          spec: { containers: [{ name: "main", image: img }] },
        },
      },
    });
    /** Applies, then records the order in which pods are created and start terminating until `done`. */
    async function sequence(
      namespace: string,
      apiVersion: string,
      img: string,
      done: (ps: Pod[]) => boolean,
    ): Promise<string[]> {
      const watch = await watchPods(getTestEnv(), namespace);
      await apply(plain(namespace, apiVersion, img));
      try {
        await waitFor(
          `${apiVersion} db in ${namespace}`,
          async () => {
            const ps = await pods("db", namespace);
            return ps.length === 3 && ps.every(isReady) && done(ps);
          },
          120_000,
          100,
        );
      } finally {
        watch.stop();
      }
      return watch.events.filter((e) => e.name.startsWith("db-")).map((e) => `${e.type} ${e.name}`);
    }
    const all = (img: string) => (ps: Pod[]) => ps.every((p) => image(p) === img);
    const [kcmCreate, oursCreate] = await Promise.all([
      sequence(kcmNs, "apps/v1", "nginx:1", all("nginx:1")),
      sequence(ns, "apps.kruise.io/v1beta1", "nginx:1", all("nginx:1")),
    ]);
    expect(oursCreate).toEqual(kcmCreate);
    expect(oursCreate).toEqual(["created db-0", "created db-1", "created db-2"]);
    const [kcmUpdate, oursUpdate] = await Promise.all([
      sequence(kcmNs, "apps/v1", "nginx:2", all("nginx:2")),
      sequence(ns, "apps.kruise.io/v1beta1", "nginx:2", all("nginx:2")),
    ]);
    expect(oursUpdate).toEqual(kcmUpdate);
    expect(oursUpdate).toEqual(["db-2", "db-1", "db-0"].flatMap((n) => [`terminating ${n}`, `created ${n}`]));
    const label = (p: Pod) => [
      p.metadata?.name,
      p.spec?.hostname,
      p.spec?.subdomain,
      p.metadata?.labels?.["statefulset.kubernetes.io/pod-name"],
      p.metadata?.labels?.["apps.kubernetes.io/pod-index"],
    ];
    expect((await pods("db", ns)).map(label)).toEqual((await pods("db", kcmNs)).map(label));
  });
});
