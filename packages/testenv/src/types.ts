import type { NatsUserGrant } from "./components/nats-auth.ts";
import type { RegistryInfo } from "./components/registry.ts";
import type { RegistryThrottle } from "./components/registry-throttle.ts";
import type { KubeletOptions } from "./kubelet/kubelet-options.ts";
import type { SimKubelet } from "./kubelet/sim-kubelet.ts";

/** Fixed ports, for tests of port clashes or a demo on known ports. Unset ports are chosen free. */
export interface ControlPlanePorts {
  etcdClient: number;
  etcdPeer: number;
  apiserver: number;
  nats: number;
}

/** A client's token bucket: steady requests per second and the burst above it. */
export interface ClientRate {
  qps: number;
  burst: number;
}

export interface ControlPlaneOptions {
  /** Simulated nodes, default 3. */
  nodes?: number;
  /**
   * Real nodes (0-3, default 0) beside the simulated ones: kubelet, containerd (CRI), runc and a CNI
   * bridge each, named `testenv-real-<i>` and labelled `testenv.kruise.io/real=true`, with one
   * kube-proxy. Needs Linux, root and tools/setup.sh's packages (`realNodeSupport()` says why not).
   */
  realNodes?: number;
  /**
   * A CRI image service for every simulated node (default false): a containerd of its own that only pulls,
   * mirrored to the local registry like a real node's, its socket in `criSockets`. For node agents that pull
   * through CRI (kruise-daemon). Needs what real nodes need (containerd, root); each costs ~40 MiB.
   */
  imageServices?: boolean;
  /**
   * Nodes' containerd (real and image services) pull through a relay in this process that `plane.registryThrottle`
   * can slow down or make unreachable (default false: they pull from the registry directly).
   */
  throttledRegistry?: boolean;
  /** Zones, default ["zone-a","zone-b","zone-c"]; node i gets zone i % zones.length. */
  zones?: string[];
  /** Folder of CRD manifests (every *.yaml, applied then waited for Established). Default <repo>/crds; false = none. */
  crdsDir?: string | false;
  /**
   * Run kube-controller-manager (garbage collector, namespace, workload controllers). Default true. A rate runs it
   * with that client QPS/burst instead of its own defaults (20/30), e.g. to compare a controller at equal pace.
   */
  controllerManager?: boolean | ClientRate;
  /** Run kube-scheduler. Default true; without it pods stay unscheduled. */
  scheduler?: boolean;
  /**
   * Run the repository's CRD conversion webhook (apps/conversion-webhook) when an installed CRD converts by webhook
   * (CloneSet v1alpha1 <-> v1beta1). Default true; without it only the CRDs' storage versions can be read.
   */
  conversionWebhook?: boolean;
  /** Run nats-server with JetStream. Default true. */
  nats?: boolean;
  /**
   * NATS users besides the admin (`natsUrl`), each allowed to publish and consume only its grant (see
   * natsPermissions). Clients without credentials are always refused.
   */
  natsUsers?: Record<string, NatsUserGrant>;
  /** The JetStream stream the users' consumer permissions refer to. Default "KRUISE". */
  natsStream?: string;
  /**
   * Run a local OCI registry (Debian's docker-registry) with the test images of tools/build-images.sh
   * (nginx, busybox, pause). Default true when they are built; the simulated kubelet then pulls
   * truthfully (a missing image gives ErrImagePull, imageID is the registry's digest).
   */
  registry?: boolean;
  /** Simulated kubelet behaviour (pull delay, capacity, write concurrency...). */
  kubelet?: Partial<KubeletOptions>;
  /** Work directory for data, certificates, kubeconfigs and logs. Default a fresh temp dir, removed on stop(). */
  workDir?: string;
  /** Turn off API Priority and Fairness and the inflight limits, and raise kube-scheduler's QPS. */
  benchmarkMode?: boolean;
  /** Progress lines ("starting etcd…", "kube-apiserver ready in 8.2s"). */
  log?: (line: string) => void;
  /**
   * kube-apiserver's watch cache, default true. With it, a watch from a resourceVersion that etcd has
   * compacted is still served from the cache's window; false sends watches to etcd, so compactEtcd()
   * yields 410 Gone at once (restartApiserver() also empties the cache).
   */
  watchCache?: boolean;
  /** Folder with the binaries; default findBinaries(). */
  binDir?: string;
  /** Fixed ports instead of free ones. */
  ports?: Partial<ControlPlanePorts>;
  /** Users for least-privilege RBAC tests: name -> groups. Each gets a static token in `userTokens`. */
  users?: Record<string, string[]>;
  /**
   * Reuse the tokens and the ServiceAccount signing key an earlier start left in `workDir` (default false: new
   * ones each start). With the same workDir and `ports.apiserver`, a kubeconfig copied from an earlier start
   * stays valid (`npm start`).
   */
  keepCredentials?: boolean;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Seconds each start-up stage took, in start order. */
export type StartupTimings = Record<string, number>;

export interface ControlPlane {
  /** https://127.0.0.1:<port> */
  server: string;
  /** PEM bundle that verifies the API server's serving certificate. */
  caData: string;
  /** Bearer token of a system:masters user. */
  adminToken: string;
  /** Admin kubeconfig (token auth) in workDir. */
  kubeconfigPath: string;
  /** Its content. */
  kubeconfig: string;
  /** nats://testenv:<password>@127.0.0.1:<port>: the admin user (every permission), or undefined without NATS. */
  natsUrl: string | undefined;
  /** nats://<user>:<password>@127.0.0.1:<port> for a user named in natsUsers. */
  natsUserUrl(user: string): string;
  /** nats://127.0.0.1:<port> without credentials: for tests that show it is refused. */
  natsAnonymousUrl: string | undefined;
  /** http://127.0.0.1:<port> */
  etcdUrl: string;
  /** Names of the real nodes (empty without). */
  realNodes: string[];
  /**
   * The real nodes' cluster DNS (CoreDNS on this address:53, the kubelets' clusterDNS, domain cluster.local), or
   * undefined without real nodes: their pods resolve `<service>.<namespace>.svc` as in any cluster.
   */
  clusterDns: string | undefined;
  /**
   * Node name → path of its CRI socket (`unix://` + path is the endpoint): every real node, and every simulated
   * node with `imageServices` or `addImageService`.
   */
  criSockets: Record<string, string>;
  /** The relay of `throttledRegistry`, or undefined. */
  registryThrottle: RegistryThrottle | undefined;
  /** Starts the CRI image service of a simulated node (e.g. one added with `kubelet.addNode`); returns its socket. */
  addImageService(nodeName: string): Promise<string>;
  /** The local image registry (push with `crane push … ${registry.address}/name:tag`), or undefined without one. */
  registry: RegistryInfo | undefined;
  binDir: string;
  workDir: string;
  /** Tokens of the `users` option, by user name. */
  userTokens: Record<string, string>;
  /** How long each start-up stage took, in seconds. */
  timings: StartupTimings;
  /** Runs the matching kubectl as admin (or with `token`). Never rejects on a non-zero exit. */
  kubectl(args: string[], opts?: { input?: string; token?: string }): Promise<KubectlResult>;
  /** Creates the ServiceAccount if missing, asks a token with TokenRequest, writes a kubeconfig file, returns its path. */
  serviceAccountKubeconfig(namespace: string, name: string): Promise<string>;
  /** Stops kube-apiserver (SIGTERM) and starts it again on the same port and etcd. */
  restartApiserver(): Promise<void>;
  stopApiserver(): Promise<void>;
  startApiserver(): Promise<void>;
  /** Stops the conversion webhook (to see what users see when it is down); start brings it back on its port. */
  stopConversionWebhook(): Promise<void>;
  startConversionWebhook(): Promise<void>;
  /** Stops nats-server; startNats() brings it back on the same port with the same store dir. */
  stopNats(): Promise<void>;
  startNats(): Promise<void>;
  /** Compacts etcd to its current revision, so older resourceVersions answer 410 Gone. */
  compactEtcd(): Promise<void>;
  /** The in-process simulated kubelet of every node. */
  kubelet: SimKubelet;
  /** Live child processes, for memory measurements. */
  processes(): Array<{ name: string; pid: number }>;
  /** Stops everything (SIGTERM, SIGKILL after 2 s) and removes a temporary workDir. */
  stop(): Promise<void>;
}
