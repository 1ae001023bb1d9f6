// Env from metadata (gate InPlaceUpdateEnvFromMetadata, on by default as in OpenKruise) on a real node (kubelet +
// containerd + runc + CNI, a private control plane), with the CloneSet controller in this process under its RBAC and
// kruise-daemon as its own process under its chart's RBAC, talking to the node's containerd (CRI):
// - a template change of a label a container's env takes its value from: same pod (UID, IP), the pod's label
//   patched, that container restarted once by kruise-daemon and seeing the new value, the other container untouched,
//   apps.kruise.io/runtime-containers-meta showing the new container and env hash, the pod counted updated;
// - a label no env uses: patched in place, no container restarted;
// - gate off (the controller's --feature-gates=InPlaceUpdateEnvFromMetadata=false): as OpenKruise, the label is only
//   patched (an in-place metadata update), nothing restarts and the running container keeps its old value.
// On a machine that cannot run real nodes it skips, saying why.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CloneSet, RuntimeContainerMetaSet } from "@kruise/api";
import type { ContainerStatus, Pod } from "kubernetes-types/core/v1.js";
import {
  findBinaries,
  realNodeSupport,
  REAL_NODE_LABEL,
  startControlPlane,
  type ControlPlane,
} from "@kruise/testenv";
import { waitFor } from "@kruise/testenv/vitest";
import { parseFeatureGates } from "../src/feature-gates.ts";
import { controllerKubeconfig } from "./support/controller-identity.ts";
import { startInProcessController, type InProcessController } from "./support/in-process.ts";

async function checkSupport(): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (process.env.KRUISE_TESTENV === "off") return { ok: false, reason: "KRUISE_TESTENV=off" };
  try {
    return realNodeSupport(await findBinaries());
  } catch (error) {
    return {
      ok: false,
      reason: error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error),
    };
  }
}
const support = await checkSupport();
if (!support.ok)
  process.stdout.write(`cloneset env-from-metadata real-node test skipped: ${support.reason}\n`);

const root = resolve(import.meta.dirname, "../../..");
const ON = "cs-envmeta-on";
const OFF = "cs-envmeta-off";
const RUNTIME_META = "apps.kruise.io/runtime-containers-meta";
// Prints the value it started with (the log shows each start), then waits; stops at once on SIGTERM.
const command = (variable: string) => [
  "sh",
  "-c",
  `echo "started ${variable}=$${variable}"; trap 'exit 0' TERM; while true; do sleep 1; done`,
];

