import type { Pod, PodTemplateSpec } from "kubernetes-types/core/v1.js";
import { describe, expect, it } from "vitest";
import {
  calculateInPlaceUpdate,
  checkInPlaceUpdateCompleted,
  conditionsWithInPlaceReady,
  normalizeImage,
  planInPlaceRefresh,
  readInPlaceUpdateState,
  startInPlaceUpdate,
  withInPlaceReadinessGate,
} from "../src/index.ts";
import { INPLACE_UPDATE_GRACE_ANNOTATION, INPLACE_UPDATE_STATE_ANNOTATION } from "@kruise/api";
import { NOW, iso } from "./helpers.ts";

const base: PodTemplateSpec = {
  metadata: { labels: { app: "demo" }, annotations: { note: "a" } },
  spec: {
    containers: [
      {
        name: "main",
        image: "nginx:1",
        env: [{ name: "A", value: "1" }],
        resources: { limits: { cpu: "1" } },
        command: ["run"],
      },
      { name: "side", image: "busybox:1" },
    ],
    volumes: [{ name: "data", emptyDir: {} }],
  },
};

function changed(mutate: (t: PodTemplateSpec) => void): PodTemplateSpec {
  const t = structuredClone(base);
  mutate(t);
  return t;
}
const main = (t: PodTemplateSpec) => t.spec!.containers[0]!;

describe("in-place diff", () => {
  // inplace_update_defaults.go defaultCalculateInPlaceUpdateSpec: only /spec/containers/N/image replaces and
  // metadata changes are in-place; anything else (env, resources without the gate, command, containers) recreates.
  const rows: Array<[string, PodTemplateSpec, boolean]> = [
    ["nothing changed", changed(() => {}), true],
    ["image only", changed((t) => (main(t).image = "nginx:2")), true],
    [
      "both images",
      changed((t) => ((main(t).image = "nginx:2"), (t.spec!.containers[1]!.image = "busybox:2"))),
      true,
    ],
    ["labels only", changed((t) => (t.metadata!.labels = { app: "demo", tier: "web" })), true],
    ["annotation removed", changed((t) => delete t.metadata!.annotations!["note"]), true],
    [
      "image and labels",
      changed((t) => ((main(t).image = "nginx:2"), (t.metadata!.labels!["v"] = "2"))),
      true,
    ],
    ["env changed", changed((t) => (main(t).env = [{ name: "A", value: "2" }])), false],
    ["resources changed", changed((t) => (main(t).resources = { limits: { cpu: "2" } })), false],
    ["command changed", changed((t) => (main(t).command = ["other"])), false],
    ["container added", changed((t) => t.spec!.containers.push({ name: "extra", image: "x:1" })), false],
    ["container removed", changed((t) => t.spec!.containers.pop()), false],
    ["containers reordered", changed((t) => t.spec!.containers.reverse()), false],
    ["volume changed", changed((t) => (t.spec!.volumes = [])), false],
    ["pod-level field changed", changed((t) => (t.spec!.terminationGracePeriodSeconds = 5)), false],
    ["image removed", changed((t) => delete main(t).image), false],
  ];
  it.each(rows)("%s → in place: %s", (_name, next, inPlace) => {
    const diff = calculateInPlaceUpdate(base, next, { revision: "demo-2" });
    expect(diff.inPlace).toBe(inPlace);
    if (!diff.inPlace) expect(diff.reason.length).toBeGreaterThan(0);
  });

  it("records the new images and the metadata patch", () => {
    const diff = calculateInPlaceUpdate(
      base,
      changed((t) => {
        main(t).image = "nginx:2";
        t.metadata!.labels = { app: "demo", v: "2" };
        t.metadata!.annotations = {};
      }),
      { revision: "demo-2", gracePeriodSeconds: 10 },
    );
    expect(diff).toEqual({
      inPlace: true,
      spec: {
        revision: "demo-2",
        containerImages: { main: "nginx:2" },
        metadataPatch: { labels: { v: "2" }, annotations: { note: null } },
        graceSeconds: 10,
      },
    });
  });
});

