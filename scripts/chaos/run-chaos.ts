// The chaos run: a control plane, every target's controller under a Supervisor, a fault loop (SIGKILL a
// controller, stop NATS, SIGSTOP the apiserver, compact etcd so watches get 410, forge bus messages), and an
// independent watcher that lists pods and Jobs by UID and checks each target's invariants. After the last fault it
// measures how long each target takes to converge.
import { join, resolve } from "node:path";
import { BUS_PARTIES, CloneSetKind } from "@kruise/api";
import {
  createClient,
  EventBus,
  JobKind,
  loadRestConfig,
  NATS_SETTINGS,
  PodKind,
  streamName,
  type Client,
} from "@kruise/sdk";
import { startControlPlane, Supervisor, type ControlPlane } from "@kruise/testenv";
import { controllerKubeconfig } from "../controller-identity.ts";
import { ApiRecorder } from "./api-recorder.ts";
import { ALL_TARGETS, forgedEvent, type ChaosTarget } from "./targets.ts";

const root = resolve(import.meta.dirname, "../..");

export interface ChaosOptions {
  /** SIGKILLs per controller. The full run: 100. */
  killsPerController: number;
  /** Pause between faults. */
  faultEveryMs: number;
  /** Convergence deadline after the last fault. */
  convergeWithinMs: number;
  targets?: ChaosTarget[];
  log?: (line: string) => void;
}

