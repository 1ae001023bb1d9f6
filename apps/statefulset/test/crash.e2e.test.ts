// Crash safety: the controller process is SIGKILLed at random moments during a Parallel scale-up and a rolling
// update with a partition. An independent watcher checks that no pod outside the slots ever exists and that no pod
// below the partition is ever updated; after the last restart the set converges. STS_CRASH_KILLS sets the number
// of kills (default 20, the number).
import { afterAll, beforeAll, expect, it } from "vitest";
import { createClient, Informer, loadRestConfig, PodKind, type ReadOnly } from "@kruise/sdk";
import { createTestNamespace, getTestEnv, waitFor } from "@kruise/testenv/vitest";
import type { Pod } from "kubernetes-types/core/v1.js";
import {
  controllerKubeconfig,
  k,
  startControllerProcess,
  type ControllerProcess,
} from "./support/harness.ts";

const KILLS = Number(process.env.STS_CRASH_KILLS ?? 20);
const REPLICAS = 12;
const PARTITION = 4;
let ns = "";
let kubeconfig = "";
let informer: Informer<Pod> | undefined;
const abort = new AbortController();
const violations: string[] = [];

function manifest(image: string): string {
  return JSON.stringify({
    apiVersion: "apps.kruise.io/v1beta1",
    kind: "StatefulSet",
    metadata: { name: "crash", namespace: ns },
    spec: {
      replicas: REPLICAS,
      serviceName: "crash",
      podManagementPolicy: "Parallel",
      selector: { matchLabels: { app: "crash" } },
      template: { metadata: { labels: { app: "crash" } }, spec: { containers: [{ name: "main", image }] } },
      updateStrategy: { rollingUpdate: { partition: PARTITION, maxUnavailable: 3 } },
    },
  });
}

beforeAll(async () => {
  ns = await createTestNamespace("asts-crash");
  kubeconfig = await controllerKubeconfig(getTestEnv(), ns);
  const client = createClient(await loadRestConfig(getTestEnv().kubeconfigPath), { qps: 100, burst: 200 });
  informer = new Informer<Pod>(client, PodKind, { namespace: ns });
  const check = (pod: ReadOnly<Pod>): void => {
    const name = pod.metadata?.name ?? "";
    const ordinal = Number(name.split("-").at(-1));
    if (!/^crash-\d+$/.test(name) || ordinal >= REPLICAS) violations.push(`unexpected pod ${name}`);
    if (ordinal < PARTITION && pod.spec?.containers[0]?.image !== "nginx:1")
      violations.push(`${name} below the partition was updated`);
  };
  informer.addEventHandler({ onAdd: check, onUpdate: (_old, pod) => check(pod) });
  void informer.run(abort.signal);
});
afterAll(() => abort.abort());

async function killRandomly(times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const proc: ControllerProcess = startControllerProcess(kubeconfig, ns);
    await new Promise((r) => setTimeout(r, 700 + Math.random() * 1800));
    await proc.kill();
  }
}

const live = () => (informer?.store.list() ?? []).filter((p) => p.metadata?.deletionTimestamp === undefined);
const ready = (p: ReadOnly<Pod>) =>
  p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;

it("SIGKILLs during scale-up and a partitioned rolling update: no stray pod, none below the partition updated, converges", async () => {
  await k(["apply", "-f", "-"], manifest("nginx:1"));
  await killRandomly(Math.ceil(KILLS / 2));
  let proc = startControllerProcess(kubeconfig, ns);
  await waitFor("12 ready pods", () => live().length === REPLICAS && live().every(ready), 120_000, 200);
  await proc.kill();
  await k(["apply", "-f", "-"], manifest("nginx:2"));
  await killRandomly(Math.floor(KILLS / 2));
  proc = startControllerProcess(kubeconfig, ns);
  try {
    await waitFor(
      "ordinals >= 4 updated, all ready",
      () => {
        const ps = live();
        return (
          ps.length === REPLICAS &&
          ps.every(ready) &&
          ps.filter((p) => p.spec?.containers[0]?.image === "nginx:2").length === REPLICAS - PARTITION
        );
      },
      120_000,
      200,
    );
  } finally {
    await proc.stop();
  }
  expect(violations).toEqual([]);
}, 300_000);
