import type { Pod, PodStatus } from "kubernetes-types/core/v1.js";
import { describe, expect, it } from "vitest";
import { imageIdFor, qualifiedRepository } from "../src/kubelet/image-id.ts";
import { KeyedWorkQueue } from "../src/kubelet/keyed-work-queue.ts";
import { podFaults, type PodFaults } from "../src/kubelet/pod-faults.ts";
import { newPodRuntime, stepPod, type PodRuntime } from "../src/kubelet/pod-runtime.ts";
import { desiredPodStatus } from "../src/kubelet/pod-status.ts";
import { statusPatch, statusUpToDate } from "../src/kubelet/status-diff.ts";

const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);
const noFaults: PodFaults = {
  pullDelayMs: 0,
  pullFail: false,
  crashLoop: false,
  hold: false,
  notReady: false,
  exitCode: undefined,
};

function makePod(
  containers: Array<[string, string]>,
  extra: Partial<NonNullable<Pod["spec"]>> = {},
  status?: PodStatus,
): Pod {
  return {
    metadata: { name: "p", namespace: "ns", uid: "uid-1" },
    spec: { containers: containers.map(([name, image]) => ({ name, image })), nodeName: "n0", ...extra },
    ...(status === undefined ? {} : { status }),
  };
}

function run(pod: Pod, runtime: PodRuntime, now: number, faults: Partial<PodFaults> = {}) {
  const wake = stepPod(runtime, pod, { now, faults: { ...noFaults, ...faults }, crashLoopIntervalMs: 1_000 });
  const status = desiredPodStatus({
    pod,
    runtime,
    faults: { ...noFaults, ...faults },
    hostIP: "172.18.0.3",
    nodeReady: true,
    now,
  });
  return { wake, status };
}

const ready = (status: PodStatus) => status.conditions?.find((c) => c.type === "Ready");

