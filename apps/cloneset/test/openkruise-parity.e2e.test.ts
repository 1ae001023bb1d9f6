// Small things an OpenKruise user or tool notices, against the real control plane: each failed before.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestNamespace, getTestEnv, waitFor } from "@kruise/testenv/vitest";
import type { CloneSet } from "@kruise/api";
import type { Event, Pod } from "kubernetes-types/core/v1.js";
import { KNOWN_FEATURE_GATES, parseFeatureGates } from "../src/feature-gates.ts";
import { controllerKubeconfig } from "./support/controller-identity.ts";
import { startInProcessController, type InProcessController } from "./support/in-process.ts";
import { active, getCloneSet, getPods, isReady, k } from "./support/kube.ts";

let ns = "";
let controller: InProcessController | undefined;
/** Cluster-scoped objects and node labels a test made, undone after the file. */
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  ns = await createTestNamespace("cs-parity");
  controller = await startInProcessController({
    kubeconfig: await controllerKubeconfig(getTestEnv(), ns),
    namespace: ns,
  });
});
afterAll(async () => {
  await controller?.stop();
  for (const undo of cleanups.reverse()) await undo().catch(() => undefined);
});

const failedScale = (cs: CloneSet) => cs.status?.conditions?.find((c) => c.type === "FailedScale");

async function running(name: string, n: number): Promise<Pod[]> {
  return waitFor(`${n} ready pods of ${name}`, async () => {
    const ps = active(await getPods(ns, `app=${name}`));
    return ps.length === n && ps.every((p) => isReady(p) && p.spec?.nodeName !== undefined) ? ps : undefined;
  });
}

function cloneSet(
  name: string,
  extra: Record<string, unknown> = {},
  annotations: Record<string, string> = {},
): string {
  return JSON.stringify({
    apiVersion: "apps.kruise.io/v1alpha1",
    kind: "CloneSet",
    metadata: { name, namespace: ns },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations },
        spec: { containers: [{ name: "main", image: "nginx:1" }] },
      },
      ...extra,
    },
  });
}

