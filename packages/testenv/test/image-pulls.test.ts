import type { Pod } from "kubernetes-types/core/v1.js";
import { describe, expect, it } from "vitest";
import { parseImageReference, type ImageResolution } from "../src/kubelet/image-resolver.ts";
import type { PodFaults } from "../src/kubelet/pod-faults.ts";
import { newPodRuntime, stepPod } from "../src/kubelet/pod-runtime.ts";
import { desiredPodStatus } from "../src/kubelet/pod-status.ts";

describe("parseImageReference", () => {
  it.each([
    ["nginx", { host: "docker.io", path: "library/nginx", reference: "latest" }],
    ["nginx:1.25", { host: "docker.io", path: "library/nginx", reference: "1.25" }],
    ["bitnami/redis:7", { host: "docker.io", path: "bitnami/redis", reference: "7" }],
    ["registry.k8s.io/pause:3.10", { host: "registry.k8s.io", path: "pause", reference: "3.10" }],
    ["127.0.0.1:5000/ctl/app:dev", { host: "127.0.0.1:5000", path: "ctl/app", reference: "dev" }],
    ["nginx@sha256:abc", { host: "docker.io", path: "library/nginx", reference: "sha256:abc" }],
  ])("%s", (image, want) => {
    expect(parseImageReference(image)).toEqual(want);
  });
});

const noFaults: PodFaults = {
  pullDelayMs: 0,
  pullFail: false,
  crashLoop: false,
  hold: false,
  notReady: false,
  exitCode: undefined,
};

describe("pulls answered by the registry (pure)", () => {
  const T0 = Date.UTC(2030, 0, 1);
  const pod = (image: string): Pod => ({
    metadata: { name: "p", namespace: "ns", uid: "u" },
    spec: { nodeName: "n0", containers: [{ name: "c", image }] },
  });
  const step = (
    p: Pod,
    runtime: ReturnType<typeof newPodRuntime>,
    now: number,
    images: Map<string, ImageResolution>,
  ) => {
    const wake = stepPod(runtime, p, { now, faults: noFaults, crashLoopIntervalMs: 1_000, images });
    const status = desiredPodStatus({ pod: p, runtime, faults: noFaults, hostIP: "h", nodeReady: true, now });
    return { wake, container: status.containerStatuses?.[0] };
  };

  it("a found image runs with the registry's digest as imageID", () => {
    const p = pod("nginx:1.25");
    const images = new Map([
      ["nginx:1.25", { found: true, imageID: "docker.io/library/nginx@sha256:1234" } as const],
    ]);
    const { container } = step(p, newPodRuntime(p, "10.0.0.1", T0), T0, images);
    expect(container?.imageID).toBe("docker.io/library/nginx@sha256:1234");
    expect(container?.state?.running).toBeDefined();
  });

  it("a missing image: ErrImagePull, then ImagePullBackOff, then runs once it is pushed", () => {
    const p = pod("nginx:nope");
    const runtime = newPodRuntime(p, "10.0.0.2", T0);
    const missing = new Map([["nginx:nope", { found: false, message: "nginx:nope: not found" } as const]]);
    const first = step(p, runtime, T0, missing);
    expect(first.container?.state?.waiting).toEqual({
      reason: "ErrImagePull",
      message: "nginx:nope: not found",
    });
    expect(first.wake).toBe(1_000);
    const second = step(p, runtime, T0 + 1_000, missing);
    expect(second.container?.state?.waiting?.reason).toBe("ImagePullBackOff");
    const pushed = new Map([
      ["nginx:nope", { found: true, imageID: "docker.io/library/nginx@sha256:55" } as const],
    ]);
    const third = step(p, runtime, T0 + 2_000, pushed);
    expect(third.container?.imageID).toBe("docker.io/library/nginx@sha256:55");
    expect(third.container?.restartCount).toBe(0);
  });
});