describe("pod runtime and status (pure)", () => {
  it.each([
    {
      name: "no pull delay: Running at once",
      delay: 0,
      phase: "Running",
      waiting: undefined,
      wake: undefined,
    },
    {
      name: "pull delay: Pending, ContainerCreating, woken when the pull ends",
      delay: 2_000,
      phase: "Pending",
      waiting: "ContainerCreating",
      wake: 2_000,
    },
  ])("first start — $name", ({ delay, phase, waiting, wake }) => {
    const pod = makePod([["app", "nginx:1.25"]]);
    const runtime = newPodRuntime(pod, "10.244.0.1", T0);
    const result = run(pod, runtime, T0, { pullDelayMs: delay });
    expect(result.status.phase).toBe(phase);
    expect(result.status.containerStatuses?.[0]?.state?.waiting?.reason).toBe(waiting);
    expect(result.wake).toBe(wake);
    if (delay > 0) {
      const later = run(pod, runtime, T0 + delay, { pullDelayMs: delay });
      expect(later.status.phase).toBe("Running");
      expect(later.status.containerStatuses?.[0]).toMatchObject({
        ready: true,
        started: true,
        restartCount: 0,
        imageID: imageIdFor("nginx:1.25"),
      });
    }
  });

  it("changes one container's image in place and leaves the other alone", () => {
    const pod = makePod([
      ["main", "nginx:1.25"],
      ["side", "busybox"],
    ]);
    const runtime = newPodRuntime(pod, "10.244.0.1", T0);
    const before = run(pod, runtime, T0).status;
    const updated = makePod([
      ["main", "nginx:1.26"],
      ["side", "busybox"],
    ]);
    const after = run(updated, runtime, T0 + 5_000).status;
    const [mainBefore, sideBefore] = before.containerStatuses ?? [];
    const [mainAfter, sideAfter] = after.containerStatuses ?? [];
    expect(mainAfter).toMatchObject({
      image: "nginx:1.26",
      imageID: imageIdFor("nginx:1.26"),
      restartCount: 1,
      ready: true,
    });
    expect(mainAfter?.lastState?.terminated?.containerID).toBe(mainBefore?.containerID);
    expect(sideAfter).toEqual(sideBefore);
    expect(after.podIP).toBe(before.podIP);
  });

  it.each([
    { faults: { pullFail: true }, reason: "ErrImagePull", phase: "Pending" },
    { faults: { notReady: true }, reason: undefined, phase: "Running" },
  ])("fault $faults", ({ faults, reason, phase }) => {
    const pod = makePod([["app", "nginx"]]);
    const { status } = run(pod, newPodRuntime(pod, "10.244.0.1", T0), T0, faults);
    expect(status.phase).toBe(phase);
    expect(status.containerStatuses?.[0]?.state?.waiting?.reason).toBe(reason);
    expect(ready(status)?.status).toBe("False");
  });

  it("a missing image: ErrImagePull until the back-off ends (however often the pod is stepped), then ImagePullBackOff", () => {
    const pod = makePod([["app", "nginx:no-such-tag"]]);
    const runtime = newPodRuntime(pod, "10.244.0.1", T0);
    const images = new Map([["nginx:no-such-tag", { found: false as const, message: "not found" }]]);
    const step = (dt: number) => {
      const now = T0 + dt;
      const wake = stepPod(runtime, pod, { now, faults: noFaults, crashLoopIntervalMs: 1_000, images });
      const status = desiredPodStatus({ pod, runtime, faults: noFaults, hostIP: "h", nodeReady: true, now });
      return { wake, waiting: status.containerStatuses?.[0]?.state?.waiting };
    };
    expect(step(0)).toEqual({ wake: 1_000, waiting: { reason: "ErrImagePull", message: "not found" } });
    // Woken again at once (our own status write's watch event): still the first attempt.
    expect(step(5)).toEqual({ wake: 995, waiting: { reason: "ErrImagePull", message: "not found" } });
    expect(step(1_000).waiting?.reason).toBe("ImagePullBackOff");
    expect(step(1_500).waiting?.reason).toBe("ImagePullBackOff");
  });

  it("crash-loops with restartCount rising once per interval", () => {
    const pod = makePod([["app", "nginx"]]);
    const runtime = newPodRuntime(pod, "10.244.0.1", T0);
    run(pod, runtime, T0);
    const counts = [0, 500, 1_000, 2_000].map(
      (dt) =>
        run(pod, runtime, T0 + 10 + dt, { crashLoop: true }).status.containerStatuses?.[0]?.restartCount,
    );
    expect(counts).toEqual([1, 1, 2, 3]);
    const recovered = run(pod, runtime, T0 + 5_000).status;
    expect(recovered.containerStatuses?.[0]).toMatchObject({ ready: true, restartCount: 3 });
  });

  it.each([
    { restartPolicy: "Never", exitCode: 0, phase: "Succeeded" },
    { restartPolicy: "OnFailure", exitCode: 2, phase: "Failed" },
    { restartPolicy: "Always", exitCode: 0, phase: "Running" },
  ] as const)(
    "exit code $exitCode with restartPolicy $restartPolicy -> $phase",
    ({ restartPolicy, exitCode, phase }) => {
      const pod = makePod([["app", "job"]], { restartPolicy });
      const { status } = run(pod, newPodRuntime(pod, "10.244.0.1", T0), T0, { exitCode });
      expect(status.phase).toBe(phase);
    },
  );

  it.each([
    { gates: [], conditions: [], ready: "True", reason: undefined },
    { gates: ["G"], conditions: [], ready: "False", reason: "ReadinessGatesNotReady" },
    {
      gates: ["G"],
      conditions: [{ type: "G", status: "False" }],
      ready: "False",
      reason: "ReadinessGatesNotReady",
    },
    {
      gates: ["G", "H"],
      conditions: [
        { type: "G", status: "True" },
        { type: "H", status: "True" },
      ],
      ready: "True",
      reason: undefined,
    },
  ])(
    "readiness gates $gates with $conditions -> Ready $ready",
    ({ gates, conditions, ready: expected, reason }) => {
      const pod = makePod(
        [["app", "nginx"]],
        { readinessGates: gates.map((conditionType) => ({ conditionType })) },
        { conditions },
      );
      const { status } = run(pod, newPodRuntime(pod, "10.244.0.1", T0), T0);
      expect(ready(status)?.status).toBe(expected);
      expect(ready(status)?.reason).toBe(reason);
    },
  );

  it("adopts what an earlier kubelet reported instead of restarting containers", () => {
    const pod = makePod([["app", "nginx"]]);
    const first = run(pod, newPodRuntime(pod, "10.244.0.9", T0), T0).status;
    const adopted = newPodRuntime({ ...pod, status: first }, "10.244.0.9", T0 + 60_000);
    const again = run({ ...pod, status: first }, adopted, T0 + 60_000).status;
    expect(again.containerStatuses).toEqual(first.containerStatuses);
  });
});

