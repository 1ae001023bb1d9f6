// Container launch priority in in-place updates on a real node (kubelet + containerd + runc + CNI, a private control
// plane): a CloneSet whose template changes the images of several containers updates them in priority batches, as
// OpenKruise does — the highest KRUISE_CONTAINER_PRIORITY first (a container without the env has priority 0), or
// one by one in template order under `apps.kruise.io/container-launch-priority: Ordered`. The next batch is written
// only once the kubelet really restarted the previous one: its containers report the new imageID and are ready. A
// watch on the pod sees every version it goes through, so the order is checked on the API server's own history, not
// on second-granularity timestamps alone. A batch whose new image cannot be pulled (the imageID never changes), or
// whose container crashes on it (never ready), stops the update there: the lower-priority container keeps its old
// image, the pod is not counted updated-ready, and — as in OpenKruise — the controller reports nothing more than the
// kubelet does (its Failed/BackOff Events, the pod NotReady, the InPlaceUpdateReady condition left False). One control plane and one real node for every case; the controller runs
// in-process under exactly its RBAC rules. On a machine that cannot run real nodes it skips, saying why.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CloneSet } from "@kruise/api";
import type { Container, ContainerStatus, Event, Pod } from "kubernetes-types/core/v1.js";
import { PodKind, createClient, loadRestConfig, parseKubeTime, type HttpClient } from "@kruise/sdk";
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
if (!support.ok) process.stdout.write(`cloneset launch-priority real-node test skipped: ${support.reason}\n`);

const NS = "cs-priority";
const STATE = "apps.kruise.io/inplace-update-state";
// Stops at once on SIGTERM, so each in-place restart is quick.
const COMMAND = ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"];
// A tag the local registry does not have: the kubelet's pull fails (ErrImagePull, then ImagePullBackOff).
const MISSING = "busybox:0-missing";
const READINESS = { exec: { command: ["/bin/sleep", "0"] }, initialDelaySeconds: 2, periodSeconds: 1 };

interface Spec {
  name: string;
  image: string;
  priority?: string;
  /** nginx and proxy run their own entrypoint; the others the SIGTERM-aware loop. */
  command?: boolean;
  /** An exec readiness probe that starts 2 s after the container, so a container that exits at once is never ready. */
  readiness?: boolean;
}
interface UpdateState {
  revision?: string;
  containerBatchesRecord?: Array<{ timestamp: string; containers: string[] }>;
  nextContainerImages?: Record<string, string>;
  preCheckBeforeNext?: { containersRequiredReady?: string[] };
}