function runningPod(): Pod {
  return {
    metadata: {
      name: "demo-abcde",
      namespace: "ns",
      labels: { app: "demo", "controller-revision-hash": "demo-1" },
      annotations: { note: "a" },
      resourceVersion: "7",
    },
    spec: {
      containers: [
        { name: "main", image: "nginx:1" },
        { name: "side", image: "busybox:1" },
      ],
      readinessGates: withInPlaceReadinessGate(undefined),
    },
    status: {
      phase: "Running",
      conditions: [
        { type: "ContainersReady", status: "True" },
        { type: "InPlaceUpdateReady", status: "True" },
        { type: "Ready", status: "True" },
      ],
      containerStatuses: [
        { name: "main", image: "nginx:1", imageID: "sha-old-main", ready: true, restartCount: 0 },
        { name: "side", image: "busybox:1", imageID: "sha-old-side", ready: true, restartCount: 0 },
      ],
    },
  };
}

/** What kubelet does after the image patch: restart the container with the new image. */
function kubeletRestarts(pod: Pod, name: string, image: string, imageID: string): Pod {
  const next = structuredClone(pod);
  next.status!.containerStatuses = next.status!.containerStatuses!.map((s) =>
    s.name === name ? { ...s, image, imageID, restartCount: s.restartCount + 1 } : s,
  );
  return next;
}

describe("starting an in-place update", () => {
  // inplace_update.go updatePodInPlace + defaultPatchUpdateSpecToPod: revision labels, state annotation with old imageIDs, images patched.
  it("patches images, labels and records lastContainerStatuses", () => {
    const pod = startInPlaceUpdate(
      runningPod(),
      { revision: "demo-2", containerImages: { main: "nginx:2" }, metadataPatch: { labels: { v: "2" } } },
      { now: NOW, labels: { "controller-revision-hash": "demo-2" } },
    );
    expect(pod.spec!.containers[0]!.image).toBe("nginx:2");
    expect(pod.spec!.containers[1]!.image).toBe("busybox:1");
    expect(pod.metadata!.labels).toMatchObject({ v: "2", "controller-revision-hash": "demo-2" });
    const state = readInPlaceUpdateState(pod)!;
    expect(state).toMatchObject({
      revision: "demo-2",
      updateTimestamp: iso(NOW),
      updateImages: true,
      lastContainerStatuses: { main: { imageID: "sha-old-main" } },
    });
    expect(state.containerBatchesRecord).toEqual([{ timestamp: iso(NOW), containers: ["main"] }]);
    expect(checkInPlaceUpdateCompleted(pod).completed).toBe(false);
  });

  // inplace_update.go: with gracePeriodSeconds the spec waits in the grace annotation; images untouched.
  it("parks the spec during the grace period", () => {
    const pod = startInPlaceUpdate(
      runningPod(),
      { revision: "demo-2", containerImages: { main: "nginx:2" }, graceSeconds: 30 },
      { now: NOW, labels: { "controller-revision-hash": "demo-2" } },
    );
    expect(pod.spec!.containers[0]!.image).toBe("nginx:1");
    expect(pod.metadata!.annotations![INPLACE_UPDATE_GRACE_ANNOTATION]).toBeDefined();
    expect(checkInPlaceUpdateCompleted(pod)).toMatchObject({ completed: false });

    // inplace_update.go finishGracePeriod: wait out the grace (requeue in whole seconds), then patch.
    expect(planInPlaceRefresh(pod, NOW + 10_500)).toEqual({
      action: "wait",
      reason: "in the in-place update grace period",
      requeueAfterMs: 20_000,
    });
    const after = planInPlaceRefresh(pod, NOW + 30_000);
    expect(after.action).toBe("writePod");
    if (after.action !== "writePod") return;
    expect(after.pod.spec!.containers[0]!.image).toBe("nginx:2");
    expect(after.pod.metadata!.annotations![INPLACE_UPDATE_GRACE_ANNOTATION]).toBeUndefined();
  });

  it("drops a parked spec when the pod moved to another revision meanwhile", () => {
    const pod = startInPlaceUpdate(
      runningPod(),
      { revision: "demo-2", containerImages: { main: "nginx:2" }, graceSeconds: 30 },
      { now: NOW },
    );
    const plan = planInPlaceRefresh(pod, NOW + 1000);
    expect(plan).toMatchObject({ action: "writePod", reason: "revision changed during the grace period" });
  });

  // inplace_update_defaults.go: KRUISE_CONTAINER_PRIORITY — highest priority first, the rest in later batches.
  it("updates containers in priority batches", () => {
    const start = runningPod();
    start.spec!.containers[0]!.env = [{ name: "KRUISE_CONTAINER_PRIORITY", value: "1" }];
    start.spec!.containers[1]!.env = [{ name: "KRUISE_CONTAINER_PRIORITY", value: "10" }];
    let pod = startInPlaceUpdate(
      start,
      { revision: "demo-2", containerImages: { main: "nginx:2", side: "busybox:2" } },
      { now: NOW, labels: { "controller-revision-hash": "demo-2" } },
    );
    expect(pod.spec!.containers.map((c) => c.image)).toEqual(["nginx:1", "busybox:2"]);
    expect(readInPlaceUpdateState(pod)).toMatchObject({
      nextContainerImages: { main: "nginx:2" },
      preCheckBeforeNext: { containersRequiredReady: ["side"] },
    });
    expect(checkInPlaceUpdateCompleted(pod)).toMatchObject({
      completed: false,
      reason: "containers remain for a later in-place update batch",
    });

    pod = kubeletRestarts(pod, "side", "busybox:2", "sha-new-side");
    pod.status!.containerStatuses![1]!.ready = false;
    expect(planInPlaceRefresh(pod, NOW).action).toBe("wait");
    pod.status!.containerStatuses![1]!.ready = true;
    const next = planInPlaceRefresh(pod, NOW + 5000);
    expect(next.action).toBe("writePod");
    if (next.action !== "writePod") return;
    expect(next.pod.spec!.containers.map((c) => c.image)).toEqual(["nginx:2", "busybox:2"]);
    const state = readInPlaceUpdateState(next.pod)!;
    expect(state.nextContainerImages).toBeUndefined();
    expect(state.containerBatchesRecord?.map((b) => b.containers)).toEqual([["side"], ["main"]]);
  });
});

