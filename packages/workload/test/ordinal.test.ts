// Advanced StatefulSet's ordinal maths: slots, reserved ordinals, the scaling step and the update step.
import { describe, expect, it } from "vitest";
import {
  ordinalMaxUnavailable,
  parseReservedOrdinals,
  planOrdinalScale,
  planOrdinalUpdate,
  podOrdinal,
  podsInUpdateOrder,
  replicaOrdinals,
  statefulClaimName,
  statefulPodName,
  type OrdinalPod,
} from "../src/index.ts";

/** A pod of set "web": healthy and at the update revision unless told otherwise. */
function pod(ordinal: number, over: Partial<OrdinalPod> = {}): OrdinalPod {
  return {
    name: `web-${ordinal}`,
    ordinal,
    terminating: false,
    finished: false,
    runningAndReady: true,
    available: true,
    updated: true,
    ...over,
  };
}
const names = (pods: readonly OrdinalPod[]) => pods.map((p) => p.name);

describe("reserveOrdinals", () => {
  it.each([
    [[1], [[1, 1]]],
    [["3-5"], [[3, 5]]],
    [
      [5, "1-2", 3, "7-8", 8],
      [
        [1, 3],
        [5, 5],
        [7, 8],
      ],
    ],
    [["5-3", -1, "x", "4"], [[4, 4]]],
    [["0-1000000000"], [[0, 1000000000]]],
    [undefined, []],
  ] as const)("%j parses to %j", (items, expected) => {
    expect(parseReservedOrdinals(items as (number | string)[] | undefined)).toEqual(expected);
  });
});

describe("replicaOrdinals", () => {
  it.each([
    ["3 replicas", { replicas: 3, start: 0, reserve: [] }, [0, 1, 2]],
    ["reserve [1]", { replicas: 3, start: 0, reserve: [1] }, [0, 2, 3]],
    ["reserve a range", { replicas: 3, start: 0, reserve: ["1-3"] }, [0, 4, 5]],
    ["start 5", { replicas: 2, start: 5, reserve: [] }, [5, 6]],
    ["start 5, reserve below and at start", { replicas: 2, start: 5, reserve: [2, 5] }, [6, 7]],
    [
      "a huge range costs nothing",
      { replicas: 2, start: 0, reserve: ["0-999999999"] },
      [1000000000, 1000000001],
    ],
    ["0 replicas", { replicas: 0, start: 0, reserve: [1] }, []],
  ] as const)("%s", (_n, s, expected) => {
    const spec = { replicas: s.replicas, start: s.start, reserved: parseReservedOrdinals([...s.reserve]) };
    expect(replicaOrdinals(spec)).toEqual(expected);
  });
});

describe("identity", () => {
  it("names pods and claims as Kubernetes does, and parses ordinals only for the set's own names", () => {
    expect(statefulPodName("web", 3)).toBe("web-3");
    expect(statefulClaimName("data", "web", 3)).toBe("data-web-3");
    expect(podOrdinal("web", "web-12")).toBe(12);
    expect(podOrdinal("web", "web-x")).toBeUndefined();
    expect(podOrdinal("web", "web-api-1")).toBeUndefined();
    expect(podOrdinal("web-api", "web-api-1")).toBe(1);
    expect(podOrdinal("web", "web-99999999999")).toBeUndefined();
  });
});