export interface ChaosResult {
  controller: string;
  kills: number;
  faults: Record<string, number>;
  violations: string[];
  /** Seconds from the last fault to converged; null when it did not converge in time. */
  convergenceSeconds: number | null;
  /** Pod DELETEs the recording proxy saw the API server accept, all controllers together (the check's reach). */
  podDeletesSeen: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runChaos(opts: ChaosOptions): Promise<ChaosResult[]> {
  const log = opts.log ?? (() => {});
  const targets = opts.targets ?? ALL_TARGETS();
  const cp: ControlPlane = await startControlPlane({
    nodes: 3,
    watchCache: false, // compactEtcd() then gives watches a 410 at once
    natsUsers: BUS_PARTIES,
    natsStream: streamName,
  });
  const supervisors = new Map<string, Supervisor>();
  // Every controller talks to the API server through it: the watcher sees each pod DELETE it makes.
  const recorder = new ApiRecorder(cp.server, cp.caData);
  await recorder.start();
  const streamManager = EventBus.start({ servers: cp.natsUrl!, source: "kruise-stream-manager" });
  const forger = EventBus.start({ servers: cp.natsUrl!, source: "forger" });
  try {
    const client: Client = createClient(await loadRestConfig(cp.kubeconfigPath), { qps: 200, burst: 400 });
    const ns = "chaos";
    await cp.kubectl(["create", "namespace", ns]);
    for (const t of targets) {
      const kubeconfig = await recorder.kubeconfigVia(
        await controllerKubeconfig(cp, t.app, join(root, "apps", t.app, "src", "rbac.ts"), root),
        t.app,
      );
      const url = new URL(cp.natsUserUrl(t.app));
      const password = decodeURIComponent(url.password);
      url.password = "";
      const s = new Supervisor({
        name: t.app,
        command: process.execPath,
        args: [
          "--conditions=@kruise/source",
          join(root, "apps", t.app, "src", "main.ts"),
          `--kubeconfig=${kubeconfig}`,
          "--metrics-bind-address=0",
          "--health-probe-bind-address=0",
          "--leader-elect=false",
          `--${NATS_SETTINGS.urlFlag}=${url.toString()}`,
          "--log-level=warn",
        ],
        env: { ...process.env, [NATS_SETTINGS.passwordEnv]: password },
        logPath: join(cp.workDir, `${t.app}.chaos.log`),
        initialBackoffMs: 100,
        maxBackoffMs: 1_000,
      });
      s.start();
      supervisors.set(t.app, s);
      await t.setup(client, ns);
    }

    // The independent watcher: plain lists every 250 ms, by UID, checked against each target's invariants.
    const violations = new Map<string, Set<string>>(targets.map((t) => [t.app, new Set<string>()]));
    let watching = true;
    let podDeletesSeen = 0;
    const watcher = (async () => {
      while (watching) {
        try {
          const [pods, jobs, cloneSets] = await Promise.all([
            client.list(PodKind, { namespace: ns }),
            client.list(JobKind, { namespace: ns }),
            client.list(CloneSetKind, { namespace: ns }),
          ]);
          const deletes = recorder.drain();
          podDeletesSeen += deletes.length;
          for (const t of targets)
            for (const v of t.check({
              pods: pods.items,
              jobs: jobs.items,
              cloneSets: cloneSets.items,
              deletes,
            }))
              violations.get(t.app)!.add(v);
        } catch {
          // The apiserver is SIGSTOPped or restarting: look again.
        }
        await sleep(250);
      }
    })();

    const faults = new Map<string, Record<string, number>>(targets.map((t) => [t.app, {}]));
    const kills = new Map<string, number>(targets.map((t) => [t.app, 0]));
    const count = (kind: string): void => {
      for (const f of faults.values()) f[kind] = (f[kind] ?? 0) + 1;
    };
    const apiserverPid = (): number | undefined =>
      cp.processes().find((p) => p.name === "kube-apiserver")?.pid;
    let step = 1;
    let driveOn = true;
    const driving = (async () => {
      while (driveOn) {
        for (const t of targets) await t.drive(client, ns, step).catch(() => undefined);
        step++;
        await sleep(3_000);
      }
    })();
    const target = targets.length * opts.killsPerController;
    let done = 0;
    // Two SIGKILLs, then one of the other faults in turn, so even a short run sees every kind.
    const others = ["nats-stop", "apiserver-sigstop", "watch-410", "forged-messages"] as const;
    for (let round = 0; done < target; round++) {
      const other = round % 3 === 2 ? others[Math.floor(round / 3) % others.length] : undefined;
      if (other === undefined) {
        const pending = targets.filter((t) => (kills.get(t.app) ?? 0) < opts.killsPerController);
        const t = pending[Math.floor(Math.random() * pending.length)]!;
        if (supervisors.get(t.app)!.kill("SIGKILL")) {
          kills.set(t.app, (kills.get(t.app) ?? 0) + 1);
          done++;
        }
      } else if (other === "nats-stop") {
        count("nats-stop");
        await cp.stopNats();
        await sleep(1_000 + Math.random() * 2_000);
        await cp.startNats();
      } else if (other === "apiserver-sigstop") {
        const pid = apiserverPid();
        if (pid !== undefined) {
          count("apiserver-sigstop");
          process.kill(pid, "SIGSTOP");
          await sleep(1_000 + Math.random() * 2_000);
          process.kill(pid, "SIGCONT");
        }
      } else if (other === "watch-410") {
        count("watch-410");
        await cp.compactEtcd().catch(() => undefined);
      } else {
        count("forged-messages");
        for (let i = 0; i < 20; i++) forger.publish(forgedEvent(ns));
      }
      await sleep(opts.faultEveryMs * (0.5 + Math.random()));
      if (other === undefined && done % 30 === 0) log(`chaos: ${done}/${target} kills`);
    }
    const lastFault = Date.now();
    // Stop driving (the watcher keeps checking while the targets converge: invariants must hold then too).
    driveOn = false;
    await driving;
    const converged = new Map<string, number | null>();
    const deadline = lastFault + opts.convergeWithinMs;
    while (converged.size < targets.length && Date.now() < deadline) {
      for (const t of targets) {
        if (converged.has(t.app)) continue;
        if (await t.converged(client, ns).catch(() => false))
          converged.set(t.app, (Date.now() - lastFault) / 1000);
      }
      await sleep(500);
    }
    watching = false;
    await watcher;
    return targets.map((t) => ({
      controller: t.app,
      kills: kills.get(t.app) ?? 0,
      faults: faults.get(t.app) ?? {},
      violations: [...(violations.get(t.app) ?? [])],
      convergenceSeconds: converged.get(t.app) ?? null,
      podDeletesSeen,
    }));
  } finally {
    await Promise.all([...supervisors.values()].map((s) => s.stop(2_000)));
    await forger.close();
    await streamManager.close();
    await recorder.stop();
    await cp.stop();
  }
}

/** One line per controller. */
export function formatChaos(results: readonly ChaosResult[]): string {
  return results
    .map((r) => {
      const faults = Object.entries(r.faults)
        .map(([k, n]) => `${k} ${n}`)
        .join(", ");
      const conv =
        r.convergenceSeconds === null
          ? "did not converge"
          : `converged in ${r.convergenceSeconds.toFixed(1)} s`;
      return `${r.controller}: ${r.kills} kills, faults (${faults}), ${r.violations.length} violations, ${conv} (pod DELETEs checked, all controllers: ${r.podDeletesSeen})`;
    })
    .join("\n");
}
