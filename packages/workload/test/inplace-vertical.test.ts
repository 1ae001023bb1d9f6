// In-place vertical scaling (OpenKruise's InPlaceWorkloadVerticalScaling, pkg/util/inplaceupdate
// inplace_update_vertical.go and inplace_update_defaults.go): with the gate, a template change that only replaces
// container cpu/memory requests or limits (and images or labels) is done in place through the pods/resize
// subresource, and the update completes once the kubelet reports the new values in status.
import type { Pod, PodTemplateSpec } from "kubernetes-types/core/v1.js";
import { describe, expect, it } from "vitest";
import {
  calculateInPlaceUpdate,
  checkInPlaceUpdateCompleted,
  inPlaceUpdateNeedsUnready,
  planInPlaceRefresh,
  podQosClass,
  readInPlaceUpdateState,
  resizePatch,
  startInPlaceUpdate,
  trimWorkloadPod,
  type InPlaceUpdateSpec,
} from "../src/index.ts";
import { INPLACE_UPDATE_STATE_ANNOTATION } from "@kruise/api";
import { NOW } from "./helpers.ts";

const base: PodTemplateSpec = {
  metadata: { labels: { app: "demo" } },
  spec: {
    containers: [
      {
        name: "main",
        image: "nginx:1",
        resources: { requests: { cpu: "100m", memory: "32Mi" }, limits: { cpu: "200m", memory: "64Mi" } },
      },
      { name: "side", image: "busybox:1", resources: { requests: { cpu: "50m" } } },
    ],
  },
};

function changed(mutate: (t: PodTemplateSpec) => void): PodTemplateSpec {
  const t = structuredClone(base);
  mutate(t);
  return t;
}
const main = (t: PodTemplateSpec) => t.spec!.containers[0]!;
const side = (t: PodTemplateSpec) => t.spec!.containers[1]!;
const vertical = { revision: "demo-2", verticalScaling: true } as const;

describe("in-place diff with InPlaceWorkloadVerticalScaling", () => {
  // ValidateResourcePatch / UpdateInplaceUpdateMetadata: only "replace" of cpu or memory under
  // /spec/containers/N/resources/{requests,limits}/; adding or removing a value, another resource, or a change
  // of the pod's QoS class recreates.
  const rows: Array<[string, PodTemplateSpec, boolean]> = [
    ["cpu request and limit", changed((t) => (main(t).resources!.requests!.cpu = "150m")), true],
    [
      "cpu and memory requests and limits",
      changed(
        (t) =>
          (main(t).resources = {
            requests: { cpu: "150m", memory: "48Mi" },
            limits: { cpu: "300m", memory: "96Mi" },
          }),
      ),
      true,
    ],
    [
      "image and resources",
      changed((t) => ((main(t).image = "nginx:2"), (main(t).resources!.limits!.cpu = "1"))),
      true,
    ],
    ["a second container's request", changed((t) => (side(t).resources!.requests!.cpu = "60m")), true],
    [
      "a limit added",
      changed((t) => (side(t).resources = { requests: { cpu: "50m" }, limits: { cpu: "1" } })),
      false,
    ],
    ["a request removed", changed((t) => delete main(t).resources!.requests!.memory), false],
    [
      "ephemeral-storage changed",
      changed((t) => {
        main(t).resources!.requests!["ephemeral-storage"] = "1Gi";
      }),
      false,
    ],
    [
      "resizePolicy changed",
      changed((t) => (main(t).resizePolicy = [{ resourceName: "cpu", restartPolicy: "RestartContainer" }])),
      false,
    ],
    ["env changed", changed((t) => (main(t).env = [{ name: "A", value: "1" }])), false],
  ];
  it.each(rows)("%s → in place: %s", (_name, next, inPlace) => {
    const diff = calculateInPlaceUpdate(base, next, vertical);
    expect(diff.inPlace).toBe(inPlace);
  });

  it("without the gate a resources change recreates", () => {
    const diff = calculateInPlaceUpdate(
      base,
      changed((t) => (main(t).resources!.requests!.cpu = "150m")),
      { revision: "demo-2" },
    );
    expect(diff.inPlace).toBe(false);
  });

  it("records the new values of the changed keys only, per container", () => {
    const diff = calculateInPlaceUpdate(
      base,
      changed((t) => {
        main(t).resources!.requests!.cpu = "0.15";
        main(t).resources!.limits!.memory = "128Mi";
      }),
      vertical,
    );
    expect(diff).toEqual({
      inPlace: true,
      spec: {
        revision: "demo-2",
        containerImages: {},
        containerResources: { main: { requests: { cpu: "150m" }, limits: { memory: "128Mi" } } },
      },
    });
  });

  it("equal quantities written differently are no change", () => {
    const diff = calculateInPlaceUpdate(
      base,
      changed((t) => (main(t).resources!.requests!.cpu = "0.1")),
      vertical,
    );
    expect(diff).toEqual({ inPlace: true, spec: { revision: "demo-2", containerImages: {} } });
  });

  it("a change of QoS class recreates (Guaranteed → Burstable)", () => {
    const guaranteed = changed((t) => {
      t.spec!.containers = [
        {
          name: "main",
          image: "nginx:1",
          resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
        },
      ];
    });
    const burstable = structuredClone(guaranteed);
    main(burstable).resources!.requests!.cpu = "500m";
    const diff = calculateInPlaceUpdate(guaranteed, burstable, vertical);
    expect(diff.inPlace).toBe(false);
    if (!diff.inPlace) expect(diff.reason).toContain("QoS");
    const bigger = structuredClone(guaranteed);
    main(bigger).resources = { requests: { cpu: "2", memory: "1Gi" }, limits: { cpu: "2", memory: "1Gi" } };
    expect(calculateInPlaceUpdate(guaranteed, bigger, vertical).inPlace).toBe(true);
  });
});

