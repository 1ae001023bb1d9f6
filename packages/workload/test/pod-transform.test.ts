import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1.js";
import { trimWorkloadPod } from "../src/index.ts";

describe("trimWorkloadPod", () => {
  it("keeps a condition's reason (adaptive scheduling waits for PodScheduled=False, Unschedulable) and drops its prose", () => {
    const pod: Pod = {
      metadata: { name: "p" },
      spec: { containers: [{ name: "main", image: "nginx:1" }] },
      status: {
        phase: "Pending",
        conditions: [
          {
            type: "PodScheduled",
            status: "False",
            reason: "Unschedulable",
            message: "0/3 nodes are available",
            lastTransitionTime: "2026-01-01T00:00:00Z",
          },
        ],
      },
    };
    expect(trimWorkloadPod(pod).status?.conditions).toEqual([
      {
        type: "PodScheduled",
        status: "False",
        reason: "Unschedulable",
        lastTransitionTime: "2026-01-01T00:00:00Z",
      },
    ]);
  });

  it("keeps the env vars in-place update batches read (launch priority, OpenKruise's barrier), and no other", () => {
    const priority = { name: "KRUISE_CONTAINER_PRIORITY", value: "10" };
    const barrier = {
      name: "KRUISE_CONTAINER_BARRIER",
      valueFrom: { configMapKeyRef: { name: "b", key: "p_10" } },
    };
    const pod: Pod = {
      metadata: { name: "p" },
      spec: {
        containers: [
          { name: "main", image: "nginx:1", env: [{ name: "OTHER", value: "x" }, priority, barrier] },
        ],
      },
    };
    expect(trimWorkloadPod(pod).spec?.containers[0]?.env).toEqual([priority, barrier]);
  });

  it("keeps env from the pod's metadata and containerIDs (env-from-metadata completion), drops other env", () => {
    const fromLabel = { name: "V", valueFrom: { fieldRef: { fieldPath: "metadata.labels['v']" } } };
    const pod: Pod = {
      metadata: { name: "p" },
      spec: {
        containers: [
          {
            name: "main",
            image: "nginx:1",
            env: [
              { name: "PLAIN", value: "x" },
              fromLabel,
              { name: "KRUISE_CONTAINER_PRIORITY", value: "1" },
            ],
          },
        ],
      },
      status: {
        containerStatuses: [
          {
            name: "main",
            image: "nginx:1",
            imageID: "i",
            ready: true,
            restartCount: 0,
            containerID: "containerd://c",
          },
        ],
      },
    };
    const trimmed = trimWorkloadPod(pod);
    expect(trimmed.spec?.containers[0]?.env).toEqual([
      fromLabel,
      { name: "KRUISE_CONTAINER_PRIORITY", value: "1" },
    ]);
    expect(trimmed.status?.containerStatuses?.[0]?.containerID).toBe("containerd://c");
  });
});
