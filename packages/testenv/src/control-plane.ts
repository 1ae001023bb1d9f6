import { createWriteStream, existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findBinaries } from "./binaries.ts";
import {
  compactEtcdToCurrentRevision,
  etcdReadiness,
  etcdSpec,
  etcdUrl,
  type EtcdPorts,
} from "./components/etcd.ts";
import { healthzReadiness } from "./components/healthz.ts";
import {
  apiserverCaFile,
  apiserverReadiness,
  apiserverSpec,
  servesPods,
} from "./components/kube-apiserver.ts";
import { controllerManagerSpec } from "./components/kube-controller-manager.ts";
import { schedulerSpec } from "./components/kube-scheduler.ts";
import { natsReadiness, natsSpec, type NatsPorts } from "./components/nats-server.ts";
import { natsAuthorization, natsUserUrl } from "./components/nats-auth.ts";
import {
  copyImageStore,
  findTestImages,
  registryReadiness,
  registrySpec,
  type RegistryInfo,
} from "./components/registry.ts";
import { applyCrds } from "./crds.ts";
import {
  conversionWebhookMain,
  conversionWebhookReadiness,
  conversionWebhookSpec,
  webhookConvertedCrds,
} from "./components/conversion-webhook.ts";
import { writeCredentials } from "./credentials.ts";
import { ControlPlaneError, messageOf } from "./errors.ts";
import { isAlreadyExists } from "./kube/api-error.ts";
import { KubeHttpClient } from "./kube/http-client.ts";
import { runKubectl } from "./kubectl.ts";
import { renderKubeconfig } from "./kubeconfig.ts";
import { RegistryImageResolver } from "./kubelet/image-resolver.ts";
import { resolveKubeletOptions } from "./kubelet/kubelet-options.ts";
import { SimKubelet } from "./kubelet/sim-kubelet.ts";
import { simNodes } from "./kubelet/sim-node.ts";
import { startRegistryThrottle, type RegistryThrottle } from "./components/registry-throttle.ts";
import { ImageService } from "./realnode/image-service.ts";
import { acquireSlot, addLoopbackAddress, removeLoopbackAddress, type HostSlot } from "./realnode/host.ts";
import { apiserverAddress, MAX_REAL_NODES } from "./realnode/layout.ts";
import { RealNodes } from "./realnode/real-nodes.ts";
import { realNodeSupport } from "./realnode/support.ts";
import { freePort, isPortBusy } from "./ports.ts";
import { ManagedProcess, type ProcessSpec, type ReadinessCheck } from "./process/managed-process.ts";
import { OrphanGuard } from "./process/orphan-guard.ts";
import { findRepoRoot } from "./repo-root.ts";
import { ensureDefaultStorageClass } from "./storage-class.ts";
import type { ControlPlane, ControlPlaneOptions, ControlPlanePorts, StartupTimings } from "./types.ts";

const DEFAULT_ZONES = ["zone-a", "zone-b", "zone-c"];

