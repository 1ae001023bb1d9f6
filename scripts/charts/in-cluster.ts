// The in-cluster path on a local control plane with a real node: every controller image built and pushed to
// the local registry (the charts' ghcr.io/kruise-ts/<app>-controller names reach it through each node's
// containerd mirror), then `helm install` of the umbrella with every controller on the real node. Used by
// `npm run chart:demo` and by the in-cluster test, so both take the same path.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { discoverControllerApps } from "./controller-apps.ts";
import { buildChartDependencies } from "./dependencies.ts";
import { UMBRELLA } from "./paths.ts";

const root = resolve(import.meta.dirname, "../..");

/** Where the charts' image names point: ghcr.io/kruise-ts/<app>-controller, mirrored to the local registry. */
export const IMAGE_NAMESPACE = "kruise-ts";

export interface CommandRun {
  code: number;
  output: string;
  seconds: number;
}

/** Runs a command to its end (killed after `timeoutMs`); resolves with its exit code, output and duration. */
export function runCommand(
  command: string,
  args: string[],
  options: { timeoutMs: number; env?: NodeJS.ProcessEnv; onLine?: (line: string) => void },
): Promise<CommandRun> {
  const begin = performance.now();
  return new Promise((done) => {
    const child = spawn(command, args, {
      cwd: root,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: options.timeoutMs,
    });
    let output = "";
    const take = (chunk: string): void => {
      output += chunk;
      if (options.onLine) for (const line of chunk.split("\n")) if (line.trim() !== "") options.onLine(line);
    };
    child.stdout.setEncoding("utf8").on("data", take);
    child.stderr.setEncoding("utf8").on("data", take);
    const seconds = (): number => Math.round((performance.now() - begin) / 100) / 10;
    child.once("error", (error) => done({ code: 127, output: `${output}${error.message}`, seconds: seconds() }));
    child.once("close", (code) => done({ code: code ?? 1, output, seconds: seconds() }));
  });
}

/** `npm run images -- --push <registry>/kruise-ts`: every controller image, into `outDir`. */
export function buildAndPushImages(
  registryAddress: string,
  outDir: string,
  onLine?: (line: string) => void,
): Promise<CommandRun> {
  return runCommand(
    process.execPath,
    [
      "--conditions=@kruise/source",
      join(root, "scripts/images/build.ts"),
      `--out=${outDir}`,
      `--push=${registryAddress}/${IMAGE_NAMESPACE}`,
    ],
    { timeoutMs: 1_800_000, ...(onLine === undefined ? {} : { onLine }) },
  );
}

export interface UmbrellaInstall {
  helm: string;
  kubeconfig: string;
  release: string;
  namespace: string;
  /** Label (key) of the nodes the controllers must run on: the real ones. */
  nodeLabel: string;
  /** The real node's CRI socket, for the node agents (`criSocket` of their charts). */
  criSocket: string;
  /** Values over the in-cluster ones (e.g. `{ cloneset: { replicas: 2 } }`). */
  values?: Record<string, unknown>;
  /** More helm flags, e.g. --skip-crds --take-ownership when the CRDs are there already. */
  extraArgs?: string[];
  env?: NodeJS.ProcessEnv;
  /** A scratch folder for the values file. */
  scratch: string;
}

/**
 * `helm install --wait` of the umbrella with every controller on the nodes labelled `nodeLabel=true`, with small
 * CPU requests (a 2-core machine runs them all), the node agents on the real node's CRI socket. Resolves when every
 * Deployment and DaemonSet is Ready, or with helm's error.
 */
export function installUmbrella(install: UmbrellaInstall): Promise<CommandRun> {
  const apps = discoverControllerApps(join(root, "apps"));
  const perApp = Object.fromEntries(
    apps.map((app) => [
      app.name,
      {
        nodeSelector: { [install.nodeLabel]: "true" },
        resources: { requests: { cpu: "10m", memory: "64Mi" }, limits: { memory: "512Mi" } },
        ...(app.perNode ? { criSocket: install.criSocket } : {}),
        ...((install.values?.[app.name] as Record<string, unknown> | undefined) ?? {}),
      },
    ]),
  );
  const valuesFile = join(install.scratch, "in-cluster-values.json");
  writeFileSync(valuesFile, JSON.stringify({ ...install.values, ...perApp }));
  buildChartDependencies(root, install.helm, install.env);
  return runCommand(
    install.helm,
    [
      "install",
      install.release,
      join(root, UMBRELLA),
      "--kubeconfig",
      install.kubeconfig,
      "--namespace",
      install.namespace,
      "--create-namespace",
      "--values",
      valuesFile,
      ...(install.extraArgs ?? []),
      "--wait",
      "--timeout",
      "300s",
    ],
    { timeoutMs: 600_000, ...(install.env === undefined ? {} : { env: install.env }) },
  );
}

export interface PortForward {
  /** Remote port → the local port on 127.0.0.1 that reaches it. */
  ports: Record<number, number>;
  close: () => void;
}

/**
 * `kubectl port-forward <target> :<port>...`: resolves once kubectl forwards every port (each to a free local one),
 * or rejects with kubectl's output after `timeoutMs`. The pod's loopback is reachable too (kubectl dials localhost
 * in the pod), so a port that listens only there, like the bundled NATS monitor, can be read from the test.
 */
export function portForward(
  kubectl: string,
  kubeconfig: string,
  namespace: string,
  target: string,
  remotePorts: number[],
  timeoutMs = 30_000,
): Promise<PortForward> {
  const child = spawn(
    kubectl,
    [
      "port-forward",
      "--kubeconfig",
      kubeconfig,
      "-n",
      namespace,
      target,
      "--address",
      "127.0.0.1",
      ...remotePorts.map((port) => `:${port}`),
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const close = (): void => {
    child.kill("SIGTERM");
  };
  return new Promise((done, fail) => {
    let output = "";
    const ports: Record<number, number> = {};
    const timer = setTimeout(() => {
      close();
      fail(new Error(`kubectl port-forward ${target}: not forwarding after ${timeoutMs} ms: ${output}`));
    }, timeoutMs);
    const take = (chunk: string): void => {
      output += chunk;
      for (const match of output.matchAll(/Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)/g))
        ports[Number(match[2])] = Number(match[1]);
      if (remotePorts.every((port) => ports[port] !== undefined)) {
        clearTimeout(timer);
        done({ ports, close });
      }
    };
    child.stdout.setEncoding("utf8").on("data", take);
    child.stderr.setEncoding("utf8").on("data", take);
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`kubectl port-forward ${target} exited (${code ?? "signal"}): ${output}`));
    });
  });
}
