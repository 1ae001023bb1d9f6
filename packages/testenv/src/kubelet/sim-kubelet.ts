import type { Lease } from "kubernetes-types/coordination/v1.js";
import type { Node, Pod, PodStatus } from "kubernetes-types/core/v1.js";
import { isAlreadyExists, isConflict, isNotFound } from "../kube/api-error.ts";
import { MERGE_PATCH, STRATEGIC_MERGE_PATCH, type KubeHttpClient } from "../kube/http-client.ts";
import { ListWatch } from "../kube/list-watch.ts";
import { messageOf } from "../errors.ts";
import { SIMULATED_NODE_LABEL } from "./annotations.ts";
import type { RegistryImageResolver } from "./image-resolver.ts";
import { PodIpAllocator } from "./ip-allocator.ts";
import { KeyedWorkQueue, type HandlerResult } from "./keyed-work-queue.ts";
import type { KubeletOptions } from "./kubelet-options.ts";
import { podFaults, type PodFaults } from "./pod-faults.ts";
import { newPodRuntime, stepPod, type PodRuntime } from "./pod-runtime.ts";
import { desiredPodStatus, KUBELET_CONDITIONS } from "./pod-status.ts";
import {
  hasNotReadyTaint,
  nodeIsReady,
  nodeObject,
  nodeStatus,
  nodeWantsReady,
  taintsFor,
  type SimNode,
} from "./sim-node.ts";
import { statusPatch, statusUpToDate } from "./status-diff.ts";
import { kubeMicroTime } from "./time.ts";

export interface KubeletStats {
  /** Pods bound to a simulated node that the kubelet currently tracks. */
  pods: number;
  statusWrites: number;
  deletes: number;
  errors: number;
  /** Keys queued or in flight. */
  queueDepth: number;
}

interface LastWrite {
  desired: string;
  stored: string;
}

const POD_PREFIX = "pod/";
const NODE_PREFIX = "node/";
const LEASE_NAMESPACE = "kube-node-lease";
const LEASE_DURATION_SECONDS = 40;
/** Lost compare-and-swaps of a Node's taints before #syncNode gives up (each one re-reads the Node). */
const MAX_TAINT_SWAPS = 5;

/**
 * The kubelets of every simulated node, in-process: registers the Nodes, renews their Leases, and
 * writes pod status the way a kubelet would (image pulls, in-place image changes, readiness gates,
 * graceful deletion, faults). Faults come from annotations (any process) or from the methods here.
 */
export class SimKubelet {
  readonly #nodeList: SimNode[];
  readonly #client: KubeHttpClient;
  readonly #options: KubeletOptions;
  readonly #log: (line: string) => void;
  readonly #images: RegistryImageResolver | undefined;
  readonly #nodesByName: Map<string, SimNode>;
  readonly #nodeObjects = new Map<string, Node>();
  readonly #nodeReadyOverrides = new Map<string, boolean>();
  readonly #pods = new Map<string, Pod>();
  readonly #podsByNode = new Map<string, Set<string>>();
  readonly #runtimes = new Map<string, PodRuntime>();
  readonly #lastWrites = new Map<string, LastWrite>();
  readonly #podOverrides = new Map<string, Partial<PodFaults>>();
  readonly #ips = new PodIpAllocator();
  readonly #queue: KeyedWorkQueue;
  readonly #podWatch: ListWatch<Pod>;
  readonly #nodeWatch: ListWatch<Node>;
  #leaseTimer: NodeJS.Timeout | undefined;
  #stats = { statusWrites: 0, deletes: 0, errors: 0 };

