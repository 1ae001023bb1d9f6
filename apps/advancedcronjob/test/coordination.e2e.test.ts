// Both controllers as child processes (real clock) against a private control plane with NATS: a schedule fires
// on time; a BroadcastJob's job-finished event reaches its AdvancedCronJob over NATS, and without NATS the cron job
// still converges through its informers (slower); SIGKILL at random points never duplicates a run or a pod.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { Job } from "kubernetes-types/batch/v1.js";
import { AdvancedCronJobKind, BroadcastJobKind, type AdvancedCronJob, type BroadcastJob } from "@kruise/api";
import {
  createClient,
  type HttpClient,
  Informer,
  JobKind,
  loadRestConfig,
  NamespaceKind,
  PodKind,
} from "@kruise/sdk";
import { EXIT_CODE_ANNOTATION, startControlPlane, type ControlPlane } from "@kruise/testenv";
import { ControllerProcess } from "./support/controllers.ts";
import { waitFor } from "@kruise/testenv/vitest";

const EXIT_CODE = EXIT_CODE_ANNOTATION;
const RESYNC_SECONDS = 4;

let cp: ControlPlane;
let client: HttpClient;
let bcj: ControllerProcess;
let acj: ControllerProcess;
let nsCount = 0;

beforeAll(async () => {
  cp = await startControlPlane({ nodes: 2, nats: true });
  client = createClient(await loadRestConfig(cp.kubeconfigPath), { qps: 1000, burst: 1000 });
  const common = [`--kubeconfig=${cp.kubeconfigPath}`, `--nats-url=${cp.natsUrl ?? ""}`];
  bcj = new ControllerProcess("broadcastjob", common, join(cp.workDir, "broadcastjob-controller.log"));
  acj = new ControllerProcess(
    "advancedcronjob",
    [...common, `--active-resync-period=${RESYNC_SECONDS}`],
    join(cp.workDir, "advancedcronjob-controller.log"),
  );
  bcj.start();
  acj.start();
}, 180_000);

afterAll(async () => {
  await bcj?.kill();
  await acj?.kill();
  await client?.close();
  await cp?.stop();
});

async function namespace(): Promise<string> {
  const name = `coord-${++nsCount}`;
  await client.create(NamespaceKind, { metadata: { name } });
  return name;
}

function broadcastCron(
  ns: string,
  name: string,
  schedule: string,
  concurrencyPolicy: "Allow" | "Forbid",
): AdvancedCronJob {
  return {
    apiVersion: "apps.kruise.io/v1alpha1",
    kind: "AdvancedCronJob",
    metadata: { name, namespace: ns },
    spec: {
      schedule,
      concurrencyPolicy,
      template: {
        broadcastJobTemplate: {
          spec: {
            template: {
              metadata: { annotations: { [EXIT_CODE]: "0" } },
              spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox:1.36" }] },
            },
          },
        },
      },
    },
  };
}

const finished = (b: BroadcastJob): boolean =>
  (b.status?.conditions ?? []).some((c) => c.type === "Complete" && c.status === "True");

/**
 * A cron job running every 8 s; its BroadcastJob pods finish at once. The cron job's next timer is seconds away, so
 * what clears the finished run from status.active is either the job-finished event (NATS) or the active resync
 * (informers alone). Returns, per run, the time from seeing the run complete to seeing the status follow.
 */