describe.skipIf(!support.ok)(
  "CloneSet container launch priority on a real node",
  { timeout: 300_000 },
  () => {
    let plane: ControlPlane;
    let controller: InProcessController | undefined;
    let client: HttpClient;
    const watches: Array<() => Promise<void>> = [];

    beforeAll(async () => {
      plane = await startControlPlane({ nodes: 0, realNodes: 1, nats: false });
      client = createClient(await loadRestConfig(plane.kubeconfigPath), { qps: Infinity });
      await kubectlOk(["create", "namespace", NS]);
      controller = await startInProcessController({
        kubeconfig: await controllerKubeconfig(plane, NS, (a, o) => plane.kubectl(a, o)),
        namespace: NS,
      });
    }, 300_000);

    afterAll(async () => {
      // A test that failed midway leaves its watch open: end it before the client goes.
      for (const stop of watches) await stop().catch(() => undefined);
      await controller?.stop();
      await client?.close();
      await plane?.stop();
    });

    const until = <T>(what: string, probe: () => Promise<T | false | undefined>, timeoutMs = 120_000) =>
      waitFor<T>(what, probe, timeoutMs, 500);
    async function kubectlOk(args: string[], input?: string): Promise<string> {
      const result = await plane.kubectl(args, input === undefined ? undefined : { input });
      if (result.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${result.stderr}`);
      return result.stdout;
    }
    const getJson = async <T>(args: string[]): Promise<T> =>
      JSON.parse(await kubectlOk([...args, "-o", "json"])) as T;
    const podsOf = async (name: string) =>
      (await getJson<{ items: Pod[] }>(["get", "pods", "-n", NS, "-l", `app=${name}`])).items.filter(
        (p) => p.metadata?.deletionTimestamp === undefined,
      );
    const cloneSetOf = (name: string) =>
      getJson<CloneSet>(["get", "clonesets.apps.kruise.io", name, "-n", NS]);
    const statusOf = (pod: Pod, container: string): ContainerStatus | undefined =>
      pod.status?.containerStatuses?.find((s) => s.name === container);
    const specImage = (pod: Pod, container: string): string | undefined =>
      pod.spec?.containers.find((c) => c.name === container)?.image;
    const stateOf = (pod: Pod): UpdateState =>
      JSON.parse(pod.metadata?.annotations?.[STATE] ?? "{}") as UpdateState;
    const condition = (pod: Pod, type: string) => pod.status?.conditions?.find((c) => c.type === type);
    const startedAt = (pod: Pod, container: string): number =>
      parseKubeTime(statusOf(pod, container)?.state?.running?.startedAt) ?? Number.NaN;

    function cloneSet(name: string, containers: Spec[], annotations?: Record<string, string>): CloneSet {
      return {
        apiVersion: "apps.kruise.io/v1alpha1",
        kind: "CloneSet",
        metadata: { name, namespace: NS },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: name } },
          updateStrategy: { type: "InPlaceIfPossible" },
          template: {
            metadata: { labels: { app: name }, ...(annotations !== undefined ? { annotations } : {}) },
            spec: {
              nodeSelector: { [REAL_NODE_LABEL]: "true" },
              terminationGracePeriodSeconds: 1,
              containers: containers.map((c): Container => ({
                name: c.name,
                image: c.image,
                imagePullPolicy: "IfNotPresent",
                ...(c.command === true ? { command: COMMAND } : {}),
                ...(c.readiness === true ? { readinessProbe: READINESS } : {}),
                ...(c.priority !== undefined
                  ? { env: [{ name: "KRUISE_CONTAINER_PRIORITY", value: c.priority }] }
                  : {}),
              })),
            },
          },
        },
      };
    }

    /** Applies the CloneSet and waits until its one pod runs every container, Ready and counted. */
    async function running(cs: CloneSet): Promise<Pod> {
      const name = cs.metadata!.name!;
      await kubectlOk(["apply", "-f", "-"], JSON.stringify(cs));
      return until(`${name} has one ready pod`, async () => {
        const [pod] = await podsOf(name);
        const s = (await cloneSetOf(name)).status;
        const allReady = (pod?.status?.containerStatuses ?? []).every((c) => c.ready);
        return pod !== undefined && allReady && s?.readyReplicas === 1 && s.updatedReadyReplicas === 1
          ? pod
          : false;
      });
    }

    /** Every version of the CloneSet's pod from `from` on, as the API server hands them out. */
    function watchPod(name: string, from: Pod): { seen: Pod[]; stop: () => Promise<void> } {
      const abort = new AbortController();
      const seen: Pod[] = [];
      const watching = (async () => {
        try {
          for await (const ev of client.watch(PodKind, {
            namespace: NS,
            fieldSelector: `metadata.name=${from.metadata?.name}`,
            resourceVersion: from.metadata?.resourceVersion ?? "0",
            signal: abort.signal,
          })) {
            if (ev.type === "ADDED" || ev.type === "MODIFIED") seen.push(ev.object);
          }
        } catch (err) {
          if (!abort.signal.aborted) throw new Error(`watch of ${name}'s pod failed`, { cause: err });
        }
      })();
      const stop = async () => {
        abort.abort();
        await watching;
      };
      watches.push(stop);
      return { seen, stop };
    }

    /** The template with new images for the named containers. */
    function withImages(cs: CloneSet, images: Record<string, string>): CloneSet {
      const next = structuredClone(cs);
      for (const c of next.spec!.template.spec!.containers) c.image = images[c.name] ?? c.image;
      return next;
    }

    /** Waits until the pod runs every new image, the update finished and the CloneSet counts it updated and Ready. */
    async function updated(name: string, images: Record<string, string>, before: Pod): Promise<Pod> {
      return until(`${name} runs ${JSON.stringify(images)} and is counted updated and ready`, async () => {
        const cs = await cloneSetOf(name);
        const s = cs.status;
        const [pod] = await podsOf(name);
        if (pod === undefined) return false;
        const restarted = Object.keys(images).every((c) => {
          const status = statusOf(pod, c);
          return status?.ready === true && status.imageID !== statusOf(before, c)?.imageID;
        });
        return restarted &&
          s?.observedGeneration === cs.metadata?.generation &&
          s?.updatedReadyReplicas === 1 &&
          s.readyReplicas === 1 &&
          s.currentRevision === s.updateRevision &&
          condition(pod, "Ready")?.status === "True"
          ? pod
          : false;
      });
    }

    /**
     * On the watch's history: the first version in which any container of a batch has its new image in the spec
     * already shows every container of the batch before it restarted on its new image (new imageID, running, ready).
     */
    function expectBatchOrder(
      seen: Pod[],
      before: Pod,
      batches: string[][],
      images: Record<string, string>,
    ): void {
      for (let i = 1; i < batches.length; i++) {
        const patched = seen.find((p) => batches[i]!.some((c) => specImage(p, c) === images[c]));
        expect(patched, `a version patching batch ${batches[i]!.join(",")}`).toBeDefined();
        for (const c of batches[i - 1]!) {
          const status = statusOf(patched!, c);
          expect(status?.imageID, `${c} restarted before ${batches[i]!.join(",")} was patched`).not.toBe(
            statusOf(before, c)?.imageID,
          );
          expect(status?.ready, `${c} ready before ${batches[i]!.join(",")} was patched`).toBe(true);
          expect(status?.state?.running).toBeDefined();
        }
      }
    }

    it("KRUISE_CONTAINER_PRIORITY=10 on the second container: it restarts on its new image first, then the first (priority 0)", async () => {
      const name = "prio";
      const cs = cloneSet(name, [
        { name: "web", image: "nginx:1.25" },
        { name: "side", image: "busybox:1.36", command: true, priority: "10" },
      ]);
      const before = await running(cs);
      const watch = watchPod(name, before);
      const images = { web: "nginx:1.26", side: "busybox:1.37" };
      await kubectlOk(["apply", "-f", "-"], JSON.stringify(withImages(cs, images)));
      const after = await updated(name, images, before);
      await watch.stop();

      const record = stateOf(after).containerBatchesRecord ?? [];
      expect(record.map((b) => b.containers)).toEqual([["side"], ["web"]]);
      expect(stateOf(after).nextContainerImages).toBeUndefined();
      expectBatchOrder(watch.seen, before, [["side"], ["web"]], images);
      // The timestamps agree (whole seconds): side started no later than web's batch was written, web after it.
      const webBatchAt = parseKubeTime(record[1]!.timestamp)!;
      expect(startedAt(after, "side")).toBeLessThanOrEqual(webBatchAt);
      expect(startedAt(after, "web")).toBeGreaterThanOrEqual(webBatchAt);
      expect(startedAt(after, "web")).toBeGreaterThanOrEqual(startedAt(after, "side"));
      // The same pod, restarted in place: UID and IP kept, each container restarted once on its new image.
      expect(after.metadata?.uid).toBe(before.metadata?.uid);
      expect(after.status?.podIP).toBe(before.status?.podIP);
      for (const c of ["web", "side"]) expect(statusOf(after, c)?.restartCount).toBe(1);
      expect(condition(after, "InPlaceUpdateReady")?.status).toBe("True");
    });

    it("apps.kruise.io/container-launch-priority: Ordered: the containers restart one by one, in template order", async () => {
      const name = "ordered";
      const cs = cloneSet(
        name,
        [
          { name: "web", image: "nginx:1.25" },
          { name: "side", image: "busybox:1.36", command: true },
          { name: "tail", image: "busybox:1", command: true },
        ],
        { "apps.kruise.io/container-launch-priority": "Ordered" },
      );
      const before = await running(cs);
      const watch = watchPod(name, before);
      const images = { web: "nginx:1.26", side: "busybox:1.37", tail: "busybox:latest" };
      await kubectlOk(["apply", "-f", "-"], JSON.stringify(withImages(cs, images)));
      const after = await updated(name, images, before);
      await watch.stop();

      const batches = [["web"], ["side"], ["tail"]];
      const record = stateOf(after).containerBatchesRecord ?? [];
      expect(record.map((b) => b.containers)).toEqual(batches);
      expectBatchOrder(watch.seen, before, batches, images);
      const times = record.map((b) => parseKubeTime(b.timestamp)!);
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      expect(startedAt(after, "web")).toBeLessThanOrEqual(startedAt(after, "side"));
      expect(startedAt(after, "side")).toBeLessThanOrEqual(startedAt(after, "tail"));
      expect(after.metadata?.uid).toBe(before.metadata?.uid);
      expect(after.status?.podIP).toBe(before.status?.podIP);
      for (const c of ["web", "side", "tail"]) expect(statusOf(after, c)?.restartCount).toBe(1);
    });

    /**
     * Updates web (priority 0) and side (priority 10) to new images, side's new image failing as `failing` says, and
     * checks that the update stops after side's batch: web never patched, the pod not counted updated-ready, and
     * the failure reported as OpenKruise reports it. Returns side's Warning Events.
     */
    async function expectStoppedAfterFailedBatch(
      name: string,
      side: Omit<Spec, "name" | "priority">,
      sideImage: string,
      failing: { what: string; reasons: readonly string[] },
    ): Promise<Event[]> {
      const cs = cloneSet(name, [
        { name: "web", image: "nginx:1.25" },
        { name: "side", priority: "10", ...side },
      ]);
      const before = await running(cs);
      const watch = watchPod(name, before);
      await kubectlOk(
        ["apply", "-f", "-"],
        JSON.stringify(withImages(cs, { web: "nginx:1.26", side: sideImage })),
      );

      // The first batch is written and side fails on its new image; the CloneSet counts the pod at the new revision
      // but not ready.
      const stuck = await until(`side ${failing.what} and the pod is counted not ready`, async () => {
        const [pod] = await podsOf(name);
        const s = (await cloneSetOf(name)).status;
        const waiting = pod === undefined ? undefined : statusOf(pod, "side")?.state?.waiting?.reason;
        return pod !== undefined &&
          waiting !== undefined &&
          failing.reasons.includes(waiting) &&
          s?.updatedReplicas === 1 &&
          s.updatedReadyReplicas === 0 &&
          s.readyReplicas === 0
          ? pod
          : false;
      });
      expect(specImage(stuck, "side")).toBe(sideImage);
      expect(stateOf(stuck).containerBatchesRecord?.map((b) => b.containers)).toEqual([["side"]]);
      expect(stateOf(stuck).nextContainerImages).toEqual({ web: "nginx:1.26" });
      expect(stateOf(stuck).preCheckBeforeNext?.containersRequiredReady).toEqual(["side"]);

      // The observation window. While a batch is unfinished the controller sets no timer (OpenKruise's Refresh
      // returns no delay either): it looks again only when the pod changes. The kubelet rewrites the pod's status
      // on every retry of the failing container (backing off from 10 s), and each rewrite reconciles the CloneSet
      // with the failed batch in view. So the window is "until the kubelet has changed the pod's status at least
      // twice more" (two reconciles that could have written the next batch), at least 15 s, at most 90 s.
      const mark = controller?.writes.length ?? 0;
      const windowStart = watch.seen.length;
      const opened = Date.now();
      await until(
        "two more kubelet status writes on the stuck pod, 15 s passed",
        async () => {
          const later = watch.seen
            .slice(windowStart)
            .filter((p) => p.metadata?.resourceVersion !== stuck.metadata?.resourceVersion);
          return later.length >= 2 && Date.now() - opened >= 15_000;
        },
        90_000,
      );
      await watch.stop();
      // Nothing from the controller in the window (no loop, no next batch), and no version of the pod ever gave web
      // its new image.
      expect((controller?.writes ?? []).slice(mark)).toEqual([]);
      expect(watch.seen.every((p) => specImage(p, "web") === "nginx:1.25")).toBe(true);
      const [pod] = await podsOf(name);
      expect(pod!.metadata?.uid).toBe(before.metadata?.uid);
      expect(statusOf(pod!, "web")?.imageID).toBe(statusOf(before, "web")?.imageID);
      expect(statusOf(pod!, "web")?.restartCount).toBe(0);
      expect(stateOf(pod!).containerBatchesRecord?.map((b) => b.containers)).toEqual([["side"]]);
      expect(stateOf(pod!).nextContainerImages).toEqual({ web: "nginx:1.26" });

      // Reported as OpenKruise reports it: the pod stays in its update (InPlaceUpdateReady False, Ready False); the
      // kubelet's Events say why; the CloneSet gets its one SuccessfulUpdatePodInPlace and no Warning, no
      // FailedUpdate condition.
      expect(condition(pod!, "InPlaceUpdateReady")?.status).toBe("False");
      expect(condition(pod!, "InPlaceUpdateReady")?.reason).toBe("StartInPlaceUpdate");
      expect(condition(pod!, "Ready")?.status).toBe("False");
      // Without a lifecycle hook the lifecycle state is not moved to Updating (README, deliberate differences).
      expect(pod!.metadata?.labels?.["lifecycle.apps.kruise.io/state"]).toBe("Normal");
      const eventsOf = async (kind: string, of: string) =>
        (
          await getJson<{ items: Event[] }>([
            "get",
            "events",
            "-n",
            NS,
            "--field-selector",
            `involvedObject.kind=${kind},involvedObject.name=${of}`,
          ])
        ).items;
      const cloneSetEvents = await eventsOf("CloneSet", name);
      expect(cloneSetEvents.filter((e) => e.type === "Warning")).toEqual([]);
      expect(cloneSetEvents.filter((e) => e.reason === "SuccessfulUpdatePodInPlace")).toHaveLength(1);
      const status = (await cloneSetOf(name)).status;
      expect(status?.conditions?.find((c) => c.type === "FailedUpdate")).toBeUndefined();
      expect(status?.updatedReplicas).toBe(1);
      expect(status?.updatedReadyReplicas).toBe(0);
      // Every pod carries the update revision, so currentRevision moved to it (readiness is not required).
      expect(status?.currentRevision).toBe(status?.updateRevision);
      return (await eventsOf("Pod", pod!.metadata?.name ?? "")).filter(
        (e) => e.type === "Warning" && e.involvedObject.fieldPath === "spec.containers{side}",
      );
    }

    it("a high-priority batch whose image cannot be pulled stops the update: the next batch is never written", async () => {
      const sideEvents = await expectStoppedAfterFailedBatch(
        "stuck",
        { image: "busybox:1.36", command: true },
        MISSING,
        { what: "cannot pull its new image", reasons: ["ErrImagePull", "ImagePullBackOff"] },
      );
      expect(sideEvents.some((e) => e.reason === "Failed" && (e.message ?? "").includes(MISSING))).toBe(true);
    });

    it("a high-priority container that crashes on its new image stops the update: it never gets ready", async () => {
      // proxy runs `sleep inf`; busybox's own command is `sh`, which exits at once without a terminal. The probe
      // starts after the crash, so side runs its new imageID (the image check passes) but is never ready, which is
      // what holds the next batch back (preCheckBeforeNext).
      const sideEvents = await expectStoppedAfterFailedBatch(
        "crash",
        { image: "proxy:1", readiness: true },
        "busybox:1.37",
        { what: "crashes on its new image", reasons: ["CrashLoopBackOff"] },
      );
      expect(sideEvents.some((e) => e.reason === "BackOff")).toBe(true);
    });
  },
);