describe("pod QoS class (Kubernetes' GetPodQOS)", () => {
  const rows: Array<[string, PodTemplateSpec["spec"], string]> = [
    ["nothing set", { containers: [{ name: "a" }] }, "BestEffort"],
    [
      "only ephemeral-storage",
      { containers: [{ name: "a", resources: { requests: { "ephemeral-storage": "1Gi" } } }] },
      "BestEffort",
    ],
    [
      "limits only (requests default to them)",
      { containers: [{ name: "a", resources: { limits: { cpu: "1", memory: "1Gi" } } }] },
      "Guaranteed",
    ],
    [
      "requests equal limits, written differently",
      {
        containers: [
          {
            name: "a",
            resources: { requests: { cpu: "1000m", memory: "1Gi" }, limits: { cpu: "1", memory: "1024Mi" } },
          },
        ],
      },
      "Guaranteed",
    ],
    [
      "one container without a memory limit",
      {
        containers: [
          { name: "a", resources: { limits: { cpu: "1", memory: "1Gi" } } },
          { name: "b", resources: { limits: { cpu: "1" } } },
        ],
      },
      "Burstable",
    ],
    ["a request only", { containers: [{ name: "a", resources: { requests: { cpu: "1" } } }] }, "Burstable"],
  ];
  it.each(rows)("%s → %s", (_name, spec, qos) => {
    expect(podQosClass(spec)).toBe(qos);
  });
});

function runningPod(resources = base.spec!.containers.map((c) => c.resources!)): Pod {
  return {
    metadata: { name: "demo-a", namespace: "default", labels: { app: "demo" }, annotations: {} },
    spec: {
      readinessGates: [{ conditionType: "InPlaceUpdateReady" }],
      containers: base.spec!.containers.map((c, i) => ({
        ...structuredClone(c),
        resources: structuredClone(resources[i]!),
      })),
    },
    status: {
      conditions: [{ type: "InPlaceUpdateReady", status: "True" }],
      containerStatuses: base.spec!.containers.map((c, i) => ({
        name: c.name,
        image: c.image!,
        imageID: `${c.image!}@sha256:1`,
        ready: true,
        restartCount: 0,
        resources: structuredClone(resources[i]!),
      })),
    },
  };
}

