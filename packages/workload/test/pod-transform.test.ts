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
});