describe.skipIf(!support.ok)(
  "CloneSet in-place update of env from metadata on a real node",
  { timeout: 300_000 },
  () => {
    let plane: ControlPlane;
    let on: InProcessController | undefined;
    let off: InProcessController | undefined;
    let daemon: ChildProcess | undefined;
    let daemonLog = "";
    let daemonKubeconfigPath = "";

    /** kruise-daemon for the real node, its own process, with these extra flags. */
    function startDaemon(...flags: string[]): void {
      const node = plane.realNodes[0]!;
      daemon = spawn(
        process.execPath,
        [
          "--conditions=@kruise/source",
          join(root, "apps/kruise-daemon/src/main.ts"),
          `--kubeconfig=${daemonKubeconfigPath}`,
          `--node-name=${node}`,
          `--cri-endpoint=unix://${plane.criSockets[node] ?? ""}`,
          "--metrics-bind-address=0",
          "--health-probe-bind-address=0",
          "--leader-elect=false",
          `--log-level=${process.env.CLONESET_TEST_LOG ?? "info"}`,
          ...flags,
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      const keep = (chunk: Buffer) => {
        daemonLog = (daemonLog + chunk.toString("utf8")).slice(-20_000);
      };
      daemon.stdout?.on("data", keep);
      daemon.stderr?.on("data", keep);
    }

    async function stopDaemon(): Promise<void> {
      if (daemon === undefined || daemon.exitCode !== null) return;
      const exited = new Promise((done) => daemon!.once("exit", done));
      daemon.kill("SIGTERM");
      await exited;
    }

    beforeAll(async () => {
      plane = await startControlPlane({ nodes: 0, realNodes: 1, nats: false });
      for (const ns of [ON, OFF, "kruise-daemon-config"]) await kubectlOk(["create", "namespace", ns]);
      on = await startInProcessController({
        kubeconfig: await controllerKubeconfig(plane, ON, (a, o) => plane.kubectl(a, o)),
        namespace: ON,
      });
      off = await startInProcessController({
        kubeconfig: await controllerKubeconfig(plane, OFF, (a, o) => plane.kubectl(a, o)),
        namespace: OFF,
        gates: {
          InPlaceUpdateEnvFromMetadata: parseFeatureGates("InPlaceUpdateEnvFromMetadata=false")
            .InPlaceUpdateEnvFromMetadata,
        },
      });
      daemonKubeconfigPath = await daemonKubeconfig();
      startDaemon();
    }, 300_000);

    afterAll(async () => {
      await stopDaemon();
      await on?.stop();
      await off?.stop();
      await plane?.stop();
    });

    /** A kubeconfig for a ServiceAccount holding exactly kruise-daemon's chart RBAC (generated from its rbac.ts). */
    async function daemonKubeconfig(): Promise<string> {
      const rules = readFileSync(
        join(root, "charts/kruise/charts/kruise-daemon/rbac/cluster-rules.yaml"),
        "utf8",
      );
      const manifests = [
        `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: kruise-daemon\nrules:\n${rules}`,
        // The chart's namespaced rule (namespaced-rules.yaml): the image puller's pull secrets.
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: kruise-daemon\n  namespace: kruise-daemon-config\nrules:\n- apiGroups: ['']\n  resources: [secrets]\n  verbs: [get, list, watch]",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: kruise-daemon\n  namespace: kruise-daemon-config",
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: kruise-daemon\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: kruise-daemon}\nsubjects: [{kind: ServiceAccount, name: kruise-daemon, namespace: kruise-daemon-config}]",
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: kruise-daemon\n  namespace: kruise-daemon-config\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: kruise-daemon}\nsubjects: [{kind: ServiceAccount, name: kruise-daemon, namespace: kruise-daemon-config}]",
      ];
      await kubectlOk(["apply", "-f", "-"], manifests.join("\n---\n"));
      const token = (
        await kubectlOk(["create", "token", "kruise-daemon", "-n", "kruise-daemon-config", "--duration=3h"])
      ).trim();
      const path = join(tmpdir(), `kruise-daemon-envmeta-${process.pid}.kubeconfig`);
      const kubeconfig = {
        apiVersion: "v1",
        kind: "Config",
        clusters: [
          {
            name: "testenv",
            cluster: {
              server: plane.server,
              "certificate-authority-data": Buffer.from(plane.caData).toString("base64"),
            },
          },
        ],
        users: [{ name: "kruise-daemon", user: { token } }],
        contexts: [{ name: "daemon", context: { cluster: "testenv", user: "kruise-daemon" } }],
        "current-context": "daemon",
      };
      writeFileSync(path, JSON.stringify(kubeconfig), { mode: 0o600 });
      return path;
    }

    const until = <T>(what: string, probe: () => Promise<T>, timeoutMs = 90_000) =>
      waitFor(what, probe, timeoutMs, 1_000).catch((error: unknown) => {
        throw new Error(`${(error as Error).message}\nkruise-daemon log (tail):\n${daemonLog.slice(-4_000)}`);
      });
    async function kubectlOk(args: string[], input?: string): Promise<string> {
      const result = await plane.kubectl(args, input === undefined ? undefined : { input });
      if (result.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${result.stderr}`);
      return result.stdout;
    }
    const getJson = async <T>(args: string[]): Promise<T> =>
      JSON.parse(await kubectlOk([...args, "-o", "json"])) as T;
    const pods = async (ns: string, name: string) =>
      (await getJson<{ items: Pod[] }>(["get", "pods", "-n", ns, "-l", `app=${name}`])).items.filter(
        (p) => p.metadata?.deletionTimestamp === undefined,
      );
    const cloneSetOf = (ns: string, name: string) =>
      getJson<CloneSet>(["get", "clonesets.apps.kruise.io", name, "-n", ns]);
    const statusOf = (pod: Pod, container: string): ContainerStatus | undefined =>
      pod.status?.containerStatuses?.find((s) => s.name === container);
    const runtimeMeta = (pod: Pod): RuntimeContainerMetaSet | undefined => {
      const raw = pod.metadata?.annotations?.[RUNTIME_META];
      return raw === undefined ? undefined : (JSON.parse(raw) as RuntimeContainerMetaSet);
    };
    // The test image's busybox has `env` (kruise-daemon reads it) but no `printenv`.
    const printenv = async (ns: string, pod: Pod, container: string, variable: string) =>
      (
        await kubectlOk([
          "exec",
          "-n",
          ns,
          pod.metadata!.name!,
          "-c",
          container,
          "--",
          "sh",
          "-c",
          `echo "$${variable}"`,
        ])
      ).trim();

    function cloneSet(ns: string, name: string, labels: Record<string, string>): CloneSet {
      return {
        apiVersion: "apps.kruise.io/v1alpha1",
        kind: "CloneSet",
        metadata: { name, namespace: ns },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: name } },
          updateStrategy: { type: "InPlaceIfPossible" },
          template: {
            metadata: { labels: { app: name, ...labels } },
            spec: {
              nodeSelector: { [REAL_NODE_LABEL]: "true" },
              terminationGracePeriodSeconds: 1,
              containers: [
                {
                  name: "app",
                  image: "busybox:1",
                  imagePullPolicy: "IfNotPresent",
                  command: command("VERSION"),
                  env: [
                    { name: "VERSION", valueFrom: { fieldRef: { fieldPath: "metadata.labels['version']" } } },
                  ],
                },
                {
                  name: "side",
                  image: "busybox:1",
                  imagePullPolicy: "IfNotPresent",
                  command: command("HOSTNAME"),
                },
              ],
            },
          },
        },
      };
    }
    const withLabels = (cs: CloneSet, labels: Record<string, string>): CloneSet => {
      const next = structuredClone(cs);
      next.spec!.template.metadata!.labels = { ...next.spec!.template.metadata!.labels, ...labels };
      return next;
    };

    /** Applies the CloneSet and waits until its one pod is Ready, counted, and (with the daemon) reported. */
    async function running(cs: CloneSet): Promise<Pod> {
      const ns = cs.metadata!.namespace!;
      const name = cs.metadata!.name!;
      await kubectlOk(["apply", "-f", "-"], JSON.stringify(cs));
      let pod: Pod | undefined;
      await until(
        `${name} has one ready pod`,
        async () => {
          const [first] = await pods(ns, name);
          const s = (await cloneSetOf(ns, name)).status;
          pod = first;
          const containersReady = (first?.status?.containerStatuses ?? []).filter((c) => c.ready).length;
          return containersReady === 2 && s?.readyReplicas === 1 && s.updatedReadyReplicas === 1;
        },
        120_000,
      );
      return pod!;
    }

    async function expectNoWritesFor(controller: InProcessController | undefined, ms: number): Promise<void> {
      const mark = controller?.writes.length ?? 0;
      await new Promise((r) => setTimeout(r, ms));
      expect((controller?.writes ?? []).slice(mark)).toEqual([]);
    }

    /** Waits until the CloneSet's one pod is at the update revision, updated, ready, and the status says so. */
    async function converged(ns: string, name: string): Promise<Pod> {
      let pod: Pod | undefined;
      await until(
        `${name} converges on its new revision`,
        async () => {
          const cs = await cloneSetOf(ns, name);
          const s = cs.status;
          const list = await pods(ns, name);
          pod = list[0];
          return (
            list.length === 1 &&
            s?.observedGeneration === cs.metadata?.generation &&
            s?.updatedReplicas === 1 &&
            s.updatedReadyReplicas === 1 &&
            s.readyReplicas === 1 &&
            s.availableReplicas === 1 &&
            (s.updatedAvailableReplicas ?? 1) === 1 &&
            s.currentRevision === s.updateRevision &&
            pod?.metadata?.labels?.["controller-revision-hash"] === s.updateRevision &&
            // The update finished on the pod too (back in its Service).
            ["InPlaceUpdateReady", "Ready"].every(
              (type) => pod?.status?.conditions?.find((c) => c.type === type)?.status === "True",
            )
          );
        },
        120_000,
      );
      return pod!;
    }

    it("a label an env uses changes: that container restarts in place with the new value, the other one does not", async () => {
      const cs = cloneSet(ON, "env-label", { version: "v1" });
      const before = await running(cs);
      await until("kruise-daemon reports the pod's containers", async () => {
        const meta = runtimeMeta((await pods(ON, "env-label"))[0]!);
        return (
          meta?.containers.length === 2 && meta.containers.every((c) => c.hashes.extractedEnvFromMetadataHash)
        );
      });
      expect(await printenv(ON, before, "app", "VERSION")).toBe("v1");

      const mark = on?.writes.length ?? 0;
      await kubectlOk(["apply", "-f", "-"], JSON.stringify(withLabels(cs, { version: "v2" })));
      await until("the app container restarted", async () => {
        const [pod] = await pods(ON, "env-label");
        return statusOf(pod!, "app")?.restartCount === 1 && statusOf(pod!, "app")?.ready === true;
      });
      const after = await converged(ON, "env-label");
      expect(after.metadata?.uid).toBe(before.metadata?.uid);
      expect(after.status?.podIP).toBe(before.status?.podIP);
      expect(after.metadata?.labels?.version).toBe("v2");
      expect(statusOf(after, "app")?.restartCount).toBe(1);
      expect(statusOf(after, "side")?.restartCount).toBe(0);
      expect(statusOf(after, "side")?.containerID).toBe(statusOf(before, "side")?.containerID);
      expect(await printenv(ON, after, "app", "VERSION")).toBe("v2");
      const log = await kubectlOk(["logs", "-n", ON, after.metadata!.name!, "-c", "app"]);
      expect(log.trim()).toBe("started VERSION=v2");
      const meta = runtimeMeta(after);
      expect(meta?.containers.map((c) => [c.name, c.containerID, c.restartCount])).toEqual([
        ["app", statusOf(after, "app")?.containerID, 1],
        ["side", statusOf(after, "side")?.containerID, 0],
      ]);
      const state = JSON.parse(
        after.metadata?.annotations?.["apps.kruise.io/inplace-update-state"] ?? "{}",
      ) as {
        updateEnvFromMetadata?: boolean;
        containerBatchesRecord?: { containers: string[] }[];
      };
      expect(state.updateEnvFromMetadata).toBe(true);
      expect(state.containerBatchesRecord?.map((b) => b.containers)).toEqual([["app"]]);
      const condition = after.status?.conditions?.find((c) => c.type === "InPlaceUpdateReady");
      expect(condition?.status).toBe("True");
      const killing = await getJson<{ items: { reason?: string; involvedObject?: { name?: string } }[] }>([
        "get",
        "events",
        "-n",
        ON,
        "--field-selector",
        `involvedObject.name=${after.metadata!.name!},reason=Killing`,
      ]);
      expect(killing.items.length).toBeGreaterThanOrEqual(1);
      // InPlaceUpdateReady False, the labels and state, InPlaceUpdateReady True: an image update's three writes.
      const podWrites = (on?.writes ?? [])
        .slice(mark)
        .filter((w) => w.kind === "Pod")
        .map((w) => `${w.verb} ${w.subresource ?? ""}`.trim());
      expect(podWrites).toEqual(["patch status", "patch", "patch status"]);
      await expectNoWritesFor(on, 5_000);
    });

    it("a label no env uses changes: the pod's label is patched, nothing restarts", async () => {
      const cs = cloneSet(ON, "plain-label", { version: "v1", tier: "a" });
      const before = await running(cs);
      await until("kruise-daemon reports the pod's containers", async () => {
        const meta = runtimeMeta((await pods(ON, "plain-label"))[0]!);
        return meta?.containers.length === 2;
      });
      await kubectlOk(["apply", "-f", "-"], JSON.stringify(withLabels(cs, { tier: "b" })));
      const after = await converged(ON, "plain-label");
      expect(after.metadata?.uid).toBe(before.metadata?.uid);
      expect(after.metadata?.labels?.tier).toBe("b");
      expect(statusOf(after, "app")?.restartCount).toBe(0);
      expect(statusOf(after, "side")?.restartCount).toBe(0);
      expect(statusOf(after, "app")?.containerID).toBe(statusOf(before, "app")?.containerID);
      expect(await printenv(ON, after, "app", "VERSION")).toBe("v1");
      const state = JSON.parse(
        after.metadata?.annotations?.["apps.kruise.io/inplace-update-state"] ?? "{}",
      ) as {
        updateEnvFromMetadata?: boolean;
      };
      expect(state.updateEnvFromMetadata).toBeUndefined();
      await expectNoWritesFor(on, 5_000);
    });

    it("gate off: a label an env uses is only patched, as OpenKruise does; the container keeps its old value", async () => {
      // The gate is one setting of the whole installation (OpenKruise's chart passes it to the manager and the daemon).
      await stopDaemon();
      startDaemon("--feature-gates=InPlaceUpdateEnvFromMetadata=false");
      const cs = cloneSet(OFF, "gate-off", { version: "v1" });
      const before = await running(cs);
      await kubectlOk(["apply", "-f", "-"], JSON.stringify(withLabels(cs, { version: "v2" })));
      const after = await converged(OFF, "gate-off");
      expect(after.metadata?.uid).toBe(before.metadata?.uid);
      expect(after.metadata?.labels?.version).toBe("v2");
      // Give kruise-daemon time: with the gate off it restarts nothing.
      await new Promise((r) => setTimeout(r, 5_000));
      const [later] = await pods(OFF, "gate-off");
      expect(statusOf(later!, "app")?.restartCount).toBe(0);
      expect(await printenv(OFF, later!, "app", "VERSION")).toBe("v1");
    });
  },
);
