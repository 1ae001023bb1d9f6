// The first user's walkthrough (/work/shared/scenarios/seed-walkthrough/README.md), every step through the real
// kubectl against the real control plane, with the controller running as a child process under exactly its RBAC;
// once as written (v1alpha1) and once in v1beta1 form.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestNamespace, getTestEnv, waitFor } from "@kruise/testenv/vitest";
import { EventBus } from "@kruise/sdk";
import type { Pod } from "kubernetes-types/core/v1.js";
import { controllerKubeconfig } from "./support/controller-identity.ts";
import { startControllerProcess, type ControllerProcess } from "./support/controller-process.ts";
import { active, apply, getCloneSet, getPods, isReady, k, readySince } from "./support/kube.ts";

const EXAMPLES = resolve(import.meta.dirname, "../../../examples");

// The same steps in OpenKruise 1.x's YAML (v1alpha1) and in its v1beta1 form (examples/v1beta1/walkthrough): the
// controller reads v1alpha1, so a v1beta1 step goes through the conversion webhook on the way in.
describe.each([
  ["v1alpha1", resolve(EXAMPLES, "walkthrough")],
  ["v1beta1", resolve(EXAMPLES, "v1beta1", "walkthrough")],
])("the first user's walkthrough, written as %s", { timeout: 200_000 }, (_version, dir) => {
  const manifest = (file: string): string => readFileSync(resolve(dir, file), "utf8");
  let ns = "";
  let controller: ControllerProcess | undefined;
  let bus: EventBus | undefined;
  const natsEvents: Array<{ type: string; id: string }> = [];
  const identity = new Map<string, { uid: string; ip: string; node: string; restarts: number }>();

  beforeAll(async () => {
    const info = getTestEnv();
    ns = await createTestNamespace("cs-walkthrough");
    const kubeconfig = await controllerKubeconfig(info, ns);
    if (info.natsUrl !== undefined) {
      bus = EventBus.start({ servers: info.natsUrl, source: "walkthrough-test" });
      bus.subscribe(`kruise.cloneset.${ns}.demo.>`, (e) => void natsEvents.push({ type: e.type, id: e.id }));
    }
    // The image pre-download gate is alpha and off by default, as in OpenKruise (whose e2e turns all gates on).
    controller = startControllerProcess({
      kubeconfig,
      namespace: ns,
      natsUrl: info.natsUrl,
      extra: ["--feature-gates=PreDownloadImageForInPlaceUpdate=true"],
    });
  });

  afterAll(async () => {
    await controller?.stop();
    await bus?.close();
  });

  const readyPods = async (n: number): Promise<Pod[] | undefined> => {
    const pods = active(await getPods(ns, "app=cs"));
    return pods.length === n && pods.every(isReady) ? pods : undefined;
  };

  it("step 1: deploys 3 pods owned by the CloneSet itself, with get columns and an Event per pod", async () => {
    await apply(ns, manifest("01-deploy.yaml"));
    const pods = await waitFor("3 ready pods", () => readyPods(3), 60_000);
    for (const pod of pods) {
      expect(pod.metadata?.name).toMatch(/^demo-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(pod.metadata?.ownerReferences?.[0]).toMatchObject({
        kind: "CloneSet",
        name: "demo",
        controller: true,
      });
      expect(pod.metadata?.labels?.["apps.kruise.io/cloneset-instance-id"]).toBe(
        pod.metadata?.name?.slice(5),
      );
      expect(pod.spec?.readinessGates).toContainEqual({ conditionType: "InPlaceUpdateReady" });
    }
    expect(await k(["get", "replicasets", "-n", ns, "--no-headers"])).toBe("");
    const table = await waitFor("status 3/3 in kubectl get", async () => {
      const out = await k(["get", "cloneset", "demo", "-n", ns]);
      return /DESIRED\s+UPDATED\s+UPDATED_READY/.test(out) && /^demo\s+3\s+3\s+3\s+3\s+3\s+3/m.test(out)
        ? out
        : undefined;
    });
    expect(table).toContain("UPDATED_AVAILABLE");
    const described = await waitFor("an Event per created pod", async () => {
      const out = await k(["describe", "cloneset", "demo", "-n", ns]);
      return pods.every((p) => out.includes(`succeed to create pod ${p.metadata?.name ?? ""}`))
        ? out
        : undefined;
    });
    expect(described).toMatch(/SuccessfulCreate\s+\S+\s+cloneset-controller/);
  });

  it("step 2: scales 3 → 5 one pod at a time, each after the previous was ready for 30 s", async () => {
    const before = new Set((await getPods(ns, "app=cs")).map((p) => p.metadata?.name));
    await apply(ns, manifest("02-scale-up.yaml"));
    const pods = await waitFor("5 ready pods", () => readyPods(5), 150_000, 1_000);
    const added = pods
      .filter((p) => !before.has(p.metadata?.name))
      .sort(
        (a, b) =>
          Date.parse(a.metadata?.creationTimestamp ?? "") - Date.parse(b.metadata?.creationTimestamp ?? ""),
      );
    expect(added).toHaveLength(2);
    const [first, second] = added as [Pod, Pod];
    // The second pod is created only once the first has been ready for minReadySeconds (1 s for timestamp rounding).
    expect(Date.parse(second.metadata?.creationTimestamp ?? "")).toBeGreaterThanOrEqual(
      readySince(first) + 29_000,
    );
    // And the first only after the original pods were available.
    const originals = pods.filter((p) => before.has(p.metadata?.name));
    const lastOriginalReady = Math.max(...originals.map(readySince));
    expect(Date.parse(first.metadata?.creationTimestamp ?? "")).toBeGreaterThanOrEqual(
      lastOriginalReady + 29_000,
    );
  });

  it("step 3: replicas 5 → 4 with podsToDelete deletes exactly the named pod", async () => {
    const pods = active(await getPods(ns, "app=cs"));
    const victim = pods[2]?.metadata?.name ?? "";
    const others = pods.map((p) => p.metadata?.name).filter((n) => n !== victim);
    await apply(ns, manifest("03-scale-down-podsToDelete.yaml").replace("demo-9gmzs", victim));
    const after = await waitFor(
      "the named pod gone and 4 left",
      async () => {
        const now = await getPods(ns, "app=cs");
        return now.length === 4 && !now.some((p) => p.metadata?.name === victim) ? now : undefined;
      },
      60_000,
    );
    expect(after.map((p) => p.metadata?.name).sort()).toEqual([...others].sort());
    // The controller removes names of pods that no longer exist from podsToDelete.
    await waitFor(
      "podsToDelete pruned",
      async () => ((await getCloneSet(ns, "demo")).spec?.scaleStrategy?.podsToDelete ?? []).length === 0,
    );
    for (const pod of (await readyPods(4)) ?? after) {
      identity.set(pod.metadata?.name ?? "", {
        uid: pod.metadata?.uid ?? "",
        ip: pod.status?.podIP ?? "",
        node: pod.spec?.nodeName ?? "",
        restarts: pod.status?.containerStatuses?.[0]?.restartCount ?? 0,
      });
    }
  });

  it("step 4: InPlaceIfPossible with a new image keeps name, UID, node and IP; only the image changes and restarts", async () => {
    await apply(ns, manifest("04-inplace-update.yaml"));
    const pods = await waitFor(
      "4 pods on nginx:1.7.9, ready",
      async () => {
        const now = await readyPods(4);
        return now?.every((p) => p.status?.containerStatuses?.[0]?.image === "nginx:1.7.9") === true
          ? now
          : undefined;
      },
      170_000,
      1_000,
    );
    for (const pod of pods) {
      const was = identity.get(pod.metadata?.name ?? "");
      expect(was, `pod ${pod.metadata?.name ?? ""} existed before the update`).toBeDefined();
      expect(pod.metadata?.uid).toBe(was?.uid);
      expect(pod.status?.podIP).toBe(was?.ip);
      expect(pod.spec?.nodeName).toBe(was?.node);
      expect(pod.status?.containerStatuses?.[0]?.restartCount).toBe((was?.restarts ?? 0) + 1);
      expect(pod.metadata?.annotations?.["apps.kruise.io/inplace-update-state"]).toBeDefined();
    }
    const described = await k(["describe", "cloneset", "demo", "-n", ns]);
    expect(described).toContain("SuccessfulUpdatePodInPlace");
  });

  it("step 5: partition 2 keeps 2 pods on the old revision and moves 2 to the new one", async () => {
    await apply(ns, manifest("05-partition.yaml"));
    const cs = await waitFor(
      "2 updated and available",
      async () => {
        const c = await getCloneSet(ns, "demo");
        return c.status?.observedGeneration === c.metadata?.generation &&
          c.status?.updatedAvailableReplicas === 2 &&
          c.status.expectedUpdatedReplicas === 2
          ? c
          : undefined;
      },
      150_000,
      1_000,
    );
    const listed = await k(["get", "pods", "-n", ns, "-l", "app=cs", "-L", "controller-revision-hash"]);
    const rows = listed
      .split("\n")
      .slice(1)
      .filter((l) => l.trim() !== "");
    expect(rows).toHaveLength(4);
    const byRevision = new Map<string, number>();
    for (const row of rows) {
      const revision = row.trim().split(/\s+/).at(-1) ?? "";
      byRevision.set(revision, (byRevision.get(revision) ?? 0) + 1);
    }
    expect(byRevision.get(cs.status?.updateRevision ?? "")).toBe(2);
    expect(byRevision.get(cs.status?.currentRevision ?? "")).toBe(2);
    const pods = await getPods(ns, "app=cs");
    expect(pods.filter((p) => p.spec?.containers[0]?.image === "nginx:latest")).toHaveLength(2);
    expect(pods.filter((p) => p.spec?.containers[0]?.image === "nginx:1.7.9")).toHaveLength(2);
  });

  it("published a NATS event for every step", async () => {
    if (bus === undefined) return;
    const want = [
      "pod-created",
      "pod-deleted",
      "pod-updated-in-place",
      "scaled",
      "rollout-progress",
      "rollout-complete",
      "image-predownload-requested",
    ];
    await waitFor(
      "every step on NATS",
      () => want.every((w) => natsEvents.some((e) => e.type === `io.kruise.cloneset.${w}`)),
      20_000,
    );
    // Deterministic ids: JetStream deduplicates retries, so no id arrives twice.
    expect(new Set(natsEvents.map((e) => e.id)).size).toBe(natsEvents.length);
  });
});
