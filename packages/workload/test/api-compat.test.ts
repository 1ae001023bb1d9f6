import type { CloneSetScaleStrategy, CloneSetUpdateStrategy, Lifecycle as ApiLifecycle } from "@kruise/api";
import { describe, expect, it } from "vitest";
import { type Lifecycle, type ScaleStrategyParams, type UpdateStrategyParams } from "../src/index.ts";

describe("@kruise/api shapes fit the parameters here", () => {
  it("type-checks an API CloneSet's strategies and lifecycle without casts", () => {
    const apiUpdate: CloneSetUpdateStrategy = {
      type: "InPlaceOnly",
      maxSurge: "10%",
      priorityStrategy: { orderPriority: [{ orderedKey: "k" }] },
    };
    const apiScale: CloneSetScaleStrategy = { podsToDelete: ["a"], disablePVCReuse: true };
    const apiLifecycle: ApiLifecycle = { preDelete: { finalizersHandler: ["f"], markPodNotReady: true } };
    const { type, ...rest } = apiUpdate;
    const update: UpdateStrategyParams = {
      ...rest,
      type: type === "OnDelete" ? "OnDelete" : "RollingUpdate",
      podUpdatePolicy: type === undefined || type === "OnDelete" ? "ReCreate" : type,
    };
    const scale: ScaleStrategyParams = apiScale;
    const lifecycle: Lifecycle = apiLifecycle;
    expect(update.podUpdatePolicy).toBe("InPlaceOnly");
    expect(scale.podsToDelete).toEqual(["a"]);
    expect(lifecycle.preDelete?.markPodNotReady).toBe(true);
  });
});
