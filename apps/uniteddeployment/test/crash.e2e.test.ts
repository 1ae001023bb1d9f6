// Crash safety: the UnitedDeployment controller process is SIGKILLed at random moments while it provisions six
// CloneSet subsets and while it rebalances (replicas change, one subset removed, one added). An independent watcher
// checks that no subset ever has two live CloneSets; after the last restart everything converges. UD_CRASH_KILLS
// sets the number of kills (default 6).
import { afterAll, beforeAll, expect, it } from "vitest";
import { createClient, Informer, loadRestConfig, type KubeObject, type ReadOnly } from "@kruise/sdk";
import { CloneSetKind, type CloneSet, type UnitedDeployment } from "@kruise/api";
import { createTestNamespace, getTestEnv, waitFor } from "@kruise/testenv/vitest";
import {
  controllerKubeconfig,
  k,
  startCloneSetController,
  startControllerProcess,
  type ControllerProcess,
} from "./support/harness.ts";

const KILLS = Number(process.env.UD_CRASH_KILLS ?? 6);
let ns = "";
let kubeconfig = "";
let informer: Informer<CloneSet> | undefined;
let cloneSets: ControllerProcess | undefined;
const abort = new AbortController();
const violations: string[] = [];

function manifest(replicas: number, subsets: string[]): string {
  return JSON.stringify({
    apiVersion: "apps.kruise.io/v1alpha1",
    kind: "UnitedDeployment",
    metadata: { name: "crash", namespace: ns },
    spec: {
      replicas,
      selector: { matchLabels: { app: "crash" } },
      template: {
        cloneSetTemplate: {
          metadata: { labels: { app: "crash" } },
          spec: {
            selector: { matchLabels: { app: "crash" } },
            template: {
              metadata: { labels: { app: "crash" } },
              spec: { containers: [{ name: "main", image: "nginx:1" }] },
            },
          },
        },
      },
      topology: { subsets: subsets.map((name) => ({ name })) },
    },
  });
}

const live = (): ReadOnly<CloneSet>[] =>
  (informer?.store.list() ?? []).filter((c) => c.metadata?.deletionTimestamp === undefined);
const subsetOf = (c: ReadOnly<KubeObject>): string =>
  c.metadata?.labels?.["apps.kruise.io/subset-name"] ?? "";

beforeAll(async () => {
  ns = await createTestNamespace("ud-crash");
  kubeconfig = await controllerKubeconfig(getTestEnv(), ns);
  cloneSets = startCloneSetController(getTestEnv(), ns);
  const client = createClient(await loadRestConfig(getTestEnv().kubeconfigPath), { qps: 100, burst: 200 });
  informer = new Informer<CloneSet>(client, CloneSetKind, { namespace: ns });
  const check = (): void => {
    const seen = new Map<string, number>();
    for (const c of live()) seen.set(subsetOf(c), (seen.get(subsetOf(c)) ?? 0) + 1);
    for (const [subset, n] of seen) if (n > 1) violations.push(`subset ${subset} has ${n} live CloneSets`);
  };
  informer.addEventHandler({ onAdd: check, onUpdate: check });
  void informer.run(abort.signal);
  await informer.waitForSync(abort.signal);
});
afterAll(async () => {
  abort.abort();
  await cloneSets?.stop();
});

async function killRandomly(times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const proc = startControllerProcess(kubeconfig, ns);
    await new Promise((r) => setTimeout(r, 700 + Math.random() * 1800));
    await proc.kill();
  }
}

async function converged(replicas: number, subsets: string[]): Promise<boolean> {
  const sets = live();
  if (sets.length !== subsets.length) return false;
  if (JSON.stringify(sets.map(subsetOf).sort()) !== JSON.stringify([...subsets].sort())) return false;
  if (sets.reduce((n, c) => n + (c.spec?.replicas ?? 0), 0) !== replicas) return false;
  const ud = JSON.parse(await k(["get", "ud", "crash", "-n", ns, "-o", "json"])) as UnitedDeployment;
  return ud.status?.replicas === replicas && ud.status.readyReplicas === replicas;
}

it("SIGKILLs while provisioning and rebalancing never leave two workloads for one subset, and it converges", async () => {
  const first = ["s1", "s2", "s3", "s4", "s5", "s6"];
  await k(["apply", "-f", "-"], manifest(12, first));
  await killRandomly(Math.ceil(KILLS / 2));
  let proc = startControllerProcess(kubeconfig, ns);
  await waitFor("six subsets of 2", () => converged(12, first), 120_000, 250);
  await proc.kill();
  const second = ["s1", "s2", "s3", "s5", "s6", "s7"];
  await k(["apply", "-f", "-"], manifest(14, second));
  await killRandomly(Math.floor(KILLS / 2));
  proc = startControllerProcess(kubeconfig, ns);
  try {
    await waitFor("rebalanced to 14 over s1-s3, s5-s7", () => converged(14, second), 120_000, 250);
  } finally {
    await proc.stop();
  }
  expect(violations).toEqual([]);
}, 300_000);