async function finishToStatus(ns: string, name: string, runs: number): Promise<number[]> {
  await client.create(AdvancedCronJobKind, broadcastCron(ns, name, "@every 8s", "Allow"));
  const completedAt = new Map<string, number>();
  const followedAt = new Map<string, number>();
  await waitFor(
    `${runs} runs of ${name} reflected in status`,
    async () => {
      const now = Date.now();
      const status = (await client.get(AdvancedCronJobKind, name, ns)).status;
      const active = new Set((status?.active ?? []).map((r) => r.name));
      for (const b of (await client.list(BroadcastJobKind, { namespace: ns })).items) {
        const n = b.metadata!.name!;
        if (b.metadata?.ownerReferences?.[0]?.name !== name) continue;
        if (finished(b) && !completedAt.has(n)) completedAt.set(n, now);
        if (completedAt.has(n) && !active.has(n) && !followedAt.has(n)) followedAt.set(n, now);
      }
      return followedAt.size >= runs;
    },
    90_000,
    20,
  );
  await client.patch(AdvancedCronJobKind, name, ns, "merge", { spec: { paused: true } });
  return [...followedAt.entries()].map(([n, at]) => at - (completedAt.get(n) ?? at));
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

describe("AdvancedCronJob and BroadcastJob together", () => {
  it("fires a schedule within one second of its due time, on the real clock", async () => {
    const ns = await namespace();
    await client.create(AdvancedCronJobKind, {
      apiVersion: "apps.kruise.io/v1alpha1",
      kind: "AdvancedCronJob",
      metadata: { name: "tick", namespace: ns },
      spec: {
        schedule: "@every 3s",
        template: {
          jobTemplate: {
            spec: {
              template: {
                metadata: { annotations: { [EXIT_CODE]: "0" } },
                spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] },
              },
            },
          },
        },
      },
    });
    // Observe creations through a watch (no polling delay). The first run is left out: it can fall due while the
    // freshly spawned controller is still syncing its caches on a busy machine.
    const seen = new Map<string, number>();
    const stop = new AbortController();
    const jobs = new Informer<Job>(client, JobKind, { namespace: ns });
    jobs.addEventHandler({
      onAdd: (j) => void (seen.has(j.metadata!.name!) || seen.set(j.metadata!.name!, Date.now())),
    });
    void jobs.run(stop.signal);
    try {
      await waitFor("4 runs", () => seen.size >= 4, 30_000, 20);
    } finally {
      stop.abort();
    }
    await client.patch(AdvancedCronJobKind, "tick", ns, "merge", { spec: { paused: true } });
    const lateness = [...seen.entries()]
      .sort((a, b) => a[1] - b[1])
      .slice(1)
      .map(([name, at]) => at - Number(name.split("-").pop()) * 1000);
    console.log(
      `[acj] real-clock schedule lateness, due time -> Job seen by a watch (ms): ${lateness.join(", ")}`,
    );
    for (const l of lateness) expect(l).toBeLessThan(1000);
  });

  it("converges with NATS stopped, and faster with it", async () => {
    const ns = await namespace();
    const withNats = await finishToStatus(ns, "with-nats", 2);
    await cp.stopNats();
    let withoutNats: number[];
    try {
      withoutNats = await finishToStatus(ns, "without-nats", 2);
    } finally {
      await cp.startNats();
    }
    console.log(
      `[coordination] run finished -> cron status follows, ms: with NATS ${median(withNats)} (${withNats.join(", ")}), without NATS ${median(withoutNats)} (${withoutNats.join(", ")}); active resync ${RESYNC_SECONDS}s`,
    );
    // Behaviour, not timing: without NATS the status still followed every finished run (through the resync); with
    // NATS it followed before any resync could have fired.
    expect(withoutNats).toHaveLength(2);
    for (const ms of withNats) expect(ms).toBeLessThan(RESYNC_SECONDS * 1000);
    // Nothing lost: every run of both cron jobs completed and the status shows no stale active run.
    for (const name of ["with-nats", "without-nats"]) {
      await waitFor(
        `${name} status settles`,
        async () => {
          const children = (await client.list(BroadcastJobKind, { namespace: ns })).items.filter(
            (b) => b.metadata?.ownerReferences?.[0]?.name === name,
          );
          const status = (await client.get(AdvancedCronJobKind, name, ns)).status;
          const newest = children
            .map((b) => b.metadata!.annotations!["apps.kruise.io/scheduled-at"]!)
            .sort()
            .pop();
          return (
            children.every(finished) &&
            (status?.active ?? []).length === 0 &&
            status?.lastScheduleTime === newest
          );
        },
        30_000,
      );
    }
  }, 240_000);

  it("never creates a second job for one schedule time or a second pod on one node, whatever is SIGKILLed when", async () => {
    const ns = await namespace();
    const jobUids = new Map<string, Set<string>>();
    const podsPerJobNode = new Map<string, Set<string>>();
    const signal = new AbortController();
    const jobs = new Informer<BroadcastJob>(client, BroadcastJobKind, { namespace: ns });
    jobs.addEventHandler({
      onAdd: (b) => {
        const set = jobUids.get(b.metadata!.name!) ?? new Set<string>();
        set.add(b.metadata!.uid!);
        jobUids.set(b.metadata!.name!, set);
      },
    });
    const pods = new Informer<Pod>(client, PodKind, { namespace: ns });
    const recordPod = (p: Pod): void => {
      const node =
        p.spec?.nodeName ??
        p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]
          ?.matchFields?.[0]?.values?.[0] ??
        "";
      const key = `${p.metadata?.labels?.["broadcastjob-controller-uid"] ?? ""}/${node}`;
      const set = podsPerJobNode.get(key) ?? new Set<string>();
      set.add(p.metadata!.uid!);
      podsPerJobNode.set(key, set);
    };
    pods.addEventHandler({ onAdd: recordPod, onUpdate: (_o, p) => recordPod(p as Pod) });
    void jobs.run(signal.signal);
    void pods.run(signal.signal);
    try {
      const crashy = broadcastCron(ns, "crashy", "@every 1s", "Allow");
      crashy.spec!.successfulJobsHistoryLimit = 2;
      await client.create(AdvancedCronJobKind, crashy);
      const until = Date.now() + 25_000;
      let kills = 0;
      while (Date.now() < until) {
        await new Promise((r) => setTimeout(r, 300 + Math.random() * 2200));
        const victim = Math.random() < 0.5 ? bcj : acj;
        await victim.kill();
        kills++;
        victim.start();
      }
      await client.patch(AdvancedCronJobKind, "crashy", ns, "merge", { spec: { paused: true } });
      await waitFor(
        "all runs finished",
        async () => (await client.list(BroadcastJobKind, { namespace: ns })).items.every(finished),
        60_000,
      );
      console.log(
        `[crash] ${kills} SIGKILLs; ${jobUids.size} runs seen; ${podsPerJobNode.size} (job, node) pod slots`,
      );
      expect(jobUids.size).toBeGreaterThan(3);
      for (const [name, uids] of jobUids) expect({ name, uids: uids.size }).toEqual({ name, uids: 1 });
      for (const [slot, uids] of podsPerJobNode) expect({ slot, pods: uids.size }).toEqual({ slot, pods: 1 });
    } finally {
      signal.abort();
    }
  }, 240_000);
});
