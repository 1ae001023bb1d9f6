// The in-cluster path on the real-nodes control plane (it has the host's one kube-proxy, which pods need to
// reach the API server): `npm run images` pushes every controller image to the local registry, `helm install`
// of the umbrella runs each controller as a pod on the real node under its own ServiceAccount, and the
// walkthrough's five manifests, unchanged, run with real containers: the in-cluster CloneSet controller makes the
// pods, a deleted leader hands over to its standby, an in-place update restarts only the container (same UID and
// IP, the new image's digest), and an ImagePullJob pulls through the in-cluster node agent (kruise-daemon).
// The bundled NATS runs as the chart's defaults make it (auth and TLS on): every controller on the bus connects to
// <release>-nats.<namespace>.svc (testenv's cluster DNS) over TLS as its own user, the walkthrough's CloneSet
// events reach the stream, and an anonymous client is refused. `helm uninstall` then leaves nothing of the
// release but the CRDs.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1.js";
import { BUS_PARTIES } from "@kruise/api";
import { natsConnectionSettings, streamName } from "@kruise/sdk";
import {
  natsClosedConnections,
  natsPlaintextReply,
  natsRefusal,
  REAL_NODE_LABEL,
  SIMULATED_NODE_LABEL,
  type ControlPlane,
} from "@kruise/testenv";
import { waitFor } from "@kruise/testenv/vitest";
import { discoverControllerApps } from "../charts/controller-apps.ts";
import {
  buildAndPushImages,
  installUmbrella,
  portForward,
  runCommand,
  type PortForward,
  type CommandRun,
} from "../charts/in-cluster.ts";

const root = resolve(import.meta.dirname, "../..");
const walkthrough = join(root, "examples/walkthrough");
const RELEASE = "kruise";
const NAMESPACE = "kruise-system";

export interface InClusterContext {
  plane: () => ControlPlane;
  kubectlOk: (args: string[], input?: string) => Promise<string>;
  /** Stops what of the earlier tests could reconcile the walkthrough's CloneSet besides the in-cluster one. */
  beforeInstall: () => void;
}

