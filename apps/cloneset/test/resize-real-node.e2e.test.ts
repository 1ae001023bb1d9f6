// In-place vertical scaling (gate InPlaceWorkloadVerticalScaling) on a real node (kubelet + containerd + runc + CNI,
// a private control plane): a template change of container cpu/memory requests and limits resizes the running pod
// through pods/resize — same UID, the kubelet's status showing the new values, the container restarted only when its
// resizePolicy says RestartContainer — and the CloneSet converges, then writes nothing. A resize the API server refuses
// (more cpu than the node has) is reported as OpenKruise reports it: a FailedUpdatePodInPlace Warning and the
// FailedUpdate condition, the pod left at its revision. Without the gate a resources change recreates the pod. The
// controller runs in-process under exactly its RBAC rules (pods/resize among them). On a machine that cannot run real
// nodes it skips, saying why.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CloneSet } from "@kruise/api";
import type { ContainerStatus, Event, Pod, ResourceRequirements } from "kubernetes-types/core/v1.js";
import {
  findBinaries,
  realNodeSupport,
  REAL_NODE_LABEL,
  startControlPlane,
  type ControlPlane,
} from "@kruise/testenv";
import { waitFor } from "@kruise/testenv/vitest";
import { controllerKubeconfig } from "./support/controller-identity.ts";
import { startInProcessController, type InProcessController } from "./support/in-process.ts";

async function checkSupport(): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (process.env.KRUISE_TESTENV === "off") return { ok: false, reason: "KRUISE_TESTENV=off" };
  try {
    return realNodeSupport(await findBinaries());
  } catch (error) {
    return {
      ok: false,
      reason: error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error),
    };
  }
}
const support = await checkSupport();
if (!support.ok) process.stdout.write(`cloneset resize real-node test skipped: ${support.reason}\n`);

const ON = "cs-resize-on";
const OFF = "cs-resize-off";
// Stops at once on SIGTERM, so a RestartContainer resize and a recreate are quick.
const COMMAND = ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"];
const SMALL: ResourceRequirements = {
  requests: { cpu: "100m", memory: "32Mi" },
  limits: { cpu: "200m", memory: "64Mi" },
};
const LARGER: ResourceRequirements = {
  requests: { cpu: "150m", memory: "48Mi" },
  limits: { cpu: "300m", memory: "96Mi" },
};

