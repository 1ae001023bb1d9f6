// The controllers the chaos suite drives, one plug-in each: what to create, how to keep it busy, what an
// independent observer must never see, and when it has converged. A controller that lands later adds one here.
import { randomUUID } from "node:crypto";
import type { Client, KubeObject } from "@kruise/sdk";
import { JobKind, PodKind } from "@kruise/sdk";
import {
  AdvancedCronJobKind,
  BroadcastJobKind,
  CLONESET_INSTANCE_ID_LABEL,
  CloneSetKind,
  DaemonSetKind,
  SCHEDULED_AT_ANNOTATION,
  StatefulSetKind,
  SUBSET_NAME_LABEL,
  UnitedDeploymentKind,
  type CloneSet,
} from "@kruise/api";
import { EXIT_CODE_ANNOTATION } from "@kruise/testenv";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { Job } from "kubernetes-types/batch/v1.js";
import type { PodDelete } from "./api-recorder.ts";

/** What the watcher saw at one moment. */
export interface Snapshot {
  pods: readonly Pod[];
  jobs: readonly Job[];
  /** CloneSets (a UnitedDeployment's subset workloads among them). */
  cloneSets?: readonly CloneSet[];
  /** Pod DELETEs the API server accepted from a controller since the last snapshot (the recording proxy). */
  deletes?: readonly PodDelete[];
}

/**
 * Pods (by UID) whose DELETE the API server accepted more than once: a controller that re-deletes what it already
 * deleted (a crash between the delete and the cache seeing it, or an expectation that forgot it). `seen` is the
 * target's own history; only pods whose name starts with `prefix` count.
 */
export function deletedTwice(
  seen: Map<string, number>,
  deletes: readonly PodDelete[] | undefined,
  prefix: string,
  app: string,
): string[] {
  const problems: string[] = [];
  for (const d of deletes ?? []) {
    if (!d.name.startsWith(prefix) || d.uid === "") continue;
    const n = (seen.get(d.uid) ?? 0) + 1;
    seen.set(d.uid, n);
    if (n > 1) problems.push(`${app}: pod ${d.name} (uid ${d.uid}) deleted ${n} times`);
  }
  return problems;
}

const isReady = (p: Pod): boolean =>
  p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;

export interface ChaosTarget {
  /** The app in apps/ (its controller is SIGKILLed). */
  readonly app: string;
  /** Creates the objects it drives. */
  setup(client: Client, ns: string): Promise<void>;
  /** One step of work (a rollout, a new job); called every few seconds while faults happen. */
  drive(client: Client, ns: string, step: number): Promise<void>;
  /** Invariant violations in one snapshot, and across everything seen so far (`history` is kept by the target). */
  check(snapshot: Snapshot): string[];
  /** True once the target's objects are where the last drive step asked. */
  converged(client: Client, ns: string): Promise<boolean>;
}

/**
 * Polls until `done` holds (errors count as not yet): a target whose invariant names the first template waits in
 * setup until that template is rolled out, or the first drive step could become the first revision the controller
 * sees, with every pod created at it (correctly, but beyond the partition the check expects).
 */
