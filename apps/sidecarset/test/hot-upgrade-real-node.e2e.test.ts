// Hot upgrade on a real node (kubelet + containerd + runc + CNI, a private control plane): a pod with a HotUpgrade
// sidecar and an nginx app behind a readiness probe. A new sidecar image goes to the empty twin, which becomes the
// working one; the old twin then goes back to the empty image. A watch on the pod sees it Ready at every moment, the
// app container never restarts, and the pod keeps its UID. On a machine that cannot run real nodes it skips, saying why.
import type { Pod } from "kubernetes-types/core/v1.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PodKind, createClient, loadRestConfig, type HttpClient } from "@kruise/sdk";
import {
  findBinaries,
  realNodeSupport,
  REAL_NODE_LABEL,
  startControlPlane,
  type ControlPlane,
} from "@kruise/testenv";
import { waitFor } from "@kruise/testenv/vitest";
import { startSidecarSetController, type RunningController } from "./support/controller.ts";

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
if (!support.ok) process.stdout.write(`sidecarset real-node test skipped: ${support.reason}\n`);

const NS = "sidecar-hot";
const CTL_NS = "kruise-system";
const SS = "mesh-hot";
const EMPTY = "busybox:1";
// A sidecar that stops at once on SIGTERM, so each in-place restart is quick.
const MESH_COMMAND = ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"];

describe.skipIf(!support.ok)("SidecarSet hot upgrade on a real node", { timeout: 300_000 }, () => {
  let plane: ControlPlane;
  let controller: RunningController | undefined;
  let client: HttpClient;

  beforeAll(async () => {
    plane = await startControlPlane({ nodes: 0, realNodes: 1, nats: false });
    client = createClient(await loadRestConfig(plane.kubeconfigPath), { qps: Infinity });
    await kubectlOk(["create", "namespace", NS]);
    await kubectlOk(["create", "namespace", CTL_NS]);
    controller = await startSidecarSetController(plane.kubeconfigPath, CTL_NS);
  }, 300_000);

  afterAll(async () => {
    await controller?.stop();
    await client?.close();
    await plane?.stop();
  });

  async function kubectlOk(args: string[], input?: string): Promise<string> {
    const result = await plane.kubectl(args, input === undefined ? undefined : { input });
    if (result.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${result.stderr}`);
    return result.stdout;
  }
  const sidecarSet = (image: string) => ({
    apiVersion: "apps.kruise.io/v1alpha1",
    kind: "SidecarSet",
    metadata: { name: SS },
    spec: {
      selector: { matchLabels: { app: "hot" } },
      namespace: NS,
      containers: [
        {
          name: "mesh",
          image,
          command: MESH_COMMAND,
          upgradeStrategy: { upgradeType: "HotUpgrade", hotUpgradeEmptyImage: EMPTY },
        },
      ],
    },
  });
  const appPod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "hot", namespace: NS, labels: { app: "hot" } },
    spec: {
      nodeSelector: { [REAL_NODE_LABEL]: "true" },
      containers: [
        {
          name: "app",
          image: "nginx:1.25",
          readinessProbe: { httpGet: { path: "/", port: 80 }, periodSeconds: 1, failureThreshold: 3 },
        },
      ],
    },
  };
  const getPod = async (): Promise<Pod> =>
    JSON.parse(await kubectlOk(["get", "pod", "hot", "-n", NS, "-o", "json"])) as Pod;
  const ready = (p: Pod): boolean =>
    p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;
  const status = (p: Pod, c: string) => p.status?.containerStatuses?.find((s) => s.name === c);
  const specImage = (p: Pod, c: string) => p.spec?.containers.find((x) => x.name === c)?.image;
  const working = (p: Pod) => p.metadata?.annotations?.["kruise.io/sidecarset-working-hotupgrade-container"];
  const runs = (p: Pod, c: string, image: string) =>
    specImage(p, c) === image && status(p, c)?.image.endsWith(image) === true && status(p, c)?.ready === true;

  it("the working twin switches to the new image and the pod stays Ready throughout", async () => {
    await kubectlOk(["apply", "-f", "-"], JSON.stringify(sidecarSet("busybox:1.36")));
    await waitFor(
      "the injected pod Ready on the real node",
      async () => {
        await plane.kubectl(["apply", "-f", "-"], { input: JSON.stringify(appPod) });
        const p = await getPod();
        if (!p.spec?.containers.some((c) => c.name === "mesh-1")) {
          // Created before the webhook entry reached the API server: recreate it.
          await plane.kubectl(["delete", "pod", "hot", "-n", NS, "--wait=true"]);
          return false;
        }
        return ready(p) && runs(p, "mesh-1", "busybox:1.36") && runs(p, "mesh-2", EMPTY) ? p : false;
      },
      180_000,
      500,
    );
    const before = await getPod();
    expect(working(before)).toBe('{"mesh":"mesh-1"}');

    // Watch the pod from here on: every version it goes through must be Ready.
    const abort = new AbortController();
    const notReady: string[] = [];
    const seen: Pod[] = [];
    const watching = (async () => {
      try {
        for await (const ev of client.watch(PodKind, {
          namespace: NS,
          fieldSelector: "metadata.name=hot",
          resourceVersion: before.metadata?.resourceVersion ?? "0",
          signal: abort.signal,
        })) {
          if (ev.type !== "ADDED" && ev.type !== "MODIFIED") continue;
          seen.push(ev.object);
          if (!ready(ev.object))
            notReady.push(
              `rv ${ev.object.metadata?.resourceVersion}: ${JSON.stringify(ev.object.status?.conditions)}`,
            );
        }
      } catch (err) {
        if (!abort.signal.aborted) throw err;
      }
    })();

    await kubectlOk(["apply", "-f", "-"], JSON.stringify(sidecarSet("busybox:1.37")));
    const done = await waitFor(
      "mesh-2 working on busybox:1.37, mesh-1 back on the empty image",
      async () => {
        const p = await getPod();
        return working(p) === '{"mesh":"mesh-2"}' &&
          runs(p, "mesh-2", "busybox:1.37") &&
          runs(p, "mesh-1", EMPTY) &&
          p.metadata?.annotations?.["version.sidecarset.kruise.io/mesh-1"] === "0"
          ? p
          : false;
      },
      120_000,
      300,
    );
    // A little longer, for any late status write of the kubelet.
    await new Promise((r) => setTimeout(r, 3_000));
    abort.abort();
    await watching;

    expect(notReady).toEqual([]);
    // The watch saw the whole walk: the new twin on the new image, then the old one on the empty image.
    expect(
      seen.some((p) => specImage(p, "mesh-2") === "busybox:1.37" && specImage(p, "mesh-1") !== EMPTY),
    ).toBe(true);
    expect(done.metadata?.uid).toBe(before.metadata?.uid);
    expect(status(done, "app")?.restartCount).toBe(0);
    expect(status(done, "mesh-2")?.restartCount).toBe(1);
    expect(status(done, "mesh-1")?.restartCount).toBe(1);
    const anns = done.metadata?.annotations ?? {};
    expect(Number(anns["version.sidecarset.kruise.io/mesh-2"])).toBeGreaterThan(1);
    expect(anns["versionalt.sidecarset.kruise.io/mesh-2"]).toBe("0");
    await waitFor("status: 1 matched, updated and ready", async () => {
      const s = (
        JSON.parse(await kubectlOk(["get", "sidecarset", SS, "-o", "json"])) as {
          status?: Record<string, unknown>;
        }
      ).status;
      return s?.["matchedPods"] === 1 && s["updatedPods"] === 1 && s["updatedReadyPods"] === 1;
    });
  });
});