const resizeSpec: InPlaceUpdateSpec = {
  revision: "demo-2",
  containerImages: {},
  containerResources: { main: { requests: { cpu: "150m" }, limits: { cpu: "300m" } } },
};

describe("starting a vertical in-place update", () => {
  it("writes the new values into the container and updateResources into the state", () => {
    const next = startInPlaceUpdate(runningPod(), resizeSpec, { now: NOW });
    expect(next.spec!.containers[0]!.resources).toEqual({
      requests: { cpu: "150m", memory: "32Mi" },
      limits: { cpu: "300m", memory: "64Mi" },
    });
    const state = readInPlaceUpdateState(next)!;
    expect(state.updateResources).toBe(true);
    expect(state.updateImages).toBeUndefined();
    expect(state.containerBatchesRecord?.map((b) => b.containers)).toEqual([["main"]]);
  });

  it("the resize patch names only the containers whose resources change, for the pods/resize subresource", () => {
    const before = runningPod();
    const after = startInPlaceUpdate(before, resizeSpec, { now: NOW });
    expect(resizePatch(before, after)).toEqual({
      spec: {
        containers: [
          {
            name: "main",
            resources: { requests: { cpu: "150m", memory: "32Mi" }, limits: { cpu: "300m", memory: "64Mi" } },
          },
        ],
      },
    });
    expect(
      resizePatch(
        before,
        startInPlaceUpdate(
          before,
          { revision: "demo-2", containerImages: { main: "nginx:2" } },
          { now: NOW },
        ),
      ),
    ).toBeUndefined();
  });

  it("lower-priority containers wait in nextContainerResources, and the refresh resizes them next", () => {
    const pod = runningPod();
    pod.spec!.containers[1]!.env = [{ name: "KRUISE_CONTAINER_PRIORITY", value: "10" }];
    const spec: InPlaceUpdateSpec = {
      ...resizeSpec,
      containerResources: { ...resizeSpec.containerResources, side: { requests: { cpu: "60m" } } },
    };
    const started = startInPlaceUpdate(pod, spec, { now: NOW });
    const state = readInPlaceUpdateState(started)!;
    expect(state.nextContainerResources).toEqual({
      main: { requests: { cpu: "150m" }, limits: { cpu: "300m" } },
    });
    expect(state.preCheckBeforeNext).toEqual({ containersRequiredReady: ["side"] });
    expect(started.spec!.containers[0]!.resources!.requests!.cpu).toBe("100m");
    expect(checkInPlaceUpdateCompleted(started).completed).toBe(false);

    // The kubelet resized side: its status shows the new request.
    started.status!.containerStatuses![1]!.resources = { requests: { cpu: "60m" } };
    const plan = planInPlaceRefresh(started, NOW + 1000);
    expect(plan.action).toBe("writePod");
    if (plan.action !== "writePod") return;
    expect(plan.pod.spec!.containers[0]!.resources!.requests!.cpu).toBe("150m");
    const after = readInPlaceUpdateState(plan.pod)!;
    expect(after.nextContainerResources).toBeUndefined();
    expect(after.containerBatchesRecord?.map((b) => b.containers)).toEqual([["side"], ["main"]]);
    expect(resizePatch(started, plan.pod)?.spec.containers.map((c) => c.name)).toEqual(["main"]);
  });
});

