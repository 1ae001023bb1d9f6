// `npm start`: the main job. Brings up a local control plane (etcd, kube-apiserver, controller-manager,
// scheduler, simulated nodes), NATS, and every controller app in apps/, then stays in the foreground
// with a short live status until Ctrl-C.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { BUS_PARTIES } from "@kruise/api";
import { EventBus, NATS_SETTINGS, streamName } from "@kruise/sdk";
import {
  findBinaries,
  realNodeSupport,
  REAL_NODE_LABEL,
  SIMULATED_NODE_LABEL,
  startControlPlane,
  Supervisor,
  type ControlPlane,
} from "@kruise/testenv";
import { buildAndPushImages, installUmbrella, runCommand } from "./charts/in-cluster.ts";
import { controllerKubeconfig } from "./controller-identity.ts";
import {
  assignControllerPorts,
  isPortFree,
  loadPorts,
  savePorts,
  type ControllerPorts,
} from "./start/fixed-ports.ts";

const root = resolve(import.meta.dirname, "..");

const { values: flags } = parseArgs({
  options: {
    nodes: { type: "string", default: "3" },
    "real-nodes": { type: "string" },
    fresh: { type: "boolean", default: false },
    "state-dir": { type: "string", default: join(root, ".kruise") },
    "status-interval": { type: "string", default: "15" },
    "in-cluster": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
const stateDir = resolve(flags["state-dir"]);
if (flags.help) {
  process.stdout.write(`npm start [-- --nodes N] [-- --real-nodes N] [-- --fresh]

Starts a local Kubernetes control plane built from the pinned Kubernetes version, N simulated nodes
(default 3), real nodes (kubelet + containerd; default 1 where the machine allows it: Linux and root,
else 0), a local image registry, a NATS JetStream server and every controller in apps/ (a node agent,
kruise-daemon, once per real node, on its containerd; with no real node it is not started). Writes the
admin kubeconfig to ${relative(process.cwd(), join(stateDir, "kubeconfig"))} and the registry address to
${relative(process.cwd(), join(stateDir, "registry"))}, and stays in the foreground; Ctrl-C stops everything.

The cluster's state (etcd) is kept in .kruise/controlplane between runs, like a kind cluster;
--fresh deletes it first and starts from an empty cluster. --state-dir DIR keeps it elsewhere;
--status-interval S prints the status line every S seconds (default 15).

--in-cluster (npm run chart:demo) runs the controllers in the cluster instead: it builds every controller
image (npm run images), pushes it to the local registry, and installs the Helm umbrella chart (release
kruise in kruise-system) with every controller on the real node; Ctrl-C uninstalls it, then stops.

A controller that dies is restarted with backoff (0.5 s doubling to 30 s) and shows as restarting in the
status line. Ctrl-C stops the controllers, then the control plane; a second Ctrl-C kills everything at once.
`);
  process.exit(0);
}

interface ControllerApp {
  name: string;
  main: string;
  /** Its RBAC rules: the controller runs under a ServiceAccount bound to exactly these. */
  rbac: string;
  /** A node agent (`"perNode": true`): one process per real node, as its DaemonSet runs one pod per node. */
  perNode: boolean;
}

/** One supervised process: a controller, or a node agent for one node (named `<app>-<node>`). */
interface ControllerProcess {
  name: string;
  app: ControllerApp;
  args: string[];
}

/** Apps declare themselves runnable with `"kruise": { "controller": "src/main.ts" }` in their package.json. */
function discoverControllers(): ControllerApp[] {
  const appsDir = join(root, "apps");
  if (!existsSync(appsDir)) return [];
  const found: ControllerApp[] = [];
  for (const dir of readdirSync(appsDir).sort()) {
    const pkgPath = join(appsDir, dir, "package.json");
    if (!existsSync(pkgPath)) continue;
    const pkg = JSON.parse(readFileSync(pkgPath, "utf8")) as {
      kruise?: { controller?: string; startedBy?: string; perNode?: boolean };
    };
    const main = pkg.kruise?.controller;
    // The conversion webhook is part of the control plane @kruise/testenv brings up (the CRDs need it at once).
    if (pkg.kruise?.startedBy === "testenv") continue;
    if (main && existsSync(join(appsDir, dir, main)))
      found.push({
        name: dir,
        main: join(appsDir, dir, main),
        rbac: join(appsDir, dir, "src", "rbac.ts"),
        perNode: pkg.kruise?.perNode === true,
      });
  }
  return found;
}

const say = (line: string): void => void process.stdout.write(`${line}\n`);

/** --real-nodes=N, else 1 when this machine can run real nodes, else 0 with one line saying why. */
async function chooseRealNodes(): Promise<number> {
  if (flags["real-nodes"] !== undefined) return Number(flags["real-nodes"]);
  const support = realNodeSupport(await findBinaries());
  if (support.ok) return 1;
  say(`No real node: ${support.reason}; pods run on simulated nodes only.`);
  return 0;
}

/**
 * The processes to supervise: one per controller, and one per real node for a node agent, which pulls through that
 * node's containerd. Simulated nodes have no container runtime to pull into, so without a real node an agent runs
 * nowhere, and one line says so.
 */
function controllerProcesses(apps: readonly ControllerApp[], cp: ControlPlane): ControllerProcess[] {
  const processes: ControllerProcess[] = [];
  for (const app of apps) {
    if (!app.perNode) {
      processes.push({ name: app.name, app, args: [] });
      continue;
    }
    if (cp.realNodes.length === 0)
      say(
        `${app.name}: not started, there is no real node (a node agent pulls through a node's containerd; simulated nodes have none).`,
      );
    for (const node of cp.realNodes)
      processes.push({
        name: `${app.name}-${node}`,
        app,
        args: [`--node-name=${node}`, `--cri-endpoint=unix://${cp.criSockets[node] ?? ""}`],
      });
  }
  return processes;
}

/** Runs one controller under a Supervisor: restarted with backoff when it dies, as a Deployment's pod would be. */
async function startController(
  { name, app, args: own }: ControllerProcess,
  cp: ControlPlane,
  logDir: string,
  ports: ControllerPorts,
): Promise<Supervisor> {
  const kubeconfig = await controllerKubeconfig(cp, app.name, app.rbac, root);
  const args = ["--conditions=@kruise/source", app.main, `--kubeconfig=${kubeconfig}`, ...own];
  args.push(
    `--metrics-bind-address=127.0.0.1:${ports.metrics}`,
    `--health-probe-bind-address=127.0.0.1:${ports.health}`,
    "--leader-elect=false",
  );
  // Each controller is its own NATS user, allowed only its BUS_PARTIES subjects. The password goes in the
  // environment, not the command line.
  const env = { ...process.env };
  if (cp.natsUrl && app.name in BUS_PARTIES) {
    const url = new URL(cp.natsUserUrl(app.name));
    env[NATS_SETTINGS.passwordEnv] = decodeURIComponent(url.password);
    url.password = "";
    args.push(`--${NATS_SETTINGS.urlFlag}=${url.toString()}`);
  }
  const supervisor = new Supervisor({
    env,
    name,
    command: process.execPath,
    args,
    logPath: join(logDir, `${name}.log`),
    onEvent: (line) => say(`[${new Date().toISOString().slice(11, 19)}] ${line}`),
  });
  supervisor.start();
  return supervisor;
}

/**
 * With a real node, the walkthrough's pods should run there (logs, exec, port-forward): the simulated
 * nodes get a PreferNoSchedule taint, so the scheduler picks them only when the real node is full.
 * Without one, the taint is removed (the cluster state is kept between runs).
 */
async function preferRealNodes(cp: ControlPlane): Promise<void> {
  const taint = `${SIMULATED_NODE_LABEL}=true:PreferNoSchedule`;
  const args = ["taint", "nodes", "-l", `${SIMULATED_NODE_LABEL}=true`];
  const result = await cp.kubectl(
    cp.realNodes.length > 0 ? [...args, taint, "--overwrite"] : [...args, `${taint}-`],
  );
  if (result.code !== 0 && !/not found/.test(result.stderr))
    say(
      `Could not ${cp.realNodes.length > 0 ? "taint" : "untaint"} the simulated nodes: ${result.stderr.trim()}`,
    );
  else if (cp.realNodes.length > 0)
    say(`Real node: ${cp.realNodes.join(", ")} (pods prefer it; the simulated nodes take the overflow).`);
}

/**
 * --in-cluster: the controllers as the chart deploys them, on the real node (their images pulled from the local
 * registry), each under its own ServiceAccount and talking to the API server through the `kubernetes` Service.
 */
async function startInCluster(cp: ControlPlane): Promise<void> {
  if (cp.realNodes.length === 0 || cp.registry === undefined)
    throw new Error(
      "--in-cluster needs a real node and the local registry (Linux, root, tools/setup.sh): the controllers' images must really run",
    );
  const helm = join(cp.binDir, "helm");
  const release = { release: "kruise", namespace: "kruise-system" };
  const existing = await cp.kubectl([
    "get",
    "deployment",
    "-n",
    release.namespace,
    "-l",
    "app.kubernetes.io/instance=kruise",
    "-o",
    "name",
  ]);
  if (existing.stdout.trim() !== "") {
    say("Removing the kruise release a previous --in-cluster run left…");
    await uninstallRelease(helm, cp.kubeconfigPath, release);
  }
  say("Building every controller image and pushing it to the local registry (npm run images)…");
  const build = await buildAndPushImages(cp.registry.address, join(stateDir, "images"), (line) =>
    say(`  ${line}`),
  );
  if (build.code !== 0) throw new Error(`npm run images failed:\n${build.output}`);
  say(
    `Images built and pushed in ${build.seconds}s. Installing the chart (helm install kruise charts/kruise)…`,
  );
  const scratch = join(stateDir, "chart");
  mkdirSync(scratch, { recursive: true });
  const install = await installUmbrella({
    helm,
    kubeconfig: cp.kubeconfigPath,
    ...release,
    nodeLabel: REAL_NODE_LABEL,
    criSocket: cp.criSockets[cp.realNodes[0] ?? ""] ?? "",
    // npm start applied the CRDs and the deletion-protection policy already: the release leaves both alone.
    values: { deletionProtection: { enabled: false } },
    extraArgs: ["--skip-crds"],
    scratch,
  });
  running.uninstall = () => uninstallRelease(helm, cp.kubeconfigPath, release);
  if (install.code !== 0) throw new Error(`helm install failed:\n${install.output}`);
  say(`Every controller is Ready in the cluster ${install.seconds}s after helm install.`);
}

async function uninstallRelease(
  helm: string,
  kubeconfig: string,
  release: { release: string; namespace: string },
): Promise<void> {
  const result = await runCommand(
    helm,
    [
      "uninstall",
      release.release,
      "--namespace",
      release.namespace,
      "--kubeconfig",
      kubeconfig,
      "--wait",
      "--timeout",
      "120s",
    ],
    { timeoutMs: 180_000 },
  );
  if (result.code !== 0 && !/not found/.test(result.output))
    say(`helm uninstall failed: ${result.output.trim()}`);
}

async function countOf(cp: ControlPlane, resource: string): Promise<string> {
  const res = await cp.kubectl(["get", resource, "-A", "--no-headers", "--ignore-not-found"]);
  if (res.code !== 0) return "?";
  return String(res.stdout.split("\n").filter((l) => l.trim() !== "").length);
}

/** What is running, for Ctrl-C: filled in as the job starts, so a Ctrl-C at any point stops what exists. */
const running: {
  cp?: ControlPlane;
  streamManager?: EventBus;
  children: Map<string, Supervisor>;
  /** With --in-cluster: uninstalls the release (so that a plain npm start later runs one set of controllers). */
  uninstall?: () => Promise<void>;
  stopping: boolean;
} = {
  children: new Map(),
  stopping: false,
};

async function stop(): Promise<void> {
  if (running.stopping) {
    // A second Ctrl-C: kill at once. The control plane's orphan guard ends its processes when we exit.
    say("Killing everything now.");
    process.exit(130);
  }
  running.stopping = true;
  say("\nStopping controllers and the control plane… (Ctrl-C again to kill at once)");
  await Promise.all([...running.children.values()].map((c) => c.stop()));
  await running.uninstall?.();
  await running.streamManager?.close();
  await running.cp?.stop();
  say("Stopped.");
  process.exit(0);
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
// Whatever way this process ends, no controller outlives it.
process.on("exit", () => running.children.forEach((c) => c.killNow()));

async function main(): Promise<void> {
  mkdirSync(stateDir, { recursive: true });
  const logDir = join(stateDir, "logs");
  mkdirSync(logDir, { recursive: true });
  const controlPlaneDir = join(stateDir, "controlplane");
  if (flags.fresh) rmSync(controlPlaneDir, { recursive: true, force: true });
  else if (existsSync(join(controlPlaneDir, "etcd-data"))) {
    say(
      "Reusing the cluster state in .kruise/controlplane (npm start -- --fresh starts from an empty cluster).",
    );
  }
  // The same API server and NATS ports as last time (while free), and the same tokens: a kubeconfig copied
  // from an earlier run keeps working.
  const portsFile = join(stateDir, "ports.json");
  const saved = loadPorts(portsFile);
  const keep = async (port: number | undefined, what: string): Promise<number | undefined> => {
    if (port === undefined) return undefined;
    if (await isPortFree(port)) return port;
    say(`The ${what} port ${port} of the last run is taken by another process; using a new one.`);
    return undefined;
  };
  const apiserverPort = await keep(saved.apiserver, "API server");
  const natsPort = await keep(saved.nats, "NATS");
  const started = Date.now();
  say(
    "Starting the local control plane (etcd, kube-apiserver, CRDs, controller-manager, scheduler, nodes, NATS)…",
  );
  const realNodes = await chooseRealNodes();
  const cp = await startControlPlane({
    nodes: Number(flags.nodes),
    natsUsers: BUS_PARTIES,
    natsStream: streamName,
    realNodes,
    workDir: controlPlaneDir,
    log: (line) => say(`  ${line}`),
    keepCredentials: true,
    ports: {
      ...(apiserverPort === undefined ? {} : { apiserver: apiserverPort }),
      ...(natsPort === undefined ? {} : { nats: natsPort }),
    },
  });
  running.cp = cp;
  if (running.stopping) return; // Ctrl-C arrived while it started: stop() takes it from here
  // The one identity that manages the KRUISE stream (the controllers' users may only use it).
  if (cp.natsUrl)
    running.streamManager = EventBus.start({ servers: cp.natsUrl, source: "kruise-stream-manager" });
  const kubeconfigPath = join(stateDir, "kubeconfig");
  writeFileSync(kubeconfigPath, cp.kubeconfig, { mode: 0o600 });
  // host:port of the local registry, for pushing images the cluster can pull (`crane push … $(cat .kruise/registry)/name:tag`).
  const registryPath = join(stateDir, "registry");
  if (cp.registry !== undefined) writeFileSync(registryPath, `${cp.registry.address}\n`);
  else rmSync(registryPath, { force: true });
  say(`Control plane ready in ${((Date.now() - started) / 1000).toFixed(1)}s.`);
  await preferRealNodes(cp);
  // The admission policies the chart installs (deletion protection), so the main job behaves as a deploy does.
  const policies = await cp.kubectl(["apply", "-f", join(root, "crds/policies")]);
  if (policies.code !== 0) throw new Error(`could not install crds/policies: ${policies.stderr.trim()}`);
  say("Admission policies installed (policy.kruise.io/delete-protection).");

  // The controllers' namespace (leader Leases, the SidecarSet webhook's certificate Secret and revisions), as the
  // chart's release namespace is in a cluster. Kept across runs with the rest of the state.
  await cp.kubectl(["create", "namespace", "kruise-system"]);
  const apps = discoverControllers();
  const processes = flags["in-cluster"] ? [] : controllerProcesses(apps, cp);
  // Each controller's /metrics and /healthz on the same local ports every run (.kruise/ports.json).
  const assigned = await assignControllerPorts(
    processes.map((p) => p.name),
    saved.controllers,
  );
  for (const app of assigned.moved) say(`${app}: its ports of the last run are taken; new ones below.`);
  const portOf = (url: string | undefined): number | undefined =>
    url === undefined ? undefined : Number(new URL(url).port);
  savePorts(portsFile, {
    apiserver: portOf(cp.server),
    nats: portOf(cp.natsUrl),
    controllers: { ...saved.controllers, ...assigned.ports },
  });
  const children = running.children;
  if (flags["in-cluster"]) await startInCluster(cp);
  else
    for (const proc of processes)
      children.set(proc.name, await startController(proc, cp, logDir, assigned.ports[proc.name]!));
  say(`API server: ${cp.server}`);
  say(`NATS:       ${cp.natsUrl ?? "off"} (admin; each controller connects as its own user)`);
  if (apps.length === 0) say("No controller apps are present yet; the control plane runs on its own.");
  else if (flags["in-cluster"])
    say(
      "Controllers: in the cluster, release kruise in kruise-system (kubectl get pods -n kruise-system; kubectl logs -n kruise-system deploy/kruise-cloneset).",
    );
  else {
    say(
      `Controllers, each as its own ServiceAccount in kruise-system (logs in ${relative(process.cwd(), logDir)}/):`,
    );
    const width = Math.max(...processes.map((proc) => proc.name.length));
    for (const { name } of processes) {
      const p = assigned.ports[name]!;
      say(
        `  ${name.padEnd(width)}  http://127.0.0.1:${p.metrics}/metrics  http://127.0.0.1:${p.health}/healthz`,
      );
    }
  }

  const rel = relative(process.cwd(), kubeconfigPath) || kubeconfigPath;
  say(`
Next steps, in another terminal:
  export KUBECONFIG=${resolve(rel)}
  export PATH=${cp.binDir}:$PATH   # a kubectl that matches the server
  kubectl get nodes            # testenv-real-* run real containers: kubectl logs/exec/port-forward work there
  kubectl apply -f examples/walkthrough/01-deploy.yaml
  kubectl get cloneset demo
  kubectl describe cloneset demo
The walkthrough continues with examples/walkthrough/02..05 (see examples/walkthrough/README.md).
Press Ctrl-C to stop everything.
`);

  setInterval(
    () => {
      void (async () => {
        if (running.stopping) return;
        const [nodes, pods, clonesets] = await Promise.all([
          countOf(cp, "nodes"),
          countOf(cp, "pods"),
          countOf(cp, "clonesets.apps.kruise.io"),
        ]);
        const ctl = [...children].map(([n, c]) => `${n}:${c.describe()}`);
        say(
          `[${new Date().toISOString().slice(11, 19)}] nodes ${nodes}  pods ${pods}  clonesets ${clonesets}  controllers ${ctl.join(" ") || "none"}`,
        );
      })();
    },
    Number(flags["status-interval"]) * 1000,
  );
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`\nnpm start failed: ${message}\n`);
  process.exit(1);
});