/** Registers the in-cluster tests; call it inside the real-nodes describe, after the tests that need no chart. */
export function inClusterSuite(context: InClusterContext): void {
  describe("the chart in-cluster, with the walkthrough on the real node", { timeout: 900_000 }, () => {
    const scratch = mkdtempSync(join(tmpdir(), "kruise-in-cluster-"));
    const helmEnv: NodeJS.ProcessEnv = {
      ...process.env,
      HELM_CACHE_HOME: join(scratch, "helm-cache"),
      HELM_CONFIG_HOME: join(scratch, "helm-config"),
      HELM_DATA_HOME: join(scratch, "helm-data"),
    };
    const discovered = discoverControllerApps(join(root, "apps"));
    const apps = discovered.map((app) => app.name);
    const controllers = discovered.filter((app) => !app.perNode).map((app) => app.name);
    const agents = discovered.filter((app) => app.perNode).map((app) => app.name);
    const timings: Record<string, number> = {};
    afterAll(() => {
      rmSync(scratch, { recursive: true, force: true });
      process.stderr.write(`[in-cluster] timings (s): ${JSON.stringify(timings)}\n`);
    });

    const helm = (args: string[]): Promise<CommandRun> =>
      runCommand(
        join(context.plane().binDir, "helm"),
        [...args, "--kubeconfig", context.plane().kubeconfigPath],
        {
          timeoutMs: 600_000,
          env: helmEnv,
        },
      );
    const json = async <T>(args: string[]): Promise<T> =>
      JSON.parse(await context.kubectlOk([...args, "-o", "json"])) as T;
    const demoPods = async (): Promise<Pod[]> =>
      (await json<{ items: Pod[] }>(["get", "pods", "-n", "default", "-l", "app=cs"])).items.filter(
        (pod) => pod.metadata?.deletionTimestamp === undefined,
      );
    const ready = (pod: Pod): boolean =>
      pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
    const applyStep = (file: string, edit: (text: string) => string = (text) => text): Promise<string> =>
      context.kubectlOk(["apply", "-f", "-"], edit(readFileSync(join(walkthrough, file), "utf8")));
    const digest = async (repo: string, tag: string): Promise<string> => {
      const response = await fetch(`${context.plane().registry!.url}/v2/${repo}/manifests/${tag}`, {
        method: "HEAD",
        headers: {
          Accept:
            "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json",
        },
      });
      return response.headers.get("docker-content-digest") ?? "none";
    };

    // The walkthrough's manifests name no node: the simulated one takes no new pods meanwhile.
    const taint = `${SIMULATED_NODE_LABEL}=true:NoSchedule`;
    const simulated = ["taint", "nodes", "-l", `${SIMULATED_NODE_LABEL}=true`];
    beforeAll(async () => {
      context.beforeInstall();
      // The release's conversion webhook is the only one: testenv's own would point the CRDs back at itself.
      await context.plane().stopConversionWebhook();
      await context.kubectlOk([...simulated, taint, "--overwrite"]);
    });
    afterAll(async () => {
      await context.kubectlOk([...simulated, `${taint}-`]);
      // The CRDs go back to testenv's webhook (it re-points them as it starts) for the tests after this suite.
      await context.plane().startConversionWebhook();
    });

    it("builds every controller image and pushes it to the local registry (npm run images -- --push)", async () => {
      const registry = context.plane().registry;
      if (registry === undefined) throw new Error("this control plane runs without its local registry");
      // The charts name ghcr.io/kruise-ts/<app>-controller; every node's containerd mirrors ghcr.io to the registry.
      const build = await buildAndPushImages(registry.address, join(scratch, "images"));
      expect(build.code, build.output).toBe(0);
      timings.imagesBuildAndPush = build.seconds;
      for (const app of apps)
        expect(build.output).toContain(`pushed ${registry.address}/kruise-ts/${app}-controller:`);
    });

    it("helm install of the umbrella runs every controller Ready on the real node, under its own ServiceAccount", async () => {
      const install = await installUmbrella({
        helm: join(context.plane().binDir, "helm"),
        kubeconfig: context.plane().kubeconfigPath,
        release: RELEASE,
        namespace: NAMESPACE,
        nodeLabel: REAL_NODE_LABEL,
        criSocket: context.plane().criSockets[context.plane().realNodes[0] ?? ""] ?? "",
        // The CRDs are on this control plane already (testenv applied them): the release takes them over as
        // templates (crds.managed, so that an upgrade upgrades them), CloneSet's conversion pointed at the release's
        // webhook, and keeps them on uninstall.
        // The bundled NATS with the chart's defaults (auth, TLS with generated certificates); no PVC: testenv's
        // host-path volumes are root's and get no fsGroup, so uid 1000 could not write the store (a CSI volume of
        // a real cluster does).
        values: {
          crds: { managed: true },
          cloneset: { replicas: 2 },
          nats: { enabled: true, jetstream: { persistence: false } },
        },
        extraArgs: ["--skip-crds", "--take-ownership"],
        env: helmEnv,
        scratch,
      });
      if (install.code !== 0) {
        // Say which controller missed Ready and why, not only helm's "context deadline exceeded".
        const state = await context
          .kubectlOk(["get", "pods", "-n", NAMESPACE, "-o", "wide"])
          .catch((error: unknown) => String(error));
        const events = await context
          .kubectlOk(["get", "events", "-n", NAMESPACE, "--field-selector", "type=Warning"])
          .catch((error: unknown) => String(error));
        expect(install.code, `${install.output}\n${state}\n${events}`).toBe(0);
      }
      timings.installToReady = install.seconds;
      const deployments = await json<{
        items: Array<{
          metadata: { name: string };
          status?: { readyReplicas?: number };
          spec: { replicas: number };
        }>;
      }>(["get", "deployments", "-n", NAMESPACE]);
      const natsSet = await json<{ status?: { readyReplicas?: number } }>([
        "get",
        "statefulset",
        `${RELEASE}-nats`,
        "-n",
        NAMESPACE,
      ]);
      expect(natsSet.status?.readyReplicas, "the bundled NATS").toBe(1);
      expect(deployments.items.map((d) => d.metadata.name).sort()).toEqual(
        controllers.map((app) => `${RELEASE}-${app}`).sort(),
      );
      for (const deployment of deployments.items)
        expect(deployment.status?.readyReplicas, deployment.metadata.name).toBe(deployment.spec.replicas);
      // A node agent's DaemonSet runs one Ready pod on the real node (its nodeSelector leaves out the simulated one).
      const daemonSets = await json<{
        items: Array<{ metadata: { name: string }; status?: { numberReady?: number } }>;
      }>(["get", "daemonsets", "-n", NAMESPACE]);
      expect(daemonSets.items.map((d) => d.metadata.name).sort()).toEqual(
        agents.map((app) => `${RELEASE}-${app}`).sort(),
      );
      for (const daemonSet of daemonSets.items)
        expect(daemonSet.status?.numberReady, daemonSet.metadata.name).toBe(1);
      const pods = (await json<{ items: Pod[] }>(["get", "pods", "-n", NAMESPACE])).items;
      expect(pods).toHaveLength(
        deployments.items.reduce((sum, d) => sum + d.spec.replicas, 0) + daemonSets.items.length + 1,
      );
      for (const pod of pods.filter((p) => p.metadata?.labels?.["app.kubernetes.io/name"] !== "nats")) {
        expect(pod.spec?.nodeName).toBe(context.plane().realNodes[0]);
        const app = pod.metadata?.labels?.["app.kubernetes.io/name"];
        expect(pod.spec?.serviceAccountName).toBe(`${RELEASE}-${app}`);
        // The token the ServiceAccount admission plugin projects is the only credential the pod has.
        expect(pod.spec?.volumes?.some((v) => v.name.startsWith("kube-api-access-"))).toBe(true);
      }
    });

    it("the release's CRDs convert CloneSet through the in-cluster conversion webhook, with the CA it keeps", async () => {
      const crd = await json<{
        metadata: { labels?: Record<string, string> };
        spec: { conversion: { webhook: { clientConfig: Record<string, unknown> & { caBundle?: string } } } };
      }>(["get", "crd", "clonesets.apps.kruise.io"]);
      expect(crd.metadata.labels?.["app.kubernetes.io/managed-by"]).toBe("Helm");
      const secret = await json<{ data?: Record<string, string> }>([
        "get",
        "secret",
        "kruise-conversion-webhook-certs",
        "-n",
        NAMESPACE,
      ]);
      const { caBundle, ...address } = await waitFor("the in-cluster webhook's CA in the CRD", async () => {
        const current = (await json<typeof crd>(["get", "crd", "clonesets.apps.kruise.io"])).spec.conversion
          .webhook.clientConfig;
        return current.caBundle === secret.data?.["ca-bundle.crt"] ? current : undefined;
      });
      expect(caBundle).toBeDefined();
      expect(address).toEqual({
        service: { namespace: NAMESPACE, name: "kruise-conversion-webhook", path: "/convert", port: 443 },
      });
      // testenv's webhook is stopped: a v1beta1 read succeeds only through the release's.
      const probe = "conversion-probe";
      await context.kubectlOk(
        ["apply", "-f", "-"],
        JSON.stringify({
          apiVersion: "apps.kruise.io/v1alpha1",
          kind: "CloneSet",
          metadata: { name: probe, namespace: "default" },
          spec: {
            replicas: 0,
            selector: { matchLabels: { app: probe } },
            template: {
              metadata: { labels: { app: probe } },
              spec: { containers: [{ name: "main", image: "nginx:1.25" }] },
            },
          },
        }),
      );
      const beta = await json<{ apiVersion: string }>([
        "get",
        "clonesets.v1beta1.apps.kruise.io",
        probe,
        "-n",
        "default",
      ]);
      expect(beta.apiVersion).toBe("apps.kruise.io/v1beta1");
      await context.kubectlOk(["delete", "clonesets.v1alpha1.apps.kruise.io", probe, "-n", "default"]);
    });

    it("an ImagePullJob pulls through the in-cluster kruise-daemon, on the real node's containerd", async () => {
      const node = context.plane().realNodes[0] ?? "";
      await context.kubectlOk(
        ["apply", "-f", "-"],
        JSON.stringify({
          apiVersion: "apps.kruise.io/v1alpha1",
          kind: "ImagePullJob",
          metadata: { name: "in-cluster-pull", namespace: "default" },
          spec: {
            image: "busybox:1.37",
            imagePullPolicy: "Always",
            selector: { names: [node] },
            completionPolicy: { type: "Always" },
          },
        }),
      );
      const job = await waitFor(
        "the job to complete",
        async () => {
          const got = await json<{
            status?: { completionTime?: string; succeeded?: number; failed?: number };
          }>(["get", "imagepulljob", "in-cluster-pull", "-n", "default"]);
          return got.status?.completionTime !== undefined ? got : undefined;
        },
        180_000,
        1_000,
      );
      expect(job.status).toMatchObject({ succeeded: 1, failed: 0 });
      // The agent's pod, not a process of this test, reported it: the registry's digest in the node's NodeImage.
      const nodeImage = await json<{
        status?: {
          imageStatuses?: Record<string, { tags?: Array<{ tag: string; phase: string; imageID?: string }> }>;
        };
      }>(["get", "nodeimage", node]);
      const tag = nodeImage.status?.imageStatuses?.["docker.io/library/busybox"]?.tags?.find(
        (t) => t.tag === "1.37",
      );
      expect(tag?.phase).toBe("Succeeded");
      expect(tag?.imageID).toBe(`docker.io/library/busybox@${await digest("library/busybox", "1.37")}`);
      await context.kubectlOk(["delete", "imagepulljob", "in-cluster-pull", "-n", "default", "--wait=false"]);
    });

    const leaseHolder = async (): Promise<{ lease: string; holder: string }> => {
      const leases = (
        await json<{ items: Array<{ metadata: { name: string }; spec?: { holderIdentity?: string } }> }>([
          "get",
          "leases",
          "-n",
          NAMESPACE,
        ])
      ).items;
      const lease = leases.find((l) => l.metadata.name.startsWith("cloneset"));
      return { lease: lease?.metadata.name ?? "", holder: lease?.spec?.holderIdentity ?? "" };
    };
    const clonesetPods = async (): Promise<string[]> =>
      (
        await json<{ items: Pod[] }>([
          "get",
          "pods",
          "-n",
          NAMESPACE,
          "-l",
          `app.kubernetes.io/name=cloneset`,
        ])
      ).items
        .filter((pod) => pod.metadata?.deletionTimestamp === undefined)
        .map((pod) => pod.metadata?.name ?? "");

    it("step 1: three Ready pods made by the in-cluster CloneSet controller, the leader of two replicas", async () => {
      await applyStep("01-deploy.yaml");
      const pods = await waitFor(
        "3 Ready demo pods",
        async () => {
          const current = await demoPods();
          return current.length === 3 && current.every(ready) ? current : undefined;
        },
        180_000,
        1_000,
      );
      const { holder } = await waitFor("a cloneset leader", async () => {
        const found = await leaseHolder();
        return found.holder === "" ? undefined : found;
      });
      const replicas = await clonesetPods();
      expect(replicas).toHaveLength(2);
      // The SDK's identity is <hostname>_<uuid>, and a pod's hostname is its name.
      expect(replicas).toContain(holder.split("_")[0]);
      const withFields = (
        await json<{ items: Pod[] }>([
          "get",
          "pods",
          "-n",
          "default",
          "-l",
          "app=cs",
          "--show-managed-fields",
        ])
      ).items;
      expect(withFields.map((pod) => pod.metadata?.name).sort()).toEqual(
        pods.map((pod) => pod.metadata?.name).sort(),
      );
      for (const pod of withFields) {
        expect(pod.spec?.nodeName).toBe(context.plane().realNodes[0]);
        expect(pod.metadata?.ownerReferences?.[0]?.kind).toBe("CloneSet");
        // The pod's creator: the in-cluster controller, named by its ServiceAccount (the SDK's field manager in a
        // cluster; the only CloneSet controller running).
        expect(
          pod.metadata?.managedFields?.find(
            (entry) => entry.operation !== "Update" || entry.subresource !== "status",
          )?.manager,
        ).toBe(`system:serviceaccount:${NAMESPACE}:${RELEASE}-cloneset`);
      }
    });

    it("step 2: after the leader's pod is deleted the standby takes over, and the scale to 5 still happens", async () => {
      const before = await leaseHolder();
      const leaderPod = before.holder.split("_")[0] ?? "";
      const standby = (await clonesetPods()).find((name) => name !== leaderPod);
      await context.kubectlOk(["delete", "pod", "-n", NAMESPACE, leaderPod, "--wait=false"]);
      const begin = performance.now();
      // The leader releases the Lease on SIGTERM, so usually the standby takes it at once; the Deployment's
      // replacement pod may win that race, which is a takeover too. What must not happen is no leader.
      const after = await waitFor(
        `a replica other than ${leaderPod} (the standby ${standby ?? "?"}) holds the Lease`,
        async () => {
          const found = await leaseHolder();
          const pod = found.holder.split("_")[0] ?? "";
          return pod !== "" && pod !== leaderPod ? found : undefined;
        },
        60_000,
        250,
      );
      timings.leaderTakeover = Math.round((performance.now() - begin) / 100) / 10;
      expect(after.holder.split("_")[0]).not.toBe(leaderPod);
      await applyStep("02-scale-up.yaml");
      await waitFor(
        "5 Ready demo pods",
        async () => {
          const current = await demoPods();
          return current.length === 5 && current.every(ready) ? current : undefined;
        },
        240_000,
        1_000,
      );
    });

    it("step 3: podsToDelete deletes exactly the named pod", async () => {
      const pods = await demoPods();
      const victim = pods[0]?.metadata?.name ?? "";
      await applyStep("03-scale-down-podsToDelete.yaml", (text) => text.replace("demo-9gmzs", victim));
      const left = await waitFor(
        "4 demo pods, without the named one",
        async () => {
          const current = await demoPods();
          return current.length === 4 ? current : undefined;
        },
        120_000,
        1_000,
      );
      expect(left.map((pod) => pod.metadata?.name).sort()).toEqual(
        pods
          .map((pod) => pod.metadata?.name)
          .filter((name) => name !== victim)
          .sort(),
      );
    });

    it("step 4: the in-place update restarts only the container: same UID and IP, the new image's digest", async () => {
      const before = await demoPods();
      await applyStep("04-inplace-update.yaml");
      const after = await waitFor(
        "4 Ready pods on nginx:1.7.9",
        async () => {
          const current = await demoPods();
          return current.length === 4 &&
            current.every(
              (pod) => ready(pod) && pod.status?.containerStatuses?.[0]?.image.endsWith("nginx:1.7.9"),
            )
            ? current
            : undefined;
        },
        360_000,
        1_000,
      );
      const nginx179 = `docker.io/library/nginx@${await digest("library/nginx", "1.7.9")}`;
      const byName = new Map(before.map((pod) => [pod.metadata?.name, pod]));
      for (const pod of after) {
        const old = byName.get(pod.metadata?.name);
        expect(old, pod.metadata?.name).toBeDefined();
        expect(pod.metadata?.uid).toBe(old?.metadata?.uid);
        expect(pod.status?.podIP).toBe(old?.status?.podIP);
        expect(pod.status?.containerStatuses?.[0]?.restartCount).toBe(
          (old?.status?.containerStatuses?.[0]?.restartCount ?? 0) + 1,
        );
        expect(pod.status?.containerStatuses?.[0]?.imageID).toBe(nginx179);
      }
    });

    it("step 5: partition 2 keeps two pods on the old revision and moves two", async () => {
      await applyStep("05-partition.yaml");
      const images = await waitFor(
        "two pods on nginx:latest, two on nginx:1.7.9",
        async () => {
          const current = await demoPods();
          const tags = current
            .filter(ready)
            .map((pod) => pod.status?.containerStatuses?.[0]?.image.split(":").pop())
            .sort();
          return JSON.stringify(tags) === JSON.stringify(["1.7.9", "1.7.9", "latest", "latest"])
            ? tags
            : undefined;
        },
        300_000,
        1_000,
      );
      expect(images).toHaveLength(4);
      const status = await json<{ status?: { updatedReplicas?: number; replicas?: number } }>([
        "get",
        "cloneset",
        "demo",
        "-n",
        "default",
      ]);
      expect(status.status?.updatedReplicas).toBe(2);
    });

    it("the bundled NATS: each controller on the bus connected over TLS as its own user, the CloneSet's events on the stream, no anonymous client", async () => {
      const begin = performance.now();
      const secret = async (name: string, key: string): Promise<string> =>
        Buffer.from(
          (await json<{ data?: Record<string, string> }>(["get", "secret", name, "-n", NAMESPACE])).data?.[
            key
          ] ?? "",
          "base64",
        ).toString("utf8");
      const caFile = join(scratch, "nats-ca.crt");
      writeFileSync(caFile, await secret(`${RELEASE}-nats-tls`, "ca.crt"));
      // The client port, and the monitor, which listens on the pod's loopback only.
      const forwardNats = (ports: number[]): Promise<PortForward> =>
        portForward(
          join(context.plane().binDir, "kubectl"),
          context.plane().kubeconfigPath,
          NAMESPACE,
          `pod/${RELEASE}-nats-0`,
          ports,
        );
      const forward = await forwardNats([4222, 8222]);
      try {
        const client = forward.ports[4222] ?? 0;
        const podsByIp = new Map(
          (await json<{ items: Pod[] }>(["get", "pods", "-n", NAMESPACE])).items.map((pod) => [
            pod.status?.podIP ?? "",
            pod.metadata?.labels?.["app.kubernetes.io/name"] ?? "",
          ]),
        );
        interface Connection {
          ip: string;
          authorized_user?: string;
          tls_version?: string;
        }
        // Every controller on the bus (and each of cloneset's two replicas) resolved the Service through the cluster
        // DNS and connected: the server names the user each connection logged in as, and its TLS version.
        const onBus = Object.keys(BUS_PARTIES).sort();
        const fromPods = await waitFor(
          `a connection from every pod of ${onBus.join(", ")}`,
          async () => {
            const connz = (await (
              await fetch(`http://127.0.0.1:${forward.ports[8222]}/connz?auth=true&limit=1024`)
            ).json()) as { connections?: Connection[] };
            const found = (connz.connections ?? []).filter((c) => podsByIp.has(c.ip));
            const ips = new Set(found.map((c) => c.ip));
            const expected = [...podsByIp].filter(([, app]) => onBus.includes(app)).map(([ip]) => ip);
            return expected.every((ip) => ips.has(ip)) ? found : undefined;
          },
          120_000,
          1_000,
        );
        expect([...new Set(fromPods.map((c) => c.authorized_user))].sort()).toEqual(onBus);
        for (const connection of fromPods) {
          expect(connection.authorized_user, connection.ip).toBe(podsByIp.get(connection.ip));
          expect(connection.tls_version, connection.ip).toMatch(/^1\.[23]$/);
        }
        // The walkthrough's CloneSet published its scale and rollout events: the stream keeps them by subject
        // (read with the stream manager's own credential, which may ask for the stream's info).
        const nc = await connect({
          ...natsConnectionSettings(
            `tls://cloneset@localhost:${client}`,
            { NATS_PASSWORD: await secret(`${RELEASE}-nats-cloneset`, "password") },
            { caFile },
          ),
          timeout: 5_000,
        });
        try {
          const jsm = await jetstreamManager(nc, { timeout: 5_000 });
          const info = await jsm.streams.info(streamName, {
            subjects_filter: "kruise.cloneset.default.demo.>",
          });
          const subjects = Object.keys(info.state.subjects ?? {}).sort();
          for (const event of ["scaled", "rollout-progress", "rollout-complete"])
            expect(subjects, event).toContain(`kruise.cloneset.default.demo.${event}`);
        } finally {
          await nc.close();
        }
      } finally {
        forward.close();
      }
      // No credentials, or a guessed password, gets nothing; neither does a client speaking plain text. kubectl
      // port-forward may lose the -ERR line the server sends just before it closes a refused client, and a forward
      // may stop accepting after such a close: so each probe gets its own forward, and the server's own record of
      // the closed connections (its monitor) says why it refused.
      const forwarded = async <T>(port: number, use: (local: number) => Promise<T>): Promise<T> => {
        const probe = await forwardNats([port]);
        try {
          return await use(probe.ports[port] ?? 0);
        } finally {
          probe.close();
        }
      };
      const refused = async (credentials: { user?: string; pass?: string }): Promise<string> =>
        forwarded(4222, (local) => natsRefusal(`tls://localhost:${local}`, credentials, { tls: { caFile } }));
      expect(await refused({}), "anonymous").not.toBe("connected");
      expect(await refused({ user: "cloneset", pass: "guess" }), "guessed password").not.toBe("connected");
      const failures = (await forwarded(8222, (local) => natsClosedConnections(`http://127.0.0.1:${local}`)))
        .filter((c) => c.reason === "Authentication Failure")
        .map((c) => c.authorized_user ?? "(anonymous)");
      expect(failures).toEqual(expect.arrayContaining(["(anonymous)", "cloneset"]));
      const plain = await forwarded(4222, (local) => natsPlaintextReply("127.0.0.1", local));
      expect(plain.info?.tls_required).toBe(true);
      expect(plain.ponged).toBe(false);
      timings.natsChecks = Math.round((performance.now() - begin) / 100) / 10;
    });

    it("helm uninstall leaves nothing of the release but the CRDs", async () => {
      const uninstall = await helm([
        "uninstall",
        RELEASE,
        "--namespace",
        NAMESPACE,
        "--wait",
        "--timeout",
        "120s",
      ]);
      expect(uninstall.code, uninstall.output).toBe(0);
      const kinds = (await context.kubectlOk(["api-resources", "--verbs=list", "-o", "name"]))
        .split("\n")
        .filter((name) => name !== "" && !name.startsWith("events"));
      const released = async (): Promise<string[]> =>
        (
          await context.kubectlOk([
            "get",
            kinds.join(","),
            "--all-namespaces",
            "-l",
            `app.kubernetes.io/instance=${RELEASE}`,
            "-o",
            "name",
            "--ignore-not-found",
          ])
        )
          .split("\n")
          .filter(
            (line) => line !== "" && !line.startsWith("customresourcedefinition.apiextensions.k8s.io/"),
          );
      // --wait returns once the Deployments are gone; their pods end within their grace period.
      await waitFor(
        "no object of the release but the CRDs",
        async () => (await released()).length === 0,
        120_000,
        1_000,
      );
      const crds = await context.kubectlOk(["get", "crds", "-o", "name"]);
      for (const crd of ["clonesets", "broadcastjobs", "advancedcronjobs", "statefulsets", "sidecarsets"])
        expect(crds).toContain(`${crd}.apps.kruise.io`);
      const namespaced = (
        await context.kubectlOk(["api-resources", "--verbs=list", "--namespaced=true", "-o", "name"])
      )
        .split("\n")
        .filter((name) => name !== "" && !name.startsWith("events"));
      const inNamespace = (
        await context.kubectlOk(["get", namespaced.join(","), "-n", NAMESPACE, "-o", "name"])
      )
        .split("\n")
        .filter(
          (line) => line !== "" && line !== "serviceaccount/default" && line !== "configmap/kube-root-ca.crt",
        );
      // What the controllers wrote at run time (their leader Leases, as OpenKruise's manager leaves its own) is
      // not the release's.
      expect(
        inNamespace.filter((line) => !/^lease\.coordination\.k8s\.io\/[a-z]+-controller-leader$/.test(line)),
      ).toEqual([]);
      // Cluster-wide objects of ours that are not the release's: what the controllers wrote at run time.
      const ours = async (): Promise<string[]> =>
        (
          await context.kubectlOk([
            "get",
            kinds.filter((kind) => !namespaced.includes(kind)).join(","),
            "-l",
            "app.kubernetes.io/part-of=kruise-ts",
            "-o",
            "name",
          ])
        )
          .split("\n")
          .filter(
            (line) => line !== "" && !line.startsWith("customresourcedefinition.apiextensions.k8s.io/"),
          );
      // The SidecarSet injection policy and its binding, which the controller writes, are owned by the release's
      // webhook configuration: the garbage collector deletes them after it.
      const left = await waitFor(
        "no cluster-wide object of ours but the CRDs",
        async () => {
          const found = await ours();
          return found.length === 0 ? found : undefined;
        },
        60_000,
        1_000,
      ).catch(async (error: unknown) => {
        throw new Error(`${String(error)}: left ${JSON.stringify(await ours())}`);
      });
      expect(left).toEqual([]);
      // The CloneSet and its pods are the user's: they stay, as they would with OpenKruise.
      expect(await demoPods()).toHaveLength(4);
    });
  });
}