describe("OpenKruise parity", () => {
  it("feature gates default as OpenKruise's: PreDownloadImageForInPlaceUpdate is off", () => {
    expect(KNOWN_FEATURE_GATES.PreDownloadImageForInPlaceUpdate).toBe(false);
    expect(parseFeatureGates("PreDownloadImageForInPlaceUpdate=true").PreDownloadImageForInPlaceUpdate).toBe(
      true,
    );
  });

  it("pods carry generateName <cloneset>-, as OpenKruise creates them", async () => {
    await k(["apply", "-f", "-"], cloneSet("named", { replicas: 1 }));
    const pods = await waitFor("a pod", async () => {
      const ps = active(await getPods(ns, "app=named"));
      return ps.length === 1 ? ps : undefined;
    });
    expect(pods[0]?.metadata?.generateName).toBe("named-");
    expect(pods[0]?.metadata?.name).toMatch(/^named-[a-z0-9]{5}$/);
  });

  it("ScaleUpLimited is a Warning worded as OpenKruise words it", async () => {
    // Pods that never turn ready hold scale-up at scaleStrategy.maxUnavailable.
    await k(
      ["apply", "-f", "-"],
      cloneSet(
        "limited",
        { scaleStrategy: { maxUnavailable: 1 } },
        { "testenv.kruise.io/not-ready": "true" },
      ),
    );
    const event = await waitFor("a ScaleUpLimited event", async () => {
      const list = JSON.parse(
        await k(["get", "events", "-n", ns, "--field-selector", "reason=ScaleUpLimited", "-o", "json"]),
      ) as { items: Event[] };
      return list.items.find((e) => e.involvedObject.name === "limited");
    });
    expect(event.type).toBe("Warning");
    expect(event.message).toMatch(/^scaleUp is limited because of scaleStrategy.maxUnavailable, limit: \d+$/);
  });

  it("scale-down empties the most crowded topologySpreadConstraints domain first, not the smallest", async () => {
    // Three pods on three nodes; the youngest alone in zone b, the other two in zone a. Scaling 3 → 2 must take a
    // pod from zone a (OpenKruise's spread-constraints ranker); age alone would delete the youngest, emptying b.
    const key = `parity.kruise.io/zone-${ns}`;
    const spec = (replicas: number) => ({
      replicas,
      template: {
        metadata: { labels: { app: "spread" } },
        spec: {
          containers: [{ name: "main", image: "nginx:1" }],
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: key,
              whenUnsatisfiable: "ScheduleAnyway",
              labelSelector: { matchLabels: { app: "spread" } },
            },
          ],
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { app: "spread" } } },
              ],
            },
          },
        },
      },
    });
    await k(["apply", "-f", "-"], cloneSet("spread", spec(2)));
    const older = await running("spread", 2);
    await k(["apply", "-f", "-"], cloneSet("spread", spec(3)));
    const all = await running("spread", 3);
    const youngest = all.find((p) => !older.some((o) => o.metadata?.uid === p.metadata?.uid)) as Pod;
    for (const p of all) {
      const node = p.spec?.nodeName ?? "";
      const zone = p === youngest ? "b" : "a";
      await k(["label", "node", node, `${key}=${zone}`, "--overwrite"]);
      cleanups.push(() => k(["label", "node", node, `${key}-`]));
    }
    await k(["apply", "-f", "-"], cloneSet("spread", spec(2)));
    const after = await waitFor("2 pods", async () => {
      const ps = active(await getPods(ns, "app=spread"));
      return ps.length === 2 ? ps : undefined;
    });
    expect(after.map((p) => p.metadata?.uid)).toContain(youngest.metadata?.uid);
  });

  it("a scale step that creates nothing (a full ResourceQuota) does not hold the update wave", async () => {
    // The quota counts only this CloneSet's pods (a PriorityClass scope), so other tests are not affected.
    const priority = `parity-quota-${ns}`;
    await k(
      ["apply", "-f", "-"],
      JSON.stringify({
        apiVersion: "scheduling.k8s.io/v1",
        kind: "PriorityClass",
        metadata: { name: priority },
        value: 0,
      }),
    );
    cleanups.push(() => k(["delete", "priorityclass", priority, "--wait=false"]));
    await k(
      ["apply", "-f", "-"],
      JSON.stringify({
        apiVersion: "v1",
        kind: "ResourceQuota",
        metadata: { name: "two-pods", namespace: ns },
        spec: {
          hard: { pods: "2" },
          scopeSelector: {
            matchExpressions: [{ scopeName: "PriorityClass", operator: "In", values: [priority] }],
          },
        },
      }),
    );
    // The test cluster runs no resource-quota controller: seed the status it would write; the quota admission
    // plugin then counts each admitted pod into status.used itself, and refuses the third.
    await k([
      "patch",
      "resourcequota",
      "two-pods",
      "-n",
      ns,
      "--subresource=status",
      "--type=merge",
      "-p",
      JSON.stringify({ status: { hard: { pods: "2" }, used: { pods: "0" } } }),
    ]);
    await waitFor("the quota's status", async () => {
      const q = JSON.parse(await k(["get", "resourcequota", "two-pods", "-n", ns, "-o", "json"])) as {
        status?: { hard?: Record<string, string> };
      };
      return q.status?.hard?.pods === "2";
    });
    const spec = (image: string) => ({
      replicas: 3,
      // One pod short already: maxUnavailable 2 leaves room to update one at a time (OpenKruise's
      // maxUnavailable + pods - replicas).
      updateStrategy: { type: "InPlaceIfPossible", maxUnavailable: 2 },
      template: {
        metadata: { labels: { app: "quota" } },
        spec: { priorityClassName: priority, containers: [{ name: "main", image }] },
      },
    });
    await k(["apply", "-f", "-"], cloneSet("quota", spec("nginx:1")));
    await running("quota", 2);
    await waitFor("FailedScale", async () => failedScale(await getCloneSet(ns, "quota")) !== undefined);
    await k(["apply", "-f", "-"], cloneSet("quota", spec("nginx:2")));
    await waitFor("the 2 pods updated in place while the third is still refused", async () => {
      const ps = active(await getPods(ns, "app=quota"));
      return ps.length === 2 && ps.every((p) => p.spec?.containers[0]?.image === "nginx:2");
    });
    expect(failedScale(await getCloneSet(ns, "quota"))?.message).toMatch(/exceeded quota/);
  });

  it("a Failed pod holding PVCs shows as FailedScale, and the other pods still update", async () => {
    // OpenKruise hands the Failed pod's instance id (and PVCs) to its replacement, whose create is refused while
    // the Failed pod exists: FailedScale, and the update wave goes on.
    const spec = (image: string) => ({
      replicas: 3,
      // One pod is Failed: two may be unavailable, so the update still has room for one at a time.
      updateStrategy: { type: "InPlaceIfPossible", maxUnavailable: 2 },
      volumeClaimTemplates: [
        {
          metadata: { name: "data" },
          spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
        },
      ],
      template: {
        metadata: { labels: { app: "failedpvc" } },
        spec: { containers: [{ name: "main", image }] },
      },
    });
    await k(["apply", "-f", "-"], cloneSet("failedpvc", spec("nginx:1")));
    const [victim, ...others] = await running("failedpvc", 3);
    const name = victim?.metadata?.name ?? "";
    // Freeze the pod in the simulated kubelet, then mark it Failed as a kubelet would after an eviction.
    await k(["annotate", "pod", "-n", ns, name, "testenv.kruise.io/hold=true"]);
    await k([
      "patch",
      "pod",
      "-n",
      ns,
      name,
      "--subresource=status",
      "--type=merge",
      "-p",
      JSON.stringify({ status: { phase: "Failed", reason: "Evicted" } }),
    ]);
    const condition = await waitFor("FailedScale naming the Failed pod", async () => {
      const c = failedScale(await getCloneSet(ns, "failedpvc"));
      return c?.message?.includes("already exists") === true ? c : undefined;
    });
    expect(condition.status).toBe("True");
    await k(["apply", "-f", "-"], cloneSet("failedpvc", spec("nginx:2")));
    await waitFor("the other pods updated in place", async () => {
      const ps = await getPods(ns, "app=failedpvc");
      return others.every((o) =>
        ps.some((p) => p.metadata?.uid === o.metadata?.uid && p.spec?.containers[0]?.image === "nginx:2"),
      );
    });
    await k(["annotate", "pod", "-n", ns, name, "testenv.kruise.io/hold-"]);
  });
});