describe("in-place update batches by container launch priority, as OpenKruise's pod webhook assigns it", () => {
  const update = { revision: "demo-2", containerImages: { main: "nginx:2", side: "busybox:2" } };
  const opts = { now: NOW, labels: { "controller-revision-hash": "demo-2" } };
  const firstBatch = (pod: Pod) => readInPlaceUpdateState(pod)?.containerBatchesRecord?.[0]?.containers;

  it("a container without KRUISE_CONTAINER_PRIORITY has priority 0 once another has one", () => {
    const start = runningPod();
    start.spec!.containers[1]!.env = [{ name: "KRUISE_CONTAINER_PRIORITY", value: "10" }];
    const pod = startInPlaceUpdate(start, update, opts);
    expect(pod.spec!.containers.map((c) => c.image)).toEqual(["nginx:1", "busybox:2"]);
    expect(firstBatch(pod)).toEqual(["side"]);
    expect(readInPlaceUpdateState(pod)?.nextContainerImages).toEqual({ main: "nginx:2" });
  });

  it("a negative priority goes after a container without one", () => {
    const start = runningPod();
    start.spec!.containers[0]!.env = [{ name: "KRUISE_CONTAINER_PRIORITY", value: "-1" }];
    expect(firstBatch(startInPlaceUpdate(start, update, opts))).toEqual(["side"]);
  });

  it("apps.kruise.io/container-launch-priority: Ordered puts each container before the next", () => {
    const start = runningPod();
    start.metadata!.annotations = {
      ...start.metadata!.annotations,
      "apps.kruise.io/container-launch-priority": "Ordered",
    };
    const pod = startInPlaceUpdate(start, update, opts);
    expect(firstBatch(pod)).toEqual(["main"]);
    expect(readInPlaceUpdateState(pod)?.nextContainerImages).toEqual({ side: "busybox:2" });
  });

  it("reads the KRUISE_CONTAINER_BARRIER that OpenKruise's webhook injected into pods it created", () => {
    const start = runningPod();
    const barrier = (key: string) => ({
      name: "KRUISE_CONTAINER_BARRIER",
      valueFrom: { configMapKeyRef: { name: "pod-barrier", key } },
    });
    start.spec!.containers[0]!.env = [barrier("p_0")];
    start.spec!.containers[1]!.env = [barrier("p_5")];
    expect(firstBatch(startInPlaceUpdate(start, update, opts))).toEqual(["side"]);
  });

  it("without any priority, every changed container is updated at once", () => {
    expect(firstBatch(startInPlaceUpdate(runningPod(), update, opts))).toEqual(["main", "side"]);
  });
});