  constructor(
    client: KubeHttpClient,
    nodes: SimNode[],
    options: KubeletOptions,
    log: (line: string) => void,
    images?: RegistryImageResolver,
  ) {
    this.#client = client;
    this.#nodeList = [...nodes];
    this.#images = images;
    this.#options = { ...options };
    this.#log = log;
    this.#nodesByName = new Map(nodes.map((node) => [node.name, node]));
    this.#queue = new KeyedWorkQueue(
      options.maxConcurrentWrites,
      (key) => this.#handle(key),
      (key, error) => {
        this.#stats.errors++;
        this.#log(`error syncing ${key}: ${messageOf(error)}`);
      },
    );
    // Only bound pods concern a kubelet; the field selector keeps unscheduled ones off the wire.
    this.#podWatch = new ListWatch<Pod>(
      client,
      "/api/v1/pods",
      { fieldSelector: "spec.nodeName!=" },
      {
        onList: (pods) => this.#replacePods(pods),
        onEvent: (type, pod) => (type === "DELETED" ? this.#forgetPod(pod) : this.#storePod(pod)),
        onError: (error) => this.#log(`pod watch: ${messageOf(error)} (retrying)`),
      },
    );
    this.#nodeWatch = new ListWatch<Node>(
      client,
      "/api/v1/nodes",
      { labelSelector: `${SIMULATED_NODE_LABEL}=true` },
      {
        onList: (list) => {
          for (const node of list) this.#storeNode(node);
        },
        onEvent: (type, node) => {
          if (type !== "DELETED") this.#storeNode(node);
        },
        onError: (error) => this.#log(`node watch: ${messageOf(error)} (retrying)`),
      },
    );
  }

  /** Every simulated node, those added after start included. */
  get nodes(): readonly SimNode[] {
    return this.#nodeList;
  }

  get nodeNames(): string[] {
    return this.nodes.map((node) => node.name);
  }

  get options(): Readonly<KubeletOptions> {
    return this.#options;
  }

  /** Registers the Nodes (Ready, untainted), creates their Leases, starts watching. */
  async start(): Promise<void> {
    for (const node of this.nodes) await this.#register(node);
    await Promise.all(this.nodes.map((node) => this.#renewLease(node)));
    this.#leaseTimer = setInterval(() => {
      for (const node of this.nodes) {
        this.#renewLease(node).catch((error: unknown) =>
          this.#log(`lease of ${node.name}: ${messageOf(error)}`),
        );
      }
    }, this.#options.leaseRenewIntervalMs);
    this.#leaseTimer.unref();
    this.#nodeWatch.start();
    this.#podWatch.start();
    await Promise.all([this.#nodeWatch.synced, this.#podWatch.synced]);
  }

  async stop(): Promise<void> {
    if (this.#leaseTimer !== undefined) clearInterval(this.#leaseTimer);
    this.#queue.stop();
    await Promise.all([this.#podWatch.stop(), this.#nodeWatch.stop()]);
  }

  /**
   * Overrides the pod's fault annotations from this process (`undefined` clears). Takes effect at once;
   * an override of `hold: false` releases a pod held by annotation.
   */
  setPodFaults(namespace: string, name: string, faults: Partial<PodFaults> | undefined): void {
    const key = `${namespace}/${name}`;
    if (faults === undefined) this.#podOverrides.delete(key);
    else this.#podOverrides.set(key, { ...this.#podOverrides.get(key), ...faults });
    this.#queue.add(POD_PREFIX + key);
  }

  /** Step-by-step mode from this process: hold a pod (true) or let it proceed (false). */
  hold(namespace: string, name: string, held: boolean): void {
    this.setPodFaults(namespace, name, { hold: held });
  }

  /**
   * Adds a simulated node while the kubelet runs (a node joining the cluster): registers the Node, creates its
   * Lease, and from then on runs its pods like any other. The zone label is `zone`; the name must be new.
   */
  async addNode(name: string, zone: string): Promise<SimNode> {
    if (this.#nodesByName.has(name)) throw new Error(`testenv: simulated node ${name} already exists`);
    const i = this.#nodeList.length;
    const node: SimNode = { name, zone, hostIP: `172.19.${Math.floor(i / 250)}.${(i % 250) + 1}` };
    this.#nodeList.push(node);
    this.#nodesByName.set(name, node);
    // The node watch is running: the Node's status and taints are brought in line by the queue, one writer per node.
    this.#nodeObjects.set(name, await this.#client.create<Node>("/api/v1/nodes", nodeObject(node)));
    this.#queue.add(NODE_PREFIX + name);
    await this.#renewLease(node);
    return node;
  }

  /** Makes a node Ready or NotReady from this process; `undefined` returns control to its annotation. */
  setNodeReady(nodeName: string, ready: boolean | undefined): void {
    if (!this.#nodesByName.has(nodeName))
      throw new Error(`testenv: ${nodeName} is not a simulated node (nodes: ${this.nodeNames.join(", ")})`);
    if (ready === undefined) this.#nodeReadyOverrides.delete(nodeName);
    else this.#nodeReadyOverrides.set(nodeName, ready);
    this.#queue.add(NODE_PREFIX + nodeName);
  }

  /** Changes the default image pull delay for pulls that start from now on. */
  setPullDelay(ms: number): void {
    this.#options.pullDelayMs = Math.max(0, ms);
  }

  stats(): KubeletStats {
    return { pods: this.#pods.size, ...this.#stats, queueDepth: this.#queue.depth };
  }

  /** Resolves once no pod or node is queued or being written (timers for pulls may still be pending). */
  async idle(): Promise<void> {
    await this.#queue.idle();
  }

  // ---- Nodes and leases

  async #register(node: SimNode): Promise<void> {
    let current: Node;
    try {
      current = await this.#client.create<Node>("/api/v1/nodes", nodeObject(node));
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
      current = await this.#client.patch<Node>(
        `/api/v1/nodes/${node.name}`,
        { metadata: nodeObject(node).metadata },
        STRATEGIC_MERGE_PATCH,
      );
    }
    this.#nodeObjects.set(node.name, current);
    await this.#syncNode(node.name);
  }

  async #renewLease(node: SimNode): Promise<void> {
    const path = `/apis/coordination.k8s.io/v1/namespaces/${LEASE_NAMESPACE}/leases/${node.name}`;
    const spec = {
      holderIdentity: node.name,
      leaseDurationSeconds: LEASE_DURATION_SECONDS,
      renewTime: kubeMicroTime(),
    };
    try {
      await this.#client.patch<Lease>(path, { spec }, MERGE_PATCH);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      const nodeUid = this.#nodeObjects.get(node.name)?.metadata?.uid;
      const lease: Lease = {
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: {
          name: node.name,
          namespace: LEASE_NAMESPACE,
          ...(nodeUid === undefined
            ? {}
            : { ownerReferences: [{ apiVersion: "v1", kind: "Node", name: node.name, uid: nodeUid }] }),
        },
        spec,
      };
      await this.#client.create(`/apis/coordination.k8s.io/v1/namespaces/${LEASE_NAMESPACE}/leases`, lease);
    }
  }

  #storeNode(node: Node): void {
    const name = node.metadata?.name;
    if (name === undefined || !this.#nodesByName.has(name)) return;
    const previous = this.#nodeObjects.get(name);
    this.#nodeObjects.set(name, node);
    if (previous !== undefined && nodeIsReady(previous) !== nodeIsReady(node)) {
      // Pod readiness follows node readiness.
      for (const key of this.#podsByNode.get(name) ?? []) this.#queue.add(POD_PREFIX + key);
    }
    this.#queue.add(NODE_PREFIX + name);
  }

  /** Brings the Node's Ready condition and not-ready taint in line with what is asked of it. */
  async #syncNode(name: string): Promise<HandlerResult> {
    const sim = this.#nodesByName.get(name);
    const node = this.#nodeObjects.get(name);
    if (sim === undefined || node === undefined) return undefined;
    const ready = nodeWantsReady(node, this.#nodeReadyOverrides.get(name));
    let current = node;
    if (nodeIsReady(node) !== ready || node.status?.nodeInfo === undefined) {
      current = await this.#client.patch<Node>(
        `/api/v1/nodes/${name}/status`,
        { status: nodeStatus(sim, this.#options.capacity, ready, Date.now()) },
        STRATEGIC_MERGE_PATCH,
      );
      this.#stats.statusWrites++;
    }
    // resourceVersion makes this a compare-and-swap: taints is a plain list others may edit too (kube-controller-
    // manager's node lifecycle controller taints and untaints these nodes). A lost swap re-reads the Node and tries
    // again, so registration does not fail on a concurrent writer.
    for (let attempt = 1; hasNotReadyTaint(current) === ready; attempt++) {
      try {
        current = await this.#client.patch<Node>(
          `/api/v1/nodes/${name}`,
          {
            metadata: { resourceVersion: current.metadata?.resourceVersion },
            spec: { taints: taintsFor(current, ready) },
          },
          MERGE_PATCH,
        );
      } catch (error) {
        if (!isConflict(error) || attempt >= MAX_TAINT_SWAPS) throw error;
        current = await this.#client.get<Node>(`/api/v1/nodes/${name}`);
      }
    }
    if (nodeIsReady(this.#nodeObjects.get(name)) !== nodeIsReady(current)) {
      for (const key of this.#podsByNode.get(name) ?? []) this.#queue.add(POD_PREFIX + key);
    }
    this.#nodeObjects.set(name, current);
    return undefined;
  }

  // ---- Pods

  #replacePods(pods: Pod[]): void {
    const seen = new Set<string>();
    for (const pod of pods) {
      const key = podKey(pod);
      if (key !== undefined) seen.add(key);
      this.#storePod(pod);
    }
    for (const [key, pod] of [...this.#pods]) if (!seen.has(key)) this.#forgetPod(pod);
  }

  #storePod(pod: Pod): void {
    const key = podKey(pod);
    const nodeName = pod.spec?.nodeName;
    if (key === undefined || nodeName === undefined || !this.#nodesByName.has(nodeName)) return;
    this.#pods.set(key, pod);
    let onNode = this.#podsByNode.get(nodeName);
    if (onNode === undefined) {
      onNode = new Set();
      this.#podsByNode.set(nodeName, onNode);
    }
    onNode.add(key);
    this.#queue.add(POD_PREFIX + key);
  }

  #forgetPod(pod: Pod): void {
    const key = podKey(pod);
    if (key === undefined) return;
    const stored = this.#pods.get(key);
    // A newer pod of the same name may already be stored; only forget the one that was deleted.
    if (stored !== undefined && stored.metadata?.uid !== pod.metadata?.uid) {
      this.#releaseRuntime(pod.metadata?.uid);
      return;
    }
    this.#pods.delete(key);
    const nodeName = pod.spec?.nodeName;
    if (nodeName !== undefined) this.#podsByNode.get(nodeName)?.delete(key);
    this.#releaseRuntime(pod.metadata?.uid);
    this.#queue.forget(POD_PREFIX + key);
  }

  #releaseRuntime(uid: string | undefined): void {
    if (uid === undefined) return;
    const runtime = this.#runtimes.get(uid);
    if (runtime !== undefined) this.#ips.release(runtime.podIP);
    this.#runtimes.delete(uid);
    this.#lastWrites.delete(uid);
  }

  async #handle(key: string): Promise<HandlerResult> {
    if (key.startsWith(NODE_PREFIX)) return this.#syncNode(key.slice(NODE_PREFIX.length));
    return this.#syncPod(key.slice(POD_PREFIX.length));
  }

  async #syncPod(key: string): Promise<HandlerResult> {
    const pod = this.#pods.get(key);
    const meta = pod?.metadata;
    const nodeName = pod?.spec?.nodeName;
    const sim = nodeName === undefined ? undefined : this.#nodesByName.get(nodeName);
    if (
      pod === undefined ||
      meta?.uid === undefined ||
      meta.name === undefined ||
      meta.namespace === undefined ||
      sim === undefined
    )
      return undefined;
    const faults = podFaults(meta, this.#options.pullDelayMs, this.#podOverrides.get(key));
    if (faults.hold) return undefined;
    const path = `/api/v1/namespaces/${meta.namespace}/pods/${meta.name}`;

    if (meta.deletionTimestamp !== undefined) {
      // Containers are gone at once; confirm the termination the way the kubelet's status manager does.
      if ((meta.deletionGracePeriodSeconds ?? 1) > 0 || (meta.finalizers ?? []).length === 0) {
        try {
          await this.#client.delete(path, {
            apiVersion: "v1",
            kind: "DeleteOptions",
            gracePeriodSeconds: 0,
            preconditions: { uid: meta.uid },
          });
          this.#stats.deletes++;
        } catch (error) {
          if (
            !isNotFound(error) &&
            !(error instanceof Error && /Precondition failed|UID in precondition/i.test(error.message))
          )
            throw error;
        }
      }
      return undefined;
    }

    const now = Date.now();
    let runtime = this.#runtimes.get(meta.uid);
    if (runtime === undefined) {
      const existingIP = pod.status?.podIP;
      if (existingIP !== undefined && existingIP !== "") this.#ips.reserve(existingIP);
      runtime = newPodRuntime(pod, existingIP || this.#ips.allocate(), now);
      this.#runtimes.set(meta.uid, runtime);
    }
    // What a pull would find; known images are answered from memory.
    const images = await this.#images?.resolveAll((pod.spec?.containers ?? []).map((c) => c.image ?? ""));
    const wakeMs = stepPod(runtime, pod, {
      now,
      faults,
      crashLoopIntervalMs: this.#options.crashLoopIntervalMs,
      ...(images === undefined ? {} : { images }),
    });
    const desired = desiredPodStatus({
      pod,
      runtime,
      faults,
      hostIP: sim.hostIP,
      nodeReady: nodeIsReady(this.#nodeObjects.get(sim.name)),
      now,
    });
    const desiredJson = JSON.stringify(desired);
    const last = this.#lastWrites.get(meta.uid);
    // The second test covers a server that normalises part of what we wrote: same request, same stored result.
    const upToDate =
      statusUpToDate(desired, pod.status) ||
      (last?.desired === desiredJson && last.stored === projection(pod.status));
    if (!upToDate) {
      try {
        const stored = await this.#client.patch<Pod>(
          `${path}/status`,
          statusPatch(desired),
          STRATEGIC_MERGE_PATCH,
        );
        this.#stats.statusWrites++;
        this.#lastWrites.set(meta.uid, { desired: desiredJson, stored: projection(stored.status) });
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    }
    return wakeMs === undefined ? undefined : { requeueAfterMs: wakeMs };
  }
}

function podKey(pod: Pod): string | undefined {
  const { namespace, name } = pod.metadata ?? {};
  return namespace === undefined || name === undefined ? undefined : `${namespace}/${name}`;
}

/** The fields of a stored status the kubelet owns, serialised for comparison. */
function projection(status: PodStatus | undefined): string {
  return JSON.stringify([
    status?.phase,
    status?.podIP,
    status?.hostIP,
    status?.startTime,
    status?.containerStatuses,
    status?.initContainerStatuses,
    (status?.conditions ?? []).filter((c) => (KUBELET_CONDITIONS as readonly string[]).includes(c.type)),
  ]);
}
