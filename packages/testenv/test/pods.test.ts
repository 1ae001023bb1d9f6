import type { Node, Pod } from "kubernetes-types/core/v1.js";
import { beforeAll, describe, expect, it } from "vitest";
import { EXIT_CODE_ANNOTATION, HOLD_ANNOTATION } from "../src/kubelet/annotations.ts";
import { isNotFound } from "../src/kube/api-error.ts";
import { MERGE_PATCH, STRATEGIC_MERGE_PATCH, type KubeHttpClient } from "../src/kube/http-client.ts";
import { createTestNamespace, getTestEnv, waitFor } from "../src/vitest/index.ts";
import { adminClient, containerStatus, isPodReady, pod, podPath } from "./support.ts";

describe("simulated kubelet with the real scheduler", () => {
  let client: KubeHttpClient;
  let ns: string;

  beforeAll(async () => {
    client = adminClient(getTestEnv());
    ns = await createTestNamespace("kubelet");
  });

  const get = (name: string): Promise<Pod> => client.get<Pod>(podPath(ns, name));
  const waitReady = (name: string): Promise<Pod> =>
    waitFor(`pod ${name} Running and Ready`, async () => {
      const current = await get(name);
      return current.status?.phase === "Running" && isPodReady(current) ? current : undefined;
    });

  it("schedules a pod onto a simulated node and runs it Ready with an imageID", async () => {
    await client.create(`/api/v1/namespaces/${ns}/pods`, pod(ns, "web"));
    const running = await waitReady("web");
    const node = await client.get<Node>(`/api/v1/nodes/${running.spec?.nodeName ?? "missing"}`);
    expect(node.metadata?.labels?.["testenv.kruise.io/simulated"]).toBe("true");
    // kube-scheduler bound it: PodScheduled comes from the scheduler, not from us.
    expect(running.status?.conditions?.find((c) => c.type === "PodScheduled")?.status).toBe("True");
    const app = containerStatus(running, "app");
    expect(app?.imageID).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    expect(app?.containerID).toMatch(/^containerd:\/\//);
    expect(app).toMatchObject({ image: "nginx:1.25", ready: true, started: true, restartCount: 0 });
    expect(app?.state?.running?.startedAt).toBeTruthy();
    expect(running.status?.podIP).toMatch(/^10\.244\.\d+\.\d+$/);
    expect(running.status?.hostIP).toBe(
      node.status?.addresses?.find((a) => a.type === "InternalIP")?.address,
    );
    expect(running.status?.startTime).toBeTruthy();
  });

  it("changes an image in place: same UID and IP, new imageID, restartCount 1, other container untouched", async () => {
    await client.create(
      `/api/v1/namespaces/${ns}/pods`,
      pod(ns, "inplace", {
        containers: [
          { name: "main", image: "nginx:1.25" },
          { name: "sidecar", image: "busybox:1.36" },
        ],
      }),
    );
    const before = await waitReady("inplace");
    const mainBefore = containerStatus(before, "main");
    const sidecarBefore = containerStatus(before, "sidecar");

    await client.patch(
      podPath(ns, "inplace"),
      { spec: { containers: [{ name: "main", image: "nginx:1.26" }] } },
      STRATEGIC_MERGE_PATCH,
    );
    const after = await waitFor("main container restarted on nginx:1.26", async () => {
      const current = await get("inplace");
      const main = containerStatus(current, "main");
      return main?.image === "nginx:1.26" && main.restartCount === 1 && isPodReady(current)
        ? current
        : undefined;
    });
    const mainAfter = containerStatus(after, "main");
    expect(after.metadata?.uid).toBe(before.metadata?.uid);
    expect(after.status?.podIP).toBe(before.status?.podIP);
    expect(mainAfter?.imageID).not.toBe(mainBefore?.imageID);
    expect(mainAfter?.imageID).toMatch(/^docker\.io\/library\/nginx@sha256:/);
    expect(mainAfter?.containerID).not.toBe(mainBefore?.containerID);
    expect(mainAfter?.lastState?.terminated?.containerID).toBe(mainBefore?.containerID);
    expect(containerStatus(after, "sidecar")).toEqual(sidecarBefore);
  });

  it("holds a pod still (step-by-step) until the hold annotation is removed, then applies the pull delay", async () => {
    await client.create(
      `/api/v1/namespaces/${ns}/pods`,
      pod(ns, "stepwise", {}, { "testenv.kruise.io/pull-delay-ms": "1500" }),
    );
    const ready = await waitReady("stepwise");
    await client.patch(
      podPath(ns, "stepwise"),
      {
        metadata: { annotations: { [HOLD_ANNOTATION]: "true" } },
        spec: { containers: [{ name: "app", image: "nginx:1.27" }] },
      },
      STRATEGIC_MERGE_PATCH,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const held = await get("stepwise");
    expect(containerStatus(held, "app")).toEqual(containerStatus(ready, "app"));

    await client.patch(
      podPath(ns, "stepwise"),
      { metadata: { annotations: { [HOLD_ANNOTATION]: null } } },
      MERGE_PATCH,
    );
    // During the 1.5 s pull the container is down: not ready, still reporting the old imageID.
    const pulling = await waitFor(
      "container pulling the new image",
      async () => {
        const current = await get("stepwise");
        return containerStatus(current, "app")?.state?.waiting?.reason === "ContainerCreating"
          ? current
          : undefined;
      },
      5_000,
    );
    expect(isPodReady(pulling)).toBe(false);
    expect(containerStatus(pulling, "app")?.imageID).toBe(containerStatus(ready, "app")?.imageID);
    const done = await waitReady("stepwise");
    expect(containerStatus(done, "app")).toMatchObject({ image: "nginx:1.27", restartCount: 1 });
  });

  it("keeps a pod with a readiness gate not Ready until the gate's condition is True, preserving that condition", async () => {
    await client.create(
      `/api/v1/namespaces/${ns}/pods`,
      pod(ns, "gated", { readinessGates: [{ conditionType: "InPlaceUpdateReady" }] }),
    );
    const waiting = await waitFor("containers ready, pod held by its gate", async () => {
      const current = await get("gated");
      const ready = current.status?.conditions?.find((c) => c.type === "Ready");
      return current.status?.conditions?.some((c) => c.type === "ContainersReady" && c.status === "True") &&
        ready?.reason === "ReadinessGatesNotReady"
        ? current
        : undefined;
    });
    expect(isPodReady(waiting)).toBe(false);

    const setGate = (status: "True" | "False") =>
      client.patch(
        `${podPath(ns, "gated")}/status`,
        {
          status: {
            conditions: [
              {
                type: "InPlaceUpdateReady",
                status,
                lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
              },
            ],
          },
        },
        STRATEGIC_MERGE_PATCH,
      );
    await setGate("False");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(isPodReady(await get("gated"))).toBe(false);

    await setGate("True");
    const ready = await waitReady("gated");
    expect(ready.status?.conditions?.find((c) => c.type === "InPlaceUpdateReady")?.status).toBe("True");
  });

  it("finishes a graceful deletion, and not before a held pod is released", async () => {
    await client.create(`/api/v1/namespaces/${ns}/pods`, pod(ns, "doomed"));
    const running = await waitReady("doomed");
    await client.delete(podPath(ns, "doomed"));
    await waitFor(
      "pod gone",
      async () => {
        try {
          const current = await get("doomed");
          return current.metadata?.uid !== running.metadata?.uid;
        } catch (error) {
          return isNotFound(error);
        }
      },
      15_000,
    );

    await client.create(`/api/v1/namespaces/${ns}/pods`, pod(ns, "held", {}, { [HOLD_ANNOTATION]: "false" }));
    await waitReady("held");
    await client.patch(
      podPath(ns, "held"),
      { metadata: { annotations: { [HOLD_ANNOTATION]: "true" } } },
      MERGE_PATCH,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    await client.delete(podPath(ns, "held"));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await get("held")).metadata?.deletionTimestamp).toBeTruthy();
    await client.patch(
      podPath(ns, "held"),
      { metadata: { annotations: { [HOLD_ANNOTATION]: null } } },
      MERGE_PATCH,
    );
    await waitFor(
      "held pod gone after release",
      async () =>
        get("held").then(
          () => false,
          (error: unknown) => isNotFound(error),
        ),
      15_000,
    );
  });

  it("runs pods to completion on command: exit 0 -> Succeeded, non-zero -> Failed", async () => {
    await client.create(
      `/api/v1/namespaces/${ns}/pods`,
      pod(ns, "job-ok", { restartPolicy: "Never" }, { [EXIT_CODE_ANNOTATION]: "0" }),
    );
    await client.create(
      `/api/v1/namespaces/${ns}/pods`,
      pod(ns, "job-later", { restartPolicy: "OnFailure" }),
    );
    const ok = await waitFor("job-ok Succeeded", async () => {
      const current = await get("job-ok");
      return current.status?.phase === "Succeeded" ? current : undefined;
    });
    expect(containerStatus(ok, "app")?.state?.terminated).toMatchObject({ exitCode: 0, reason: "Completed" });
    expect(isPodReady(ok)).toBe(false);

    await waitReady("job-later");
    await client.patch(
      podPath(ns, "job-later"),
      { metadata: { annotations: { [EXIT_CODE_ANNOTATION]: "3" } } },
      MERGE_PATCH,
    );
    const failed = await waitFor("job-later Failed", async () => {
      const current = await get("job-later");
      return current.status?.phase === "Failed" ? current : undefined;
    });
    expect(containerStatus(failed, "app")?.state?.terminated).toMatchObject({ exitCode: 3, reason: "Error" });
  });

  it("runs plain run-to-completion commands to their end: sleep then exit code", async () => {
    await client.create(
      `/api/v1/namespaces/${ns}/pods`,
      pod(ns, "sleeper", {
        restartPolicy: "Never",
        containers: [{ name: "app", image: "busybox:1.36", command: ["sh", "-c", "sleep 1; exit 2"] }],
      }),
    );
    await client.create(
      `/api/v1/namespaces/${ns}/pods`,
      pod(ns, "truthy", {
        restartPolicy: "Never",
        containers: [{ name: "app", image: "busybox:1.36", command: ["true"] }],
      }),
    );
    const failed = await waitFor("sleeper Failed", async () => {
      const current = await get("sleeper");
      return current.status?.phase === "Failed" ? current : undefined;
    });
    expect(containerStatus(failed, "app")?.state?.terminated?.exitCode).toBe(2);
    await waitFor("truthy Succeeded", async () => (await get("truthy")).status?.phase === "Succeeded");
  });

  it("pulls through the local registry: a missing image gives ErrImagePull then ImagePullBackOff; imageID is the registry's digest", async () => {
    const registry = getTestEnv().registryAddress;
    if (registry === undefined) return; // no registry on this machine: pulls always succeed
    await client.create(
      `/api/v1/namespaces/${ns}/pods`,
      pod(ns, "missing", { containers: [{ name: "app", image: "nginx:no-such-tag" }] }),
    );
    const failing = await waitFor("ErrImagePull", async () => {
      const current = await get("missing");
      const waiting = containerStatus(current, "app")?.state?.waiting;
      return waiting?.reason === "ErrImagePull" ? waiting : undefined;
    });
    expect(failing.message).toContain("docker.io/library/nginx:no-such-tag: not found");
    await waitFor(
      "ImagePullBackOff",
      async () => containerStatus(await get("missing"), "app")?.state?.waiting?.reason === "ImagePullBackOff",
    );
    expect((await get("missing")).status?.phase).toBe("Pending");

    await client.create(`/api/v1/namespaces/${ns}/pods`, pod(ns, "digest"));
    const running = await waitReady("digest");
    const head = await fetch(`http://${registry}/v2/library/nginx/manifests/1.25`, {
      method: "HEAD",
      headers: { Accept: "application/vnd.docker.distribution.manifest.v2+json" },
    });
    expect(containerStatus(running, "app")?.imageID).toBe(
      `docker.io/library/nginx@${head.headers.get("docker-content-digest")}`,
    );
  });

  it("injects faults by annotation: failing pull, crash loop, not-ready containers", async () => {
    await client.create(
      `/api/v1/namespaces/${ns}/pods`,
      pod(ns, "pull-fail", {}, { "testenv.kruise.io/pull-fail": "true" }),
    );
    await client.create(
      `/api/v1/namespaces/${ns}/pods`,
      pod(ns, "crashy", {}, { "testenv.kruise.io/crash-loop": "true" }),
    );
    await client.create(
      `/api/v1/namespaces/${ns}/pods`,
      pod(ns, "unready", {}, { "testenv.kruise.io/not-ready": "true" }),
    );

    const pullFail = await waitFor("ErrImagePull", async () => {
      const current = await get("pull-fail");
      return containerStatus(current, "app")?.state?.waiting?.reason === "ErrImagePull" ? current : undefined;
    });
    expect(pullFail.status?.phase).toBe("Pending");

    const crashy = await waitFor("CrashLoopBackOff with restarts rising", async () => {
      const current = await get("crashy");
      const app = containerStatus(current, "app");
      return app?.state?.waiting?.reason === "CrashLoopBackOff" && app.restartCount >= 2
        ? current
        : undefined;
    });
    expect(isPodReady(crashy)).toBe(false);
    expect(containerStatus(crashy, "app")?.lastState?.terminated?.exitCode).toBe(1);

    const unready = await waitFor("running but not ready", async () => {
      const current = await get("unready");
      return current.status?.phase === "Running" ? current : undefined;
    });
    expect(containerStatus(unready, "app")).toMatchObject({ ready: false, started: true });
    expect(isPodReady(unready)).toBe(false);

    // Lifting the faults recovers every pod.
    for (const [name, key] of [
      ["pull-fail", "pull-fail"],
      ["crashy", "crash-loop"],
      ["unready", "not-ready"],
    ] as const) {
      await client.patch(
        podPath(ns, name),
        { metadata: { annotations: { [`testenv.kruise.io/${key}`]: null } } },
        MERGE_PATCH,
      );
    }
    for (const name of ["pull-fail", "crashy", "unready"]) await waitReady(name);
  });
});