/**
 * Starts etcd, kube-apiserver, the CRDs, kube-controller-manager, kube-scheduler, the simulated
 * kubelets and nats-server, in that order, all on free 127.0.0.1 ports. Any failure stops what was
 * started and throws a ControlPlaneError naming the process, its last log lines and what to do.
 */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const nodeCount = options.nodes ?? 3;
  const zones = options.zones ?? DEFAULT_ZONES;
  if (!Number.isInteger(nodeCount) || nodeCount < 0)
    throw new ControlPlaneError(
      "options",
      `nodes must be an integer >= 0, got ${nodeCount}`,
      "pass e.g. { nodes: 3 }",
    );
  if (zones.length === 0)
    throw new ControlPlaneError(
      "options",
      "zones must not be empty",
      'pass e.g. { zones: ["zone-a"] } or leave it out',
    );
  const realNodeCount = options.realNodes ?? 0;
  if (!Number.isInteger(realNodeCount) || realNodeCount < 0 || realNodeCount > MAX_REAL_NODES)
    throw new ControlPlaneError(
      "options",
      `realNodes must be an integer from 0 to ${MAX_REAL_NODES}, got ${realNodeCount}`,
      "pass e.g. { realNodes: 1 }",
    );
  const kubeletOptions = resolveKubeletOptions(options.kubelet);
  const log = options.log ?? (() => {});

  const binDir = await findBinaries(options.binDir);
  if (realNodeCount > 0) {
    const support = realNodeSupport(binDir);
    if (!support.ok)
      throw new ControlPlaneError("real nodes", support.reason, "start with realNodes: 0, or fix the above");
  }
  const ownsWorkDir = options.workDir === undefined;
  const workDir = options.workDir ?? (await mkdtemp(join(tmpdir(), "kruise-testenv-")));
  await mkdir(workDir, { recursive: true });
  const guard = new OrphanGuard(workDir, ownsWorkDir);
  const started: ManagedProcess[] = [];
  const onExit = (): void => guard.killAllNow();
  process.on("exit", onExit);

  const timings: StartupTimings = {};
  const stage = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    log(`starting ${name}…`);
    const begin = performance.now();
    const result = await run();
    const seconds = Math.round((performance.now() - begin) / 100) / 10;
    timings[name] = seconds;
    log(`${name} ready in ${seconds}s`);
    return result;
  };

  let kubelet: SimKubelet | undefined;
  let client: KubeHttpClient | undefined;
  let realNodes: RealNodes | undefined;
  const imageServices: ImageService[] = [];
  let registryThrottle: RegistryThrottle | undefined;
  let slot: HostSlot | undefined;
  // 127.0.0.1 unless real nodes run pods that must reach the API server through the `kubernetes` Service.
  let address = "127.0.0.1";
  const cleanup = async (): Promise<void> => {
    await Promise.all(imageServices.map((service) => service.stop().catch(() => {})));
    await registryThrottle?.close().catch(() => {});
    await realNodes?.stop().catch((error: unknown) => log(`stopping real nodes: ${messageOf(error)}`));
    await kubelet?.stop().catch(() => {});
    await client?.close().catch(() => {});
    for (const proc of [...started].reverse()) await proc.stop();
    if (slot !== undefined) {
      if (servesPods(address)) await removeLoopbackAddress(address);
      await slot.release();
    }
    guard.dispose();
    process.off("exit", onExit);
    if (ownsWorkDir) await rm(workDir, { recursive: true, force: true, maxRetries: 3 });
  };

  try {
    const startBegin = performance.now();
    const hostSlot = realNodeCount > 0 ? await acquireSlot(workDir) : undefined;
    slot = hostSlot;
    if (hostSlot !== undefined) {
      address = apiserverAddress(hostSlot.slot);
      await addLoopbackAddress(address);
    }
    const inCluster = servesPods(address);
    const fixed = options.ports ?? {};
    await checkFixedPorts(fixed);
    const credentials = await writeCredentials(
      workDir,
      options.users ?? {},
      options.keepCredentials ?? false,
    );

    // etcd and kube-apiserver get fresh ports once more if another process grabbed the free ones first.
    const launch = async (
      make: () => Promise<ProcessSpec>,
      readiness: (spec: ProcessSpec) => ReadinessCheck,
      canRetry: boolean,
    ): Promise<ManagedProcess> => {
      for (let attempt = 0; ; attempt++) {
        const proc = new ManagedProcess(await make(), guard);
        proc.start();
        started.push(proc);
        try {
          await proc.waitUntilReady(readiness(proc.spec));
          return proc;
        } catch (error) {
          await proc.stop();
          started.splice(started.indexOf(proc), 1);
          if (!canRetry || attempt > 0 || !/already in use/.test(messageOf(error))) throw error;
          log(`${proc.name}: port taken by another process, retrying on fresh ports`);
        }
      }
    };

    let etcdPorts: EtcdPorts = { client: 0, peer: 0 };
    const etcd = await stage("etcd", () =>
      launch(
        async () => {
          etcdPorts = {
            client: fixed.etcdClient ?? (await freePort()),
            peer: fixed.etcdPeer ?? (await freePort()),
          };
          return etcdSpec(binDir, workDir, etcdPorts);
        },
        () => etcdReadiness(etcdPorts),
        fixed.etcdClient === undefined && fixed.etcdPeer === undefined,
      ),
    );

    let apiserverPort = 0;
    const benchmarkMode = options.benchmarkMode ?? false;
    const apiserver = await stage("kube-apiserver", () =>
      launch(
        async () => {
          apiserverPort = fixed.apiserver ?? (await freePort());
          return apiserverSpec({
            binDir,
            workDir,
            port: apiserverPort,
            etcdUrl: etcdUrl(etcdPorts),
            credentials,
            benchmarkMode,
            watchCache: options.watchCache ?? true,
            address,
          });
        },
        () => apiserverReadiness(`https://${address}:${apiserverPort}`, credentials.adminToken),
        fixed.apiserver === undefined,
      ),
    );
    const server = `https://${address}:${apiserverPort}`;
    const caFile = apiserverCaFile(workDir, address);
    const caData = await readFile(caFile, "utf8");
    const kubeconfig = renderKubeconfig({
      server,
      caData,
      token: credentials.adminToken,
      user: "testenv-admin",
    });
    const kubeconfigPath = join(workDir, "admin.kubeconfig");
    await writeFile(kubeconfigPath, kubeconfig, { mode: 0o600 });
    client = new KubeHttpClient({ server, caData, token: credentials.adminToken }, 64);
    const adminClient = client;

    const crdsDir = options.crdsDir === undefined ? defaultCrdsDir() : options.crdsDir;
    if (crdsDir !== false) {
      const names = await stage("crds", () => applyCrds(adminClient, crdsDir));
      log(`${names.length} CRDs established from ${crdsDir}`);
    }

    // Both are independent; starting them together saves several seconds on 2 cores.
    const components: Array<Promise<ManagedProcess>> = [];
    const controllerManager = options.controllerManager ?? true;
    if (controllerManager !== false) {
      const rate = controllerManager === true ? undefined : controllerManager;
      components.push(
        stage("kube-controller-manager", async () => {
          const port = await freePort();
          return launch(
            async () =>
              controllerManagerSpec({
                binDir,
                workDir,
                kubeconfigPath,
                port,
                rootCaFile: caFile,
                inCluster,
                rate,
              }),
            () => healthzReadiness(port),
            false,
          );
        }),
      );
    }
    if (options.scheduler ?? true) {
      components.push(
        stage("kube-scheduler", async () => {
          const port = await freePort();
          return launch(
            async () => schedulerSpec(binDir, workDir, kubeconfigPath, port, benchmarkMode),
            () => healthzReadiness(port),
            false,
          );
        }),
      );
    }
    let registry: RegistryInfo | undefined;
    if (options.registry ?? true) {
      const images = await findTestImages();
      if ("problem" in images) log(`no image registry: ${images.problem}; simulated pulls always succeed`);
      else {
        components.push(
          stage("registry", async () => {
            const storage = join(workDir, "registry");
            if (!existsSync(storage)) await copyImageStore(images.dir, storage);
            const port = await freePort();
            const url = `http://127.0.0.1:${port}`;
            const proc = await launch(
              () => registrySpec(workDir, port, storage),
              () => registryReadiness(url),
              false,
            );
            registry = { address: `127.0.0.1:${port}`, url };
            return proc;
          }),
        );
      }
    }
    // The CRDs whose versions differ in shape name the conversion webhook: it serves them the moment they exist.
    let conversionWebhook: { proc: ManagedProcess; readiness: ReadinessCheck } | undefined;
    const webhookMain =
      crdsDir !== false && (options.conversionWebhook ?? true) ? conversionWebhookMain() : undefined;
    const convertedCrds = webhookMain === undefined ? [] : await webhookConvertedCrds(adminClient);
    if (webhookMain !== undefined && convertedCrds.length > 0) {
      components.push(
        stage("conversion-webhook", async () => {
          const port = await freePort();
          const healthPort = await freePort();
          const readiness = conversionWebhookReadiness(adminClient, convertedCrds, port);
          const proc = await launch(
            async () =>
              conversionWebhookSpec({ main: webhookMain, workDir, kubeconfigPath, port, healthPort }),
            () => readiness,
            false,
          );
          conversionWebhook = { proc, readiness };
          return proc;
        }),
      );
    }
    await settleAll(components);
    await ensureDefaultStorageClass(adminClient);

    if (options.throttledRegistry === true && registry !== undefined)
      registryThrottle = await startRegistryThrottle(Number(new URL(registry.url).port));

    const kubeletLog = createWriteStream(join(workDir, "kubelet.log"), { flags: "a" });
    kubeletLog.on("error", () => {});
    const simKubelet = new SimKubelet(
      adminClient,
      simNodes(nodeCount, zones, kubeletOptions.nodeNamePrefix),
      kubeletOptions,
      (line) => {
        kubeletLog.write(`${new Date().toISOString()} ${line}\n`);
      },
      registry === undefined ? undefined : new RegistryImageResolver(registry.url),
    );
    kubelet = simKubelet;
    await stage("kubelet", async () => {
      try {
        await simKubelet.start();
      } catch (error) {
        throw new ControlPlaneError(
          "kubelet",
          `registering ${nodeCount} simulated nodes failed: ${messageOf(error)}`,
          `read ${join(workDir, "kubelet.log")} and kube-apiserver.log`,
        );
      }
    });

    if (hostSlot !== undefined) {
      if (registry === undefined)
        throw new ControlPlaneError(
          "real nodes",
          "real nodes pull every image (the pause image too) from the local registry, which is not running",
          "run tools/setup.sh as root so the registry and the test images exist, or start with realNodes: 0",
        );
      const registryUrl = registryThrottle?.url ?? registry.url;
      realNodes = await stage("real nodes", () =>
        RealNodes.start({
          count: realNodeCount,
          slot: hostSlot,
          workDir,
          binDir,
          guard,
          kubeconfigPath,
          registryUrl,
          zones,
          client: adminClient,
          log,
        }),
      );
      // The ServiceAccount admission plugin rejects a pod whose ServiceAccount does not exist yet.
      await stage("default ServiceAccount", () => waitForServiceAccount(adminClient, "default", "default"));
    }

    const criSockets: Record<string, string> = Object.fromEntries(
      (realNodes?.nodes ?? []).map((node) => [node.name, node.layout.containerdSocket]),
    );
    const addImageService = async (nodeName: string): Promise<string> => {
      const support = realNodeSupport(binDir);
      if (!support.ok)
        throw new ControlPlaneError("image service", support.reason, "start without imageServices");
      const service = new ImageService(nodeName, {
        workDir,
        guard,
        registryUrl: registryThrottle?.url ?? registry?.url,
      });
      imageServices.push(service);
      await service.start();
      criSockets[nodeName] = service.socket;
      return service.socket;
    };
    if (options.imageServices === true)
      await stage("image services", () =>
        Promise.all(
          simNodes(nodeCount, zones, kubeletOptions.nodeNamePrefix).map((n) => addImageService(n.name)),
        ),
      );

    let natsProcess: ManagedProcess | undefined;
    let natsPorts: NatsPorts = { client: 0, monitor: 0 };
    const natsAuth = natsAuthorization(options.natsUsers ?? {}, options.natsStream ?? "KRUISE");
    if (options.nats ?? true) {
      natsProcess = await stage("nats-server", () =>
        launch(
          async () => {
            natsPorts = { client: fixed.nats ?? (await freePort()), monitor: await freePort() };
            return natsSpec(binDir, workDir, natsPorts, natsAuth.config);
          },
          () => natsReadiness(natsPorts),
          fixed.nats === undefined,
        ),
      );
    }
    timings.total = Math.round((performance.now() - startBegin) / 100) / 10;
    log(`control plane ready in ${timings.total}s (${server}, work dir ${workDir})`);

    let stopped = false;
    const plane: ControlPlane = {
      server,
      caData,
      adminToken: credentials.adminToken,
      kubeconfigPath,
      kubeconfig,
      natsUrl: natsProcess === undefined ? undefined : natsUserUrl(natsAuth.admin, natsPorts.client),
      natsUserUrl: (user) => {
        const known = natsAuth.users[user];
        if (natsProcess === undefined || known === undefined)
          throw new ControlPlaneError(
            "nats-server",
            `no NATS user ${JSON.stringify(user)}`,
            "name it in startControlPlane({ natsUsers })",
          );
        return natsUserUrl(known, natsPorts.client);
      },
      natsAnonymousUrl: natsProcess === undefined ? undefined : `nats://127.0.0.1:${natsPorts.client}`,
      etcdUrl: etcdUrl(etcdPorts),
      registry,
      realNodes: realNodes?.nodeNames ?? [],
      clusterDns: realNodes?.dnsAddress,
      criSockets,
      addImageService,
      registryThrottle,
      binDir,
      workDir,
      userTokens: Object.fromEntries(credentials.users.map((user) => [user.name, user.token])),
      timings,
      kubelet: simKubelet,
      kubectl: (args, opts) => runKubectl(binDir, kubeconfigPath, args, opts),
      serviceAccountKubeconfig: async (namespace, name) => {
        const token = await serviceAccountToken(adminClient, namespace, name);
        const path = join(workDir, `sa-${namespace}-${name}.kubeconfig`);
        await writeFile(
          path,
          renderKubeconfig({ server, caData, token, user: `${namespace}-${name}` }, namespace),
          { mode: 0o600 },
        );
        return path;
      },
      stopApiserver: () => apiserver.stop(),
      startApiserver: async () => {
        await apiserver.ensureRunning(apiserverReadiness(server, credentials.adminToken));
      },
      restartApiserver: async () => {
        await plane.stopApiserver();
        await plane.startApiserver();
      },
      stopConversionWebhook: async () => {
        await conversionWebhook?.proc.stop();
      },
      startConversionWebhook: async () => {
        if (conversionWebhook === undefined)
          throw new ControlPlaneError(
            "conversion-webhook",
            "this control plane runs no conversion webhook (conversionWebhook: false, or no CRD converts by webhook)",
            "start it with the repository's crds/ and conversionWebhook: true (the default)",
          );
        await conversionWebhook.proc.ensureRunning(conversionWebhook.readiness);
      },
      stopNats: async () => {
        await natsProcess?.stop();
      },
      startNats: async () => {
        if (natsProcess === undefined)
          throw new ControlPlaneError(
            "nats-server",
            "this control plane was started with nats: false",
            "start it with nats: true (the default)",
          );
        await natsProcess.ensureRunning(natsReadiness(natsPorts));
      },
      compactEtcd: async () => {
        if (!etcd.running) throw new ControlPlaneError("etcd", "is not running", "start a new control plane");
        await compactEtcdToCurrentRevision(etcdPorts);
      },
      processes: () =>
        [
          ...started,
          ...(realNodes?.processes() ?? []),
          ...imageServices.flatMap((service) => (service.process === undefined ? [] : [service.process])),
        ].flatMap((proc) =>
          proc.running && proc.pid !== undefined ? [{ name: proc.name, pid: proc.pid }] : [],
        ),
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await cleanup();
        kubeletLog.end();
      },
    };
    return plane;
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** Waits until the ServiceAccount controller has made `namespace`/`name` (it does so for every namespace). */
async function waitForServiceAccount(client: KubeHttpClient, namespace: string, name: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await client.get(`/api/v1/namespaces/${namespace}/serviceaccounts/${name}`);
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new ControlPlaneError(
          "kube-controller-manager",
          `no ServiceAccount ${namespace}/${name} after 60 s: ${messageOf(error)}`,
          "read kube-controller-manager.log (serviceaccount-controller)",
        );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Waits for every start, then rethrows the first failure (so no start is left running unobserved). */
async function settleAll(starts: Array<Promise<unknown>>): Promise<void> {
  const results = await Promise.allSettled(starts);
  const failed = results.find((result) => result.status === "rejected");
  if (failed !== undefined) throw failed.reason;
}

async function checkFixedPorts(ports: Partial<ControlPlanePorts>): Promise<void> {
  const owners: Record<keyof ControlPlanePorts, string> = {
    etcdClient: "etcd",
    etcdPeer: "etcd",
    apiserver: "kube-apiserver",
    nats: "nats-server",
  };
  for (const [key, port] of Object.entries(ports) as Array<[keyof ControlPlanePorts, number | undefined]>) {
    if (port === undefined) continue;
    if (await isPortBusy(port)) {
      throw new ControlPlaneError(
        owners[key],
        `port ${port} on 127.0.0.1 (ports.${key}) is already in use by another process`,
        `free port ${port} (\`ss -ltnp | grep :${port}\` shows who holds it), or leave ports.${key} out so testenv picks a free port`,
      );
    }
  }
}

function defaultCrdsDir(): string | false {
  const root = findRepoRoot();
  if (root === undefined) return false;
  const dir = join(root, "crds");
  return existsSync(dir) ? dir : false;
}

async function serviceAccountToken(client: KubeHttpClient, namespace: string, name: string): Promise<string> {
  const base = `/api/v1/namespaces/${namespace}/serviceaccounts`;
  try {
    await client.create(base, { apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace } });
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
  }
  const request = await client.create<{ status?: { token?: string } }>(`${base}/${name}/token`, {
    apiVersion: "authentication.k8s.io/v1",
    kind: "TokenRequest",
    spec: { expirationSeconds: 86_400 },
  });
  const token = request.status?.token;
  if (token === undefined)
    throw new ControlPlaneError(
      "kube-apiserver",
      `TokenRequest for ${namespace}/${name} returned no token`,
      "read kube-apiserver.log",
    );
  return token;
}