describe("in-place completion", () => {
  // inplace_update_defaults.go defaultCheckContainersInPlaceUpdateCompleted: imageID changed, or status image equals spec image.
  const started = (): Pod =>
    startInPlaceUpdate(
      runningPod(),
      { revision: "demo-2", containerImages: { main: "nginx:2" } },
      { now: NOW, labels: { "controller-revision-hash": "demo-2" } },
    );
  const rows: Array<[string, (p: Pod) => Pod, boolean]> = [
    ["kubelet has not restarted the container", (p) => p, false],
    ["new imageID reported", (p) => kubeletRestarts(p, "main", "docker.io/library/nginx:2", "sha-new"), true],
    [
      "same imageID but status image matches spec",
      (p) => kubeletRestarts(p, "main", "nginx:2", "sha-old-main"),
      true,
    ],
    [
      "same imageID and a different image string",
      (p) => kubeletRestarts(p, "main", "docker.io/library/nginx:1", "sha-old-main"),
      false,
    ],
    [
      "container status missing",
      (p) => {
        const n = structuredClone(p);
        n.status!.containerStatuses = n.status!.containerStatuses!.filter((s) => s.name !== "main");
        return n;
      },
      false,
    ],
  ];
  it.each(rows)("%s → complete: %s", (_name, mutate, completed) => {
    expect(checkInPlaceUpdateCompleted(mutate(started())).completed).toBe(completed);
  });

  it("a pod without an in-place update counts as complete", () => {
    expect(checkInPlaceUpdateCompleted(runningPod())).toEqual({ completed: true });
  });

  it("an unparsable state annotation is a clear error", () => {
    const pod = runningPod();
    pod.metadata!.annotations![INPLACE_UPDATE_STATE_ANNOTATION] = "{not json";
    expect(() => checkInPlaceUpdateCompleted(pod)).toThrow(/not valid JSON/);
  });

  // ":latest" normalisation applies only when the reference has no ":" at all.
  it.each([
    ["nginx", "nginx:latest"],
    ["nginx:1", "nginx:1"],
    ["nginx@sha256:abc", "nginx@sha256:abc"],
  ])("normalizeImage(%j) = %j", (image, expected) => {
    expect(normalizeImage(image)).toBe(expected);
  });
});

describe("InPlaceUpdateReady condition", () => {
  // inplace_update.go Update/updateCondition: False (StartInPlaceUpdate) also flips Ready to False at once.
  it("setting False drops Ready in the same write", () => {
    const conditions = conditionsWithInPlaceReady(runningPod(), "False", NOW)!;
    expect(conditions.find((c) => c.type === "InPlaceUpdateReady")).toMatchObject({
      status: "False",
      reason: "StartInPlaceUpdate",
    });
    expect(conditions.find((c) => c.type === "Ready")).toMatchObject({
      status: "False",
      reason: "ReadinessGatesNotReady",
    });
  });

  it("no write when the condition already has the status", () => {
    expect(conditionsWithInPlaceReady(runningPod(), "True", NOW)).toBeUndefined();
  });

  // inplace_update.go Refresh: when the update completes, InPlaceUpdateReady goes back to True.
  it("refresh sets True once the update completes", () => {
    let pod = startInPlaceUpdate(
      runningPod(),
      { revision: "demo-2", containerImages: { main: "nginx:2" } },
      { now: NOW, labels: { "controller-revision-hash": "demo-2" } },
    );
    pod.status!.conditions = conditionsWithInPlaceReady(pod, "False", NOW)!;
    expect(planInPlaceRefresh(pod, NOW).action).toBe("wait");
    pod = kubeletRestarts(pod, "main", "nginx:2", "sha-new");
    const plan = planInPlaceRefresh(pod, NOW + 1000);
    expect(plan.action).toBe("writeConditions");
    if (plan.action !== "writeConditions") return;
    expect(plan.conditions.find((c) => c.type === "InPlaceUpdateReady")?.status).toBe("True");
  });

  it("gate injected once", () => {
    expect(withInPlaceReadinessGate([{ conditionType: "InPlaceUpdateReady" }])).toHaveLength(1);
    expect(withInPlaceReadinessGate([{ conditionType: "Other" }])).toHaveLength(2);
  });
});