describe("planOrdinalScale", () => {
  const slots = [0, 1, 2];
  it("OrderedReady creates the lowest missing ordinal only", () => {
    expect(planOrdinalScale({ slots, pods: [], policy: "OrderedReady" }).create).toEqual([0]);
    expect(planOrdinalScale({ slots, pods: [pod(0)], policy: "OrderedReady" }).create).toEqual([1]);
  });
  it("OrderedReady: a not-ready pod blocks the next ordinal", () => {
    const plan = planOrdinalScale({
      slots,
      pods: [pod(0, { runningAndReady: false })],
      policy: "OrderedReady",
    });
    expect(plan.create).toEqual([]);
    expect(plan.waiting).toEqual({ pod: "web-0", reason: "not-ready" });
  });
  it("OrderedReady waits for minReadySeconds through readyForNext", () => {
    const plan = planOrdinalScale({
      slots,
      pods: [pod(0, { available: false })],
      policy: "OrderedReady",
      readyForNext: (p) => p.available,
    });
    expect(plan.create).toEqual([]);
  });
  it("OrderedReady: a terminating pod blocks", () => {
    const plan = planOrdinalScale({ slots, pods: [pod(0, { terminating: true })], policy: "OrderedReady" });
    expect(plan.waiting?.reason).toBe("terminating");
  });
  it("Parallel creates every missing ordinal", () => {
    expect(
      planOrdinalScale({ slots, pods: [pod(1, { runningAndReady: false })], policy: "Parallel" }).create,
    ).toEqual([0, 2]);
  });
  it("Parallel with scaleStrategy.maxUnavailable 2 creates two at a time, counting unavailable pods", () => {
    const five = [0, 1, 2, 3, 4];
    expect(planOrdinalScale({ slots: five, pods: [], policy: "Parallel", maxUnavailable: 2 }).create).toEqual(
      [0, 1],
    );
    const plan = planOrdinalScale({
      slots: five,
      pods: [pod(0, { available: false }), pod(1)],
      policy: "Parallel",
      maxUnavailable: 2,
    });
    expect(plan.create).toEqual([2]);
    expect(plan.waiting?.reason).toBe("max-unavailable");
  });
  it("recreates Failed and Succeeded pods, but not while they terminate", () => {
    const plan = planOrdinalScale({
      slots,
      pods: [pod(0, { finished: true }), pod(1, { finished: true, terminating: true }), pod(2)],
      policy: "Parallel",
    });
    expect(names(plan.recreate)).toEqual(["web-0"]);
    expect(plan.create).toEqual([]);
  });
  it("scale-down removes the highest ordinal first, one at a time when OrderedReady", () => {
    const pods = [0, 1, 2, 3, 4].map((o) => pod(o));
    expect(names(planOrdinalScale({ slots, pods, policy: "OrderedReady" }).condemn)).toEqual(["web-4"]);
    expect(names(planOrdinalScale({ slots, pods, policy: "Parallel" }).condemn)).toEqual(["web-4", "web-3"]);
  });
  it("OrderedReady scale-down waits for an unhealthy pod unless it is the first unhealthy one", () => {
    const pods = [pod(0), pod(1), pod(2), pod(3, { runningAndReady: false }), pod(4)];
    // web-4 is healthy but web-3 is not: only healthy condemned pods, or the first unhealthy, may go.
    expect(names(planOrdinalScale({ slots, pods, policy: "OrderedReady" }).condemn)).toEqual(["web-4"]);
    const pods2 = [pod(0, { runningAndReady: false }), pod(1), pod(2), pod(3, { runningAndReady: false })];
    const plan = planOrdinalScale({ slots, pods: pods2, policy: "OrderedReady" });
    expect(plan.condemn).toEqual([]);
  });
  it("reserveOrdinals [1] with 3 replicas: web-1 is condemned, web-3 created", () => {
    const plan = planOrdinalScale({ slots: [0, 2, 3], pods: [pod(0), pod(1), pod(2)], policy: "Parallel" });
    expect(plan.create).toEqual([3]);
    expect(names(plan.condemn)).toEqual(["web-1"]);
  });
  it("OrderedReady scale-down waits while a condemned pod terminates", () => {
    const pods = [pod(0), pod(1), pod(2), pod(3), pod(4, { terminating: true })];
    const plan = planOrdinalScale({ slots, pods, policy: "OrderedReady" });
    expect(plan.condemn).toEqual([]);
    expect(plan.waiting).toEqual({ pod: "web-4", reason: "terminating" });
  });
  it("Parallel scale-down within scaleStrategy.maxUnavailable", () => {
    const pods = [0, 1, 2, 3, 4, 5].map((o) => pod(o));
    const plan = planOrdinalScale({ slots, pods, policy: "Parallel", maxUnavailable: 2 });
    expect(names(plan.condemn)).toEqual(["web-5", "web-4"]);
  });
});