async function until(what: string, done: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`chaos setup: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const active = (p: Pod): boolean =>
  p.metadata?.deletionTimestamp === undefined &&
  p.status?.phase !== "Succeeded" &&
  p.status?.phase !== "Failed";

/**
 * A CloneSet rolled forward again and again: never above replicas + maxSurge, never one slot twice at once, no pod
 * deleted twice, and never fewer than replicas − maxUnavailable ready pods once it first had them. Nothing but the
 * controller deletes or unreadies these pods during the run (the simulated kubelet keeps running pods ready and no
 * node is faulted), so a dip below that floor is the controller's doing.
 */
export function cloneSetTarget(replicas = 6, maxSurge = 2, maxUnavailable = 1): ChaosTarget {
  const name = "chaos-cs";
  const deleted = new Map<string, number>();
  const floor = replicas - maxUnavailable;
  let armed = false;
  const template = (step: number) => ({
    metadata: { labels: { app: name } },
    spec: {
      containers: [
        { name: "main", image: "nginx:1.25-alpine", env: [{ name: "STEP", value: String(step) }] },
      ],
    },
  });
  return {
    app: "cloneset",
    async setup(client, ns) {
      await client.create(CloneSetKind, {
        apiVersion: "apps.kruise.io/v1alpha1",
        kind: "CloneSet",
        metadata: { name, namespace: ns },
        spec: {
          replicas,
          selector: { matchLabels: { app: name } },
          template: template(0),
          updateStrategy: { type: "ReCreate", maxSurge, maxUnavailable },
        },
      });
    },
    async drive(client, ns, step) {
      await client.patch(CloneSetKind, name, ns, "merge", { spec: { template: template(step) } });
    },
    check({ pods, deletes }) {
      const mine = pods.filter((p) => p.metadata?.labels?.["app"] === name && active(p));
      const problems: string[] = deletedTwice(deleted, deletes, `${name}-`, "cloneset");
      const ready = mine.filter(isReady).length;
      if (armed && ready < floor)
        problems.push(
          `cloneset: ${ready} ready pods < replicas ${replicas} - maxUnavailable ${maxUnavailable}`,
        );
      if (ready >= floor) armed = true;
      if (mine.length > replicas + maxSurge)
        problems.push(`cloneset: ${mine.length} live pods > replicas ${replicas} + maxSurge ${maxSurge}`);
      const slots = new Map<string, number>();
      for (const p of mine) {
        const id = p.metadata?.labels?.[CLONESET_INSTANCE_ID_LABEL] ?? "";
        slots.set(id, (slots.get(id) ?? 0) + 1);
      }
      for (const [id, n] of slots) if (n > 1) problems.push(`cloneset: slot ${id} has ${n} live pods`);
      return problems;
    },
    async converged(client, ns) {
      const cs = await client.get(CloneSetKind, name, ns);
      const s = cs.status;
      return (
        s?.observedGeneration === cs.metadata?.generation &&
        s?.updatedReadyReplicas === replicas &&
        s?.replicas === replicas
      );
    },
  };
}

/** BroadcastJobs started one after another: each runs one pod per node, never two. */
export function broadcastJobTarget(): ChaosTarget {
  const deleted = new Map<string, number>();
  const podsByJobNode = new Map<string, Set<string>>();
  const started: string[] = [];
  const create = async (client: Client, ns: string, step: number): Promise<void> => {
    const name = `chaos-bcj-${step}`;
    started.push(name);
    await client.create(BroadcastJobKind, {
      apiVersion: "apps.kruise.io/v1alpha1",
      kind: "BroadcastJob",
      metadata: { name, namespace: ns },
      spec: {
        template: {
          metadata: { annotations: { [EXIT_CODE_ANNOTATION]: "0" } },
          spec: { restartPolicy: "Never", containers: [{ name: "main", image: "busybox:1.36" }] },
        },
        completionPolicy: { type: "Always" },
      },
    });
  };
  return {
    app: "broadcastjob",
    setup: (client, ns) => create(client, ns, 0),
    drive: (client, ns, step) => (step % 3 === 0 ? create(client, ns, step) : Promise.resolve()),
    check({ pods, deletes }) {
      const problems: string[] = deletedTwice(deleted, deletes, "chaos-bcj-", "broadcastjob");
      for (const p of pods) {
        const owner = p.metadata?.ownerReferences?.find((r) => r.kind === "BroadcastJob");
        const node =
          p.spec?.nodeName ??
          p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
            ?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0];
        if (!owner || !node) continue;
        const key = `${owner.name}@${node}`;
        const uids = podsByJobNode.get(key) ?? new Set<string>();
        uids.add(p.metadata?.uid ?? "");
        podsByJobNode.set(key, uids);
        if (uids.size > 1) problems.push(`broadcastjob: ${owner.name} ran ${uids.size} pods on ${node}`);
      }
      return [...new Set(problems)];
    },
    async converged(client, ns) {
      for (const name of started) {
        const job = await client.get(BroadcastJobKind, name, ns);
        if (job.status?.phase !== "completed") return false;
      }
      return true;
    },
  };
}

/** An AdvancedCronJob firing every few seconds: one Job per schedule time, ever. */
export function advancedCronJobTarget(): ChaosTarget {
  const name = "chaos-acj";
  const jobsByTime = new Map<string, Set<string>>();
  return {
    app: "advancedcronjob",
    async setup(client, ns) {
      await client.create(AdvancedCronJobKind, {
        apiVersion: "apps.kruise.io/v1alpha1",
        kind: "AdvancedCronJob",
        metadata: { name, namespace: ns },
        spec: {
          schedule: "@every 5s",
          concurrencyPolicy: "Allow",
          template: {
            jobTemplate: {
              spec: {
                template: {
                  metadata: { annotations: { [EXIT_CODE_ANNOTATION]: "0" } },
                  spec: { restartPolicy: "Never", containers: [{ name: "main", image: "busybox:1.36" }] },
                },
              },
            },
          },
        },
      });
    },
    drive: () => Promise.resolve(),
    check({ jobs }) {
      const problems: string[] = [];
      for (const j of jobs) {
        if (!j.metadata?.ownerReferences?.some((r) => r.kind === "AdvancedCronJob" && r.name === name))
          continue;
        const at = j.metadata?.annotations?.[SCHEDULED_AT_ANNOTATION] ?? j.metadata?.name ?? "";
        const uids = jobsByTime.get(at) ?? new Set<string>();
        uids.add(j.metadata?.uid ?? "");
        jobsByTime.set(at, uids);
        if (uids.size > 1) problems.push(`advancedcronjob: ${uids.size} Jobs for schedule time ${at}`);
      }
      return [...new Set(problems)];
    },
    async converged(client, ns) {
      const acj = await client.get(AdvancedCronJobKind, name, ns);
      const last = Date.parse(acj.status?.lastScheduleTime ?? "");
      return Number.isFinite(last) && Date.now() - last < 12_000;
    },
  };
}

/** The node a daemon pod is for: its binding, or the node its matchFields affinity pins. */
const daemonNode = (p: Pod): string | undefined =>
  p.spec?.nodeName ??
  p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]
    ?.matchFields?.[0]?.values?.[0];

/**
 * An Advanced DaemonSet rolled forward again and again behind a partition: never two live pods on one node (no
 * surge), and no template after the first on more than nodes − partition nodes. Setup waits for the first template
 * on every node: the first short chaos run created the set and changed its template within milliseconds, so the
 * controller's first revision was already the second template and every node got it at creation, which the watcher
 * took for a partition overrun (apps/daemonset README).
 */
export function daemonSetTarget(nodes = 3, partition = 1): ChaosTarget {
  const name = "chaos-ads";
  const stepLabel = "chaos.kruise.io/step";
  const template = (step: number) => ({
    metadata: { labels: { app: name, [stepLabel]: String(step) } },
    spec: { containers: [{ name: "main", image: "nginx:1.25-alpine" }] },
  });
  return {
    app: "daemonset",
    async setup(client, ns) {
      await client.create(DaemonSetKind, {
        apiVersion: "apps.kruise.io/v1beta1",
        kind: "DaemonSet",
        metadata: { name, namespace: ns },
        spec: {
          selector: { matchLabels: { app: name } },
          template: template(0),
          updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition, maxUnavailable: 1 } },
        },
      });
      await until("the DaemonSet's first template on every node", async () => {
        const s = (await client.get(DaemonSetKind, name, ns)).status;
        return s?.updatedNumberScheduled === nodes && s.numberAvailable === nodes;
      });
    },
    async drive(client, ns, step) {
      await client.patch(DaemonSetKind, name, ns, "merge", { spec: { template: template(step) } });
    },
    check({ pods }) {
      const mine = pods.filter((p) => p.metadata?.labels?.["app"] === name && active(p));
      const problems: string[] = [];
      const perNode = new Map<string, number>();
      for (const p of mine) {
        const node = daemonNode(p) ?? "";
        perNode.set(node, (perNode.get(node) ?? 0) + 1);
      }
      for (const [node, n] of perNode) if (n > 1) problems.push(`daemonset: ${n} live pods on node ${node}`);
      const nodesByStep = new Map<string, Set<string>>();
      for (const p of mine) {
        const step = p.metadata?.labels?.[stepLabel] ?? "";
        if (step === "0") continue;
        nodesByStep.set(step, (nodesByStep.get(step) ?? new Set<string>()).add(daemonNode(p) ?? ""));
      }
      for (const [step, on] of nodesByStep)
        if (on.size > nodes - partition)
          problems.push(
            `daemonset: template ${step} on ${on.size} nodes > nodes ${nodes} - partition ${partition}`,
          );
      return problems;
    },
    async converged(client, ns) {
      const ds = await client.get(DaemonSetKind, name, ns);
      const s = ds.status;
      return (
        s?.observedGeneration === ds.metadata?.generation &&
        s?.desiredNumberScheduled === nodes &&
        s?.updatedNumberScheduled === nodes - partition &&
        s?.numberAvailable === nodes
      );
    },
  };
}

/**
 * An Advanced StatefulSet (Parallel, partition) rolled forward again and again: never a pod outside its ordinals,
 * never two live pods for one ordinal (by UID across snapshots a name can only be reused after the old pod is
 * gone), and never a pod below the partition at any template but the first (setup waits for the first template on
 * every ordinal, as for the DaemonSet).
 */
export function statefulSetTarget(replicas = 4, partition = 1): ChaosTarget {
  const name = "chaos-sts";
  const stepLabel = "chaos.kruise.io/step";
  const template = (step: number) => ({
    metadata: { labels: { app: name, [stepLabel]: String(step) } },
    spec: { containers: [{ name: "main", image: "nginx:1.25-alpine" }] },
  });
  return {
    app: "statefulset",
    async setup(client, ns) {
      await client.create(StatefulSetKind, {
        apiVersion: "apps.kruise.io/v1beta1",
        kind: "StatefulSet",
        metadata: { name, namespace: ns },
        spec: {
          replicas,
          serviceName: name,
          podManagementPolicy: "Parallel",
          selector: { matchLabels: { app: name } },
          template: template(0),
          updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition, maxUnavailable: 2 } },
        },
      });
      await until("the StatefulSet's first template on every ordinal", async () => {
        const s = (await client.get(StatefulSetKind, name, ns)).status;
        return s?.updatedReadyReplicas === replicas;
      });
    },
    async drive(client, ns, step) {
      await client.patch(StatefulSetKind, name, ns, "merge", { spec: { template: template(step) } });
    },
    check({ pods }) {
      const problems: string[] = [];
      const perOrdinal = new Map<number, number>();
      for (const p of pods) {
        if (p.metadata?.labels?.["app"] !== name) continue;
        const podName = p.metadata.name ?? "";
        const ordinal = /^chaos-sts-(\d+)$/.test(podName) ? Number(podName.slice(name.length + 1)) : -1;
        if (ordinal < 0 || ordinal >= replicas) {
          problems.push(`statefulset: pod ${podName} outside ordinals 0..${replicas - 1}`);
          continue;
        }
        if (ordinal < partition && p.metadata.labels[stepLabel] !== "0")
          problems.push(`statefulset: ${podName} below partition ${partition} updated`);
        if (active(p)) perOrdinal.set(ordinal, (perOrdinal.get(ordinal) ?? 0) + 1);
      }
      for (const [ordinal, n] of perOrdinal)
        if (n > 1) problems.push(`statefulset: ${n} live pods for ordinal ${ordinal}`);
      return problems;
    },
    async converged(client, ns) {
      const set = await client.get(StatefulSetKind, name, ns);
      const s = set.status;
      return (
        s?.observedGeneration === set.metadata?.generation &&
        s?.replicas === replicas &&
        s.readyReplicas === replicas &&
        s.updatedReadyReplicas === replicas - partition
      );
    },
  };
}

/**
 * A UnitedDeployment of CloneSets over zones a, b and c, rebalanced again and again (its replicas and subset a's share
 * change every step): never two live workloads for one subset (a crash between creating a
 * subset and the cache showing it must not create it again), and no pod deleted twice. Its CloneSets are run by the
 * cloneset target's controller, so this target runs with that one.
 */
export function unitedDeploymentTarget(): ChaosTarget {
  const name = "chaos-ud";
  const deleted = new Map<string, number>();
  const zone = (z: string) => ({
    matchExpressions: [{ key: "topology.kubernetes.io/zone", operator: "In", values: [z] }],
  });
  const spec = (step: number) => ({
    replicas: 3 + (step % 3),
    template: {
      cloneSetTemplate: {
        metadata: { labels: { app: name } },
        spec: {
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: { app: name } },
            spec: { containers: [{ name: "main", image: "nginx:1.25-alpine" }] },
          },
        },
      },
    },
    topology: {
      subsets: [
        { name: "a", nodeSelectorTerm: zone("zone-a"), replicas: 1 + (step % 2) },
        { name: "b", nodeSelectorTerm: zone("zone-b"), replicas: "50%" },
        { name: "c", nodeSelectorTerm: zone("zone-c") },
      ],
    },
  });
  const mine = (cs: CloneSet): boolean =>
    cs.metadata?.ownerReferences?.some((r) => r.kind === "UnitedDeployment" && r.name === name) === true;
  return {
    app: "uniteddeployment",
    async setup(client, ns) {
      await client.create(UnitedDeploymentKind, {
        apiVersion: "apps.kruise.io/v1alpha1",
        kind: "UnitedDeployment",
        metadata: { name, namespace: ns },
        spec: { selector: { matchLabels: { app: name } }, ...spec(0) },
      } as never);
    },
    async drive(client, ns, step) {
      await client.patch(UnitedDeploymentKind, name, ns, "merge", { spec: spec(step) });
    },
    check({ cloneSets, deletes }) {
      const problems: string[] = deletedTwice(deleted, deletes, `${name}-`, "uniteddeployment");
      const perSubset = new Map<string, string[]>();
      for (const cs of cloneSets ?? []) {
        if (!mine(cs) || cs.metadata?.deletionTimestamp !== undefined) continue;
        const subset = cs.metadata?.labels?.[SUBSET_NAME_LABEL] ?? "";
        perSubset.set(subset, [...(perSubset.get(subset) ?? []), cs.metadata?.name ?? ""]);
      }
      for (const [subset, names] of perSubset)
        if (names.length > 1)
          problems.push(
            `uniteddeployment: subset ${subset} has ${names.length} workloads (${names.sort().join(", ")})`,
          );
      return problems;
    },
    async converged(client, ns) {
      const ud = await client.get(UnitedDeploymentKind, name, ns);
      const s = ud.status;
      if (s?.observedGeneration !== ud.metadata?.generation) return false;
      const want = ud.spec?.replicas ?? 0;
      if (s?.replicas !== want || s.readyReplicas !== want || s.updatedReadyReplicas !== want) return false;
      const subsets = (await client.list(CloneSetKind, { namespace: ns })).items.filter(
        (cs) => mine(cs) && cs.metadata?.deletionTimestamp === undefined,
      );
      return (
        subsets.length === 3 &&
        subsets.every(
          (cs) => cs.spec?.replicas === s.subsetReplicas?.[cs.metadata?.labels?.[SUBSET_NAME_LABEL] ?? ""],
        )
      );
    },
  };
}

export const ALL_TARGETS = (): ChaosTarget[] => [
  cloneSetTarget(),
  daemonSetTarget(),
  statefulSetTarget(),
  broadcastJobTarget(),
  advancedCronJobTarget(),
  unitedDeploymentTarget(),
];

/** A bus message nobody real sent: a random id, a plausible subject, data that names real and unreal objects. */
export function forgedEvent(ns: string): {
  kind: string;
  namespace: string;
  name: string;
  event: string;
  id: string;
  data: unknown;
} {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)] as T;
  return {
    kind: pick(["BroadcastJob", "CloneSet", "AdvancedCronJob", "Job"]),
    namespace: ns,
    name: pick(["chaos-bcj-0", "chaos-cs", "chaos-acj", "nope"]),
    event: pick(["job-finished", "scaled", "schedule-fired", "pod-created"]),
    id: randomUUID(),
    data: {
      result: pick(["Complete", "Failed"]),
      job: { kind: "Job", name: "chaos-acj-1" },
      uid: randomUUID(),
    },
  };
}

export type { KubeObject, Pod as ChaosPod };
export { PodKind, JobKind };
