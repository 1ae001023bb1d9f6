import type { CloneSetScaleStrategy, CloneSetUpdateStrategy, Lifecycle as ApiLifecycle } from "@kruise/api";
import { describe, expect, it } from "vitest";
import {
  updateStrategyFromV1alpha1,
  type Lifecycle,
  type ScaleStrategyParams,
  type UpdateStrategyParams,
} from "../src/index.ts";

describe("@kruise/api shapes fit the parameters here", () => {
  // apis/apps/v1alpha1 CloneSet: `type` is ReCreate | InPlaceIfPossible | InPlaceOnly (default ReCreate).
  it.each([
    [undefined, { type: "RollingUpdate", podUpdatePolicy: "ReCreate" }],
    [
      { type: "InPlaceIfPossible" as const, partition: 2 },
      { type: "RollingUpdate", podUpdatePolicy: "InPlaceIfPossible", partition: 2 },
    ],
    [{ type: "OnDelete" as const }, { type: "OnDelete" }],
  ])("maps %j", (input, expected) => {
    expect(updateStrategyFromV1alpha1(input)).toEqual(expected);
  });

  it("type-checks an API CloneSet's strategies and lifecycle without casts", () => {
    const apiUpdate: CloneSetUpdateStrategy = {
      type: "InPlaceOnly",
      maxSurge: "10%",
      priorityStrategy: { orderPriority: [{ orderedKey: "k" }] },
    };
    const apiScale: CloneSetScaleStrategy = { podsToDelete: ["a"], disablePVCReuse: true };
    const apiLifecycle: ApiLifecycle = { preDelete: { finalizersHandler: ["f"], markPodNotReady: true } };
    const update: UpdateStrategyParams = updateStrategyFromV1alpha1(apiUpdate);
    const scale: ScaleStrategyParams = apiScale;
    const lifecycle: Lifecycle = apiLifecycle;
    expect(update.podUpdatePolicy).toBe("InPlaceOnly");
    expect(scale.podsToDelete).toEqual(["a"]);
    expect(lifecycle.preDelete?.markPodNotReady).toBe(true);
  });
});