describe("vertical in-place completion (NativeVerticalUpdate.IsUpdateCompleted)", () => {
  function resized(statusCpu: string | undefined): Pod {
    const pod = startInPlaceUpdate(runningPod(), resizeSpec, { now: NOW });
    const status = pod.status!.containerStatuses![0]!;
    if (statusCpu === undefined) delete status.resources;
    else
      status.resources = {
        requests: { cpu: statusCpu, memory: "32Mi" },
        limits: { cpu: "300m", memory: "64Mi" },
      };
    return pod;
  }
  it("waits while the kubelet reports the old values", () => {
    expect(checkInPlaceUpdateCompleted(resized("100m"))).toEqual({
      completed: false,
      reason: "container main resources not changed",
    });
  });
  it("waits while a container reports no resources", () => {
    expect(checkInPlaceUpdateCompleted(resized(undefined)).completed).toBe(false);
  });
  it("completes once status shows the spec's values (compared as quantities)", () => {
    expect(checkInPlaceUpdateCompleted(resized("0.15")).completed).toBe(true);
  });
  it("the refresh leaves InPlaceUpdateReady alone until then", () => {
    const pod = resized("100m");
    pod.status!.conditions = [{ type: "InPlaceUpdateReady", status: "False" }];
    expect(planInPlaceRefresh(pod, NOW).action).toBe("wait");
    expect(planInPlaceRefresh(resized("150m"), NOW).action).toBe("none");
  });
});

describe("whether a vertical update turns the pod NotReady (defaultCheckPodNeedsBeUnready)", () => {
  const withPolicy = (policy: Array<{ resourceName: string; restartPolicy: string }> | undefined): Pod => {
    const pod = runningPod();
    if (policy !== undefined) pod.spec!.containers[0]!.resizePolicy = policy;
    return pod;
  };
  const rows: Array<[string, Pod, InPlaceUpdateSpec, boolean]> = [
    ["no resizePolicy (NotRequired)", withPolicy(undefined), resizeSpec, false],
    [
      "cpu NotRequired",
      withPolicy([{ resourceName: "cpu", restartPolicy: "NotRequired" }]),
      resizeSpec,
      false,
    ],
    [
      "cpu RestartContainer",
      withPolicy([{ resourceName: "cpu", restartPolicy: "RestartContainer" }]),
      resizeSpec,
      true,
    ],
    [
      "memory RestartContainer, only cpu changes",
      withPolicy([{ resourceName: "memory", restartPolicy: "RestartContainer" }]),
      resizeSpec,
      false,
    ],
    [
      "an image changes too",
      withPolicy(undefined),
      { ...resizeSpec, containerImages: { main: "nginx:2" } },
      true,
    ],
    [
      "an image update",
      withPolicy(undefined),
      { revision: "demo-2", containerImages: { main: "nginx:2" } },
      true,
    ],
  ];
  it.each(rows)("%s → NotReady: %s", (_name, pod, spec, unready) => {
    expect(inPlaceUpdateNeedsUnready(pod, spec)).toBe(unready);
  });
  it("a pod without the readiness gate is never turned NotReady", () => {
    const pod = withPolicy([{ resourceName: "cpu", restartPolicy: "RestartContainer" }]);
    delete pod.spec!.readinessGates;
    expect(inPlaceUpdateNeedsUnready(pod, resizeSpec)).toBe(false);
  });
});

describe("the informer cache keeps what vertical scaling reads", () => {
  it("container resources and resizePolicy, and the resources the kubelet reports", () => {
    const pod = runningPod();
    pod.spec!.containers[0]!.resizePolicy = [{ resourceName: "cpu", restartPolicy: "NotRequired" }];
    const trimmed = trimWorkloadPod(structuredClone(pod));
    expect(trimmed.spec!.containers[0]!.resources).toEqual(pod.spec!.containers[0]!.resources);
    expect(trimmed.spec!.containers[0]!.resizePolicy).toEqual(pod.spec!.containers[0]!.resizePolicy);
    expect(trimmed.status!.containerStatuses![0]!.resources).toEqual(
      pod.status!.containerStatuses![0]!.resources,
    );
  });
});

it("the state annotation uses OpenKruise's field names", () => {
  const next = startInPlaceUpdate(runningPod(), resizeSpec, { now: NOW });
  const raw = JSON.parse(next.metadata!.annotations![INPLACE_UPDATE_STATE_ANNOTATION]!) as Record<
    string,
    unknown
  >;
  expect(Object.keys(raw)).toContain("updateResources");
});