describe("status comparison", () => {
  const pod = makePod([["app", "nginx"]]);
  const desired = run(pod, newPodRuntime(pod, "10.244.0.1", T0), T0).status;

  it("ignores fields the server adds and conditions others own", () => {
    const stored = structuredClone(desired) as PodStatus & Record<string, unknown>;
    stored.qosClass = "BestEffort";
    stored.conditions?.push({ type: "InPlaceUpdateReady", status: "True" });
    const first = stored.containerStatuses?.[0];
    if (first !== undefined) first.lastState = {};
    expect(statusUpToDate(desired, stored)).toBe(true);
  });

  it("sees a stale condition reason", () => {
    const stored = structuredClone(desired);
    const readyCondition = stored.conditions?.find((c) => c.type === "Ready");
    if (readyCondition !== undefined) readyCondition.reason = "ContainersNotReady";
    expect(statusUpToDate(desired, stored)).toBe(false);
  });

  it("nulls absent reasons in the patch so merge-by-type does not keep stale ones", () => {
    const readyCondition = statusPatch(desired).status.conditions as Array<Record<string, unknown>>;
    expect(readyCondition.find((c) => c.type === "Ready")).toMatchObject({
      status: "True",
      reason: null,
      message: null,
    });
  });
});

describe("image ids and fault annotations", () => {
  it.each([
    ["nginx", "docker.io/library/nginx"],
    ["nginx:1.25", "docker.io/library/nginx"],
    ["openkruise/guestbook:v1", "docker.io/openkruise/guestbook"],
    ["registry.k8s.io/pause:3.10", "registry.k8s.io/pause"],
    ["localhost:5000/app@sha256:abc", "localhost:5000/app"],
  ])("%s -> %s", (image, repository) => {
    expect(qualifiedRepository(image)).toBe(repository);
    expect(imageIdFor(image)).toMatch(
      new RegExp(`^${repository.replace(/\./g, "\\.")}@sha256:[0-9a-f]{64}$`),
    );
  });

  it("reads annotations; in-process overrides win", () => {
    const meta = {
      annotations: {
        "testenv.kruise.io/pull-delay-ms": "250",
        "testenv.kruise.io/crash-loop": "true",
        "testenv.kruise.io/exit-code": "oops",
      },
    };
    expect(podFaults(meta, 0)).toEqual({ ...noFaults, pullDelayMs: 250, crashLoop: true });
    expect(podFaults(meta, 0, { crashLoop: false, hold: true })).toMatchObject({
      crashLoop: false,
      hold: true,
      pullDelayMs: 250,
    });
  });
});

describe("KeyedWorkQueue", () => {
  it("runs one pass per key at a time, collapses bursts and re-runs a key added while in flight", async () => {
    const passes: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const queue = new KeyedWorkQueue(
      2,
      async (key) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        passes.push(key);
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlight--;
        return undefined;
      },
      () => {},
    );
    for (const key of ["a", "a", "b", "c", "a"]) queue.add(key);
    await new Promise((resolve) => setTimeout(resolve, 5));
    queue.add("a");
    await queue.idle();
    expect(maxInFlight).toBe(2);
    expect(passes.filter((key) => key === "a")).toHaveLength(2);
    expect(passes.filter((key) => key !== "a").sort()).toEqual(["b", "c"]);
    queue.stop();
  });
});