describe.skipIf(!support.ok)(
  "CloneSet in-place vertical scaling on a real node",
  { timeout: 300_000 },
  () => {
    let plane: ControlPlane;
    let on: InProcessController | undefined;
    let off: InProcessController | undefined;

    beforeAll(async () => {
      plane = await startControlPlane({ nodes: 0, realNodes: 1, nats: false });
      for (const ns of [ON, OFF]) await kubectlOk(["create", "namespace", ns]);
      on = await startInProcessController({
        kubeconfig: await controllerKubeconfig(plane, ON, (a, o) => plane.kubectl(a, o)),
        namespace: ON,
        gates: { InPlaceWorkloadVerticalScaling: true },
      });
      off = await startInProcessController({
        kubeconfig: await controllerKubeconfig(plane, OFF, (a, o) => plane.kubectl(a, o)),
        namespace: OFF,
      });
    }, 300_000);

    afterAll(async () => {
      await on?.stop();
      await off?.stop();
      await plane?.stop();
    });

    const until = <T>(what: string, probe: () => Promise<T>, timeoutMs = 60_000) =>
      waitFor(what, probe, timeoutMs, 1_000);
    async function kubectlOk(args: string[], input?: string): Promise<string> {
      const result = await plane.kubectl(args, input === undefined ? undefined : { input });
      if (result.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${result.stderr}`);
      return result.stdout;
    }
    const getJson = async <T>(args: string[]): Promise<T> =>
      JSON.parse(await kubectlOk([...args, "-o", "json"])) as T;
    const pods = async (ns: string, name: string) =>
      (await getJson<{ items: Pod[] }>(["get", "pods", "-n", ns, "-l", `app=${name}`])).items.filter(
        (p) => p.metadata?.deletionTimestamp === undefined,
      );
    const cloneSetOf = (ns: string, name: string) =>
      getJson<CloneSet>(["get", "clonesets.apps.kruise.io", name, "-n", ns]);
    const statusOf = (pod: Pod, container = "app"): ContainerStatus | undefined =>
      pod.status?.containerStatuses?.find((s) => s.name === container);

    function cloneSet(
      ns: string,
      name: string,
      resources: ResourceRequirements,
      resizePolicy?: unknown[],
    ): CloneSet {
      return {
        apiVersion: "apps.kruise.io/v1alpha1",
        kind: "CloneSet",
        metadata: { name, namespace: ns },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: name } },
          updateStrategy: { type: "InPlaceIfPossible" },
          template: {
            metadata: { labels: { app: name } },
            spec: {
              nodeSelector: { [REAL_NODE_LABEL]: "true" },
              terminationGracePeriodSeconds: 1,
              containers: [
                {
                  name: "app",
                  image: "busybox:1",
                  imagePullPolicy: "IfNotPresent",
                  command: COMMAND,
                  resources,
                  ...(resizePolicy !== undefined ? { resizePolicy } : {}),
                },
              ],
            },
          },
        },
      } as CloneSet;
    }

    /** Applies the CloneSet and waits until its one pod is Ready and counted. */
    async function running(cs: CloneSet): Promise<Pod> {
      const ns = cs.metadata!.namespace!;
      const name = cs.metadata!.name!;
      await kubectlOk(["apply", "-f", "-"], JSON.stringify(cs));
      let pod: Pod | undefined;
      await until(
        `${name} has one ready pod`,
        async () => {
          const [first] = await pods(ns, name);
          const s = (await cloneSetOf(ns, name)).status;
          pod = first;
          return first !== undefined && s?.readyReplicas === 1 && s.updatedReadyReplicas === 1;
        },
        120_000,
      );
      return pod!;
    }

    const setResources = (cs: CloneSet, resources: ResourceRequirements): CloneSet => {
      const next = structuredClone(cs);
      next.spec!.template.spec!.containers[0]!.resources = resources;
      return next;
    };

    /** Waits until the CloneSet's one pod is at the update revision, updated, ready, and the status says so. */
    async function converged(ns: string, name: string): Promise<{ cs: CloneSet; pod: Pod }> {
      let result: { cs: CloneSet; pod: Pod } | undefined;
      await until(
        `${name} converges on its new revision`,
        async () => {
          const cs = await cloneSetOf(ns, name);
          const s = cs.status;
          const list = await pods(ns, name);
          result = { cs, pod: list[0]! };
          return (
            list.length === 1 &&
            s?.observedGeneration === cs.metadata?.generation &&
            s?.updatedReplicas === 1 &&
            s.updatedReadyReplicas === 1 &&
            s.readyReplicas === 1 &&
            s.currentRevision === s.updateRevision
          );
        },
        120_000,
      );
      return result!;
    }

    function expectResources(pod: Pod, want: ResourceRequirements): void {
      const status = statusOf(pod);
      expect(status?.resources).toEqual(want);
      expect(status?.allocatedResources).toEqual(want.requests);
      expect(pod.spec?.containers[0]?.resources).toEqual(want);
    }

    async function expectNoWritesFor(controller: InProcessController | undefined, ms: number): Promise<void> {
      const mark = controller?.writes.length ?? 0;
      await new Promise((r) => setTimeout(r, ms));
      expect((controller?.writes ?? []).slice(mark)).toEqual([]);
    }

    it("cpu and memory NotRequired: the pod is resized in place, no container restarts, the CloneSet converges", async () => {
      const cs = cloneSet(ON, "live", SMALL, [
        { resourceName: "cpu", restartPolicy: "NotRequired" },
        { resourceName: "memory", restartPolicy: "NotRequired" },
      ]);
      const before = await running(cs);
      const mark = on?.writes.length ?? 0;
      await kubectlOk(["apply", "-f", "-"], JSON.stringify(setResources(cs, LARGER)));
      const { pod } = await converged(ON, "live");
      expect(pod.metadata?.uid).toBe(before.metadata?.uid);
      await until(
        "the kubelet reports the new cpu limit",
        async () => statusOf((await pods(ON, "live"))[0]!)?.resources?.limits?.["cpu"] === "300m",
        60_000,
      );
      const [after] = await pods(ON, "live");
      expectResources(after!, LARGER);
      expect(statusOf(after!)?.restartCount).toBe(0);
      expect(after!.status?.conditions?.find((c) => c.type === "InPlaceUpdateReady")?.status).toBe("True");
      // The resize, then the revision label and state annotation; the pod never left its Service (no status write).
      const podWrites = (on?.writes ?? [])
        .slice(mark)
        .filter((w) => w.kind === "Pod")
        .map((w) => `${w.verb} ${w.subresource ?? ""}`.trim());
      expect(podWrites).toEqual(["patch resize", "patch"]);
      await expectNoWritesFor(on, 5_000);
    });

    it("memory RestartContainer: the resize restarts that container once, in the same pod", async () => {
      const cs = cloneSet(ON, "restart", SMALL, [
        { resourceName: "cpu", restartPolicy: "NotRequired" },
        { resourceName: "memory", restartPolicy: "RestartContainer" },
      ]);
      const before = await running(cs);
      await kubectlOk(["apply", "-f", "-"], JSON.stringify(setResources(cs, LARGER)));
      await converged(ON, "restart");
      await until(
        "the container restarted for its memory resize",
        async () => statusOf((await pods(ON, "restart"))[0]!)?.restartCount === 1,
        60_000,
      );
      const [after] = await pods(ON, "restart");
      expect(after!.metadata?.uid).toBe(before.metadata?.uid);
      expectResources(after!, LARGER);
      await converged(ON, "restart");
      await expectNoWritesFor(on, 5_000);
    });

    it("more cpu than the node has: refused, reported as FailedUpdatePodInPlace and FailedUpdate, the pod kept as it is", async () => {
      const cs = cloneSet(ON, "too-big", SMALL);
      const before = await running(cs);
      const revision = before.metadata?.labels?.["controller-revision-hash"];
      await kubectlOk(
        ["apply", "-f", "-"],
        JSON.stringify(
          setResources(cs, {
            requests: { cpu: "64", memory: "32Mi" },
            limits: { cpu: "64", memory: "64Mi" },
          }),
        ),
      );
      let event: Event | undefined;
      await until(
        "a FailedUpdatePodInPlace event",
        async () => {
          const events = await getJson<{ items: Event[] }>([
            "get",
            "events",
            "-n",
            ON,
            "--field-selector",
            "involvedObject.name=too-big",
          ]);
          event = events.items.find((e) => e.reason === "FailedUpdatePodInPlace");
          return event !== undefined;
        },
        60_000,
      );
      expect(event?.type).toBe("Warning");
      expect(event?.message).toContain(`failed to update pod ${before.metadata?.name} in-place(revision `);
      expect(event?.message).toContain("node didn't have enough allocatable resources");
      const status = (await cloneSetOf(ON, "too-big")).status;
      const failed = status?.conditions?.find((c) => c.type === "FailedUpdate");
      expect(failed?.status).toBe("True");
      expect(failed?.message).toContain("node didn't have enough allocatable resources");
      expect(status?.updatedReplicas).toBe(0);
      const [after] = await pods(ON, "too-big");
      expect(after!.metadata?.uid).toBe(before.metadata?.uid);
      expect(after!.metadata?.labels?.["controller-revision-hash"]).toBe(revision);
      expect(after!.metadata?.annotations?.["apps.kruise.io/inplace-update-state"]).toBeUndefined();
      expectResources(after!, SMALL);
      // Retried with backoff, not in a loop: only the refused resize attempts, nothing written to the pod.
      const mark = on?.writes.length ?? 0;
      await new Promise((r) => setTimeout(r, 5_000));
      const onPod = (on?.writes ?? []).slice(mark).filter((w) => w.kind === "Pod");
      expect(onPod.every((w) => w.subresource === "resize" && w.code === 403)).toBe(true);
      expect(onPod.length).toBeLessThanOrEqual(5);

      // A size that fits is then resized in place, in the same pod.
      await kubectlOk(["apply", "-f", "-"], JSON.stringify(setResources(cs, LARGER)));
      const { cs: done, pod } = await converged(ON, "too-big");
      expect(pod.metadata?.uid).toBe(before.metadata?.uid);
      expect(done.status?.conditions?.find((c) => c.type === "FailedUpdate")).toBeUndefined();
    });

    it("without the gate, a resources change recreates the pod", async () => {
      const cs = cloneSet(OFF, "recreate", SMALL);
      const before = await running(cs);
      await kubectlOk(["apply", "-f", "-"], JSON.stringify(setResources(cs, LARGER)));
      const { pod } = await converged(OFF, "recreate");
      expect(pod.metadata?.uid).not.toBe(before.metadata?.uid);
      expect(pod.spec?.containers[0]?.resources).toEqual(LARGER);
    });
  },
);
