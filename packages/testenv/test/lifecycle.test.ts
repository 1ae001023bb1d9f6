import { existsSync } from "node:fs";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { natsConnectOptions, startControlPlane, type ControlPlane } from "../src/index.ts";
import { NOT_READY_ANNOTATION } from "../src/kubelet/annotations.ts";
import { KubeApiError } from "../src/kube/api-error.ts";
import { MERGE_PATCH, type KubeHttpClient } from "../src/kube/http-client.ts";
import { runKubectl } from "../src/kubectl.ts";
import { adminClient, isPodReady, pod, podPath } from "./support.ts";
import { waitFor } from "../src/vitest/index.ts";

// A control plane of its own: these tests restart and disturb it.
describe("control plane lifecycle", () => {
  let plane: ControlPlane;
  let client: KubeHttpClient;
  const ns = "lifecycle";

  beforeAll(async () => {
    plane = await startControlPlane({
      nodes: 2,
      zones: ["east", "west"],
      crdsDir: false,
      users: { alice: ["developers"] },
      watchCache: false,
    });
    client = adminClient(plane);
    await client.create("/api/v1/namespaces", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: ns },
    });
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    await plane?.stop();
  });

  const readyPod = (name: string) =>
    waitFor(
      `pod ${name} Ready`,
      async () => {
        const current = await client.get<Pod>(podPath(ns, name));
        return isPodReady(current) ? current : undefined;
      },
      40_000,
    );

  it("keeps working across an apiserver restart: the kubelet and scheduler reconnect", async () => {
    await plane.restartApiserver();
    await client.create(`/api/v1/namespaces/${ns}/pods`, pod(ns, "after-restart"));
    const running = await readyPod("after-restart");
    expect(running.spec?.nodeName).toMatch(/^testenv-node-[01]$/);
  });

  it("restarts NATS on the same port with the same JetStream store", async () => {
    const url = plane.natsUrl;
    let nc = await connect({ ...natsConnectOptions(url!), timeout: 5_000 });
    await (await jetstreamManager(nc)).streams.add({ name: "KEEP", subjects: ["keep.>"] });
    await nc.close();

    await plane.stopNats();
    await expect(
      connect({ ...natsConnectOptions(url!), timeout: 1_000, reconnect: false }),
    ).rejects.toThrow();
    await plane.startNats();
    nc = await connect({ ...natsConnectOptions(url!), timeout: 5_000 });
    const info = await (await jetstreamManager(nc)).streams.info("KEEP");
    expect(info.config.subjects).toEqual(["keep.>"]);
    await nc.close();
  });

  it("compacts etcd so that a watch from an older resourceVersion gets 410 Gone", async () => {
    const list = await client.get<{ metadata: { resourceVersion: string } }>(
      `/api/v1/namespaces/${ns}/configmaps`,
    );
    for (let i = 0; i < 5; i++) {
      await client.create(`/api/v1/namespaces/${ns}/configmaps`, {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: `cm-${i}` },
      });
    }
    await plane.compactEtcd();
    let gone = false;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 5_000);
    try {
      await client.watch<{ code?: number }>(
        `/api/v1/namespaces/${ns}/configmaps`,
        { resourceVersion: list.metadata.resourceVersion },
        (event) => {
          if (event.type === "ERROR" && event.object.code === 410) {
            gone = true;
            abort.abort();
          }
        },
        abort.signal,
      );
    } catch (error) {
      if (error instanceof KubeApiError && error.code === 410) gone = true;
      else if (!abort.signal.aborted) throw error;
    } finally {
      clearTimeout(timer);
    }
    expect(gone).toBe(true);
  });

  it("writes a least-privilege ServiceAccount kubeconfig, and static users get their own tokens", async () => {
    const path = await plane.serviceAccountKubeconfig(ns, "robot");
    const whoami = await runKubectl(plane.binDir, path, [
      "auth",
      "whoami",
      "-o",
      "jsonpath={.status.userInfo.username}",
    ]);
    expect(whoami.stdout).toBe(`system:serviceaccount:${ns}:robot`);
    const denied = await runKubectl(plane.binDir, path, ["get", "pods"]);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain("Forbidden");

    const alice = plane.userTokens.alice;
    expect(alice).toBeTruthy();
    const asAlice = await plane.kubectl(["auth", "whoami", "-o", "jsonpath={.status.userInfo.groups}"], {
      token: alice,
    });
    expect(asAlice.stdout).toContain("developers");
    expect((await plane.kubectl(["get", "pods", "-n", ns], { token: alice })).stderr).toContain("Forbidden");
  });

  it("makes a node NotReady from this process and by annotation; its pods follow", async () => {
    await client.create(
      `/api/v1/namespaces/${ns}/pods`,
      pod(ns, "on-node-0", { nodeName: "testenv-node-0" }),
    );
    await readyPod("on-node-0");
    const nodeState = (name: string) =>
      client.get<Node>(`/api/v1/nodes/${name}`).then((node) => ({
        ready: node.status?.conditions?.find((c) => c.type === "Ready")?.status,
        tainted: node.spec?.taints?.some((t) => t.key === "node.kubernetes.io/not-ready") ?? false,
      }));

    plane.kubelet.setNodeReady("testenv-node-0", false);
    await waitFor("node-0 NotReady and tainted", async () => {
      const state = await nodeState("testenv-node-0");
      return state.ready === "False" && state.tainted;
    });
    await waitFor("pod follows its node", async () => {
      const current = await client.get<Pod>(podPath(ns, "on-node-0"));
      return current.status?.conditions?.find((c) => c.type === "Ready")?.reason === "NodeNotReady";
    });
    plane.kubelet.setNodeReady("testenv-node-0", undefined);
    await readyPod("on-node-0");
    // The Ready condition and the taint are two writes (status, then spec), and kube-controller-manager's node
    // lifecycle controller edits the same taints from its own cache, so the taint may lift a moment after the pod
    // is Ready again.
    await waitFor("node-0 Ready and untainted", async () => {
      const state = await nodeState("testenv-node-0");
      return state.ready === "True" && !state.tainted;
    });

    await client.patch(
      `/api/v1/nodes/testenv-node-1`,
      { metadata: { annotations: { [NOT_READY_ANNOTATION]: "true" } } },
      MERGE_PATCH,
    );
    await waitFor(
      "node-1 NotReady by annotation",
      async () => (await nodeState("testenv-node-1")).ready === "False",
    );
    await client.patch(
      `/api/v1/nodes/testenv-node-1`,
      { metadata: { annotations: { [NOT_READY_ANNOTATION]: null } } },
      MERGE_PATCH,
    );
    await waitFor("node-1 Ready again", async () => (await nodeState("testenv-node-1")).ready === "True");
  });

  it("controls pods from the in-process handle", async () => {
    await client.create(`/api/v1/namespaces/${ns}/pods`, pod(ns, "handled"));
    await readyPod("handled");
    plane.kubelet.setPodFaults(ns, "handled", { notReady: true });
    await waitFor(
      "not ready by override",
      async () => !isPodReady(await client.get<Pod>(podPath(ns, "handled"))),
    );
    plane.kubelet.setPodFaults(ns, "handled", undefined);
    await readyPod("handled");
  });

  it("lists its processes and removes everything on stop()", async () => {
    const processes = plane.processes();
    // The image registry runs only where the test images could be built (see registry.ts).
    const expected = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "nats-server"];
    if (plane.registry) expected.push("registry");
    expect(processes.map((p) => p.name).sort()).toEqual(expected.sort());
    await client.close();
    await plane.stop();
    for (const { pid } of processes) expect(() => process.kill(pid, 0)).toThrow();
    expect(existsSync(plane.workDir)).toBe(false);
  });
});