describe("planOrdinalUpdate", () => {
  const old = { updated: false } as const;
  const base = { start: 0, partition: 0, replicas: 3, maxUnavailable: 1 };
  it("updates the highest ordinal first, one at a time", () => {
    const pods = [pod(0, old), pod(1, old), pod(2, old)];
    expect(names(planOrdinalUpdate({ ...base, pods }).update)).toEqual(["web-2"]);
  });
  it("waits while the updated pod is not available again", () => {
    const pods = [pod(0, old), pod(1, old), pod(2, { available: false })];
    expect(planOrdinalUpdate({ ...base, pods }).update).toEqual([]);
    const next = [pod(0, old), pod(1, old), pod(2)];
    expect(names(planOrdinalUpdate({ ...base, pods: next }).update)).toEqual(["web-1"]);
  });
  it("a pod the refresh just wrote is not updated, but its unavailability still counts", () => {
    // web-2 finished its in-place update and got InPlaceUpdateReady=True this reconcile, not Ready yet: with
    // maxUnavailable 2 and web-1 updating, nothing else may start (leaving web-2 out gave web-0 its share).
    const pods = [pod(0, old), pod(1, { available: false }), pod(2, { available: false })];
    const input = { ...base, maxUnavailable: 2, pods, stale: new Set(["web-2"]) };
    expect(planOrdinalUpdate(input).update).toEqual([]);
    const notUpdated = [pod(0, old), pod(1, old), pod(2, old)];
    expect(
      names(
        planOrdinalUpdate({ ...base, maxUnavailable: 2, pods: notUpdated, stale: new Set(["web-2"]) }).update,
      ),
    ).toEqual(["web-1", "web-0"]);
  });
  it("an unavailable pod below the partition counts too", () => {
    const pods = [pod(0, { ...old, available: false }), pod(1, old), pod(2, old)];
    expect(planOrdinalUpdate({ ...base, partition: 1, pods }).update).toEqual([]);
  });
  it("partition 2 updates only ordinals >= 2", () => {
    const pods = [0, 1, 2, 3].map((o) => pod(o, old));
    const plan = planOrdinalUpdate({ ...base, replicas: 4, partition: 2, maxUnavailable: 4, pods });
    expect(names(plan.update)).toEqual(["web-3", "web-2"]);
  });
  it("partition counts from ordinals.start", () => {
    const pods = [5, 6, 7].map((o) => pod(o, old));
    expect(
      names(planOrdinalUpdate({ ...base, start: 5, partition: 2, maxUnavailable: 3, pods }).update),
    ).toEqual(["web-7"]);
  });
  it("maxUnavailable 2 updates two at a time", () => {
    const pods = [0, 1, 2, 3].map((o) => pod(o, old));
    expect(names(planOrdinalUpdate({ ...base, replicas: 4, maxUnavailable: 2, pods }).update)).toEqual([
      "web-3",
      "web-2",
    ]);
  });
  it("unorderedUpdate: settled pods first, then by priority, limited to replicas - partition", () => {
    const pods = [pod(0, old), pod(1, old), pod(2, { available: false }), pod(3, old)];
    const byLowOrdinal = {
      sortWaiting: (ps: readonly OrdinalPod[]) => [...ps].sort((a, b) => a.ordinal - b.ordinal),
    };
    const input = { ...base, replicas: 4, partition: 2, maxUnavailable: 4, pods, unordered: byLowOrdinal };
    expect(names(podsInUpdateOrder(input))).toEqual(["web-2", "web-0"]);
    expect(names(planOrdinalUpdate(input).update)).toEqual(["web-0"]);
  });
  it("specified-delete ignores the partition but not maxUnavailable, highest first", () => {
    const pods = [pod(0, { specifiedDelete: true }), pod(1, { specifiedDelete: true }), pod(2, old)];
    const plan = planOrdinalUpdate({ ...base, partition: 3, pods });
    expect(names(plan.specifiedDeletes)).toEqual(["web-1"]);
    expect(plan.update).toEqual([]);
  });
  it("terminating pods are not updated again", () => {
    const pods = [pod(0, old), pod(1, old), pod(2, { ...old, terminating: true })];
    expect(planOrdinalUpdate({ ...base, pods }).update).toEqual([]);
  });
});

describe("ordinalMaxUnavailable", () => {
  it.each([
    [undefined, 10, 1],
    [3, 10, 3],
    ["50%", 5, 2],
    ["10%", 5, 1],
    ["100%", 4, 4],
  ] as const)("%j of %d is %d", (value, replicas, expected) => {
    expect(ordinalMaxUnavailable(value, replicas, "maxUnavailable")).toBe(expected);
  });
});
