import type { Pod } from "kubernetes-types/core/v1.js";
import { describe, expect, it } from "vitest";
import {
  conditionsWithNotReadyEntry,
  decideDeleteLifecycle,
  decideInPlaceUpdateLifecycle,
  isPodAllHooked,
  isPodHooked,
  lifecycleMergePatch,
  notReadyChangeFor,
  refreshLifecycleState,
  type Lifecycle,
  type LifecycleHook,
} from "../src/index.ts";
import { NOW, iso, pod } from "./helpers.ts";

const withMeta = (p: Pod, labels: Record<string, string>, finalizers: string[] = []): Pod => ({
  ...p,
  metadata: { ...p.metadata, labels: { ...(p.metadata?.labels ?? {}), ...labels }, finalizers },
});
const scheduled = (p: Pod): Pod => ({
  ...p,
  status: {
    ...p.status,
    conditions: [...(p.status?.conditions ?? []), { type: "PodScheduled", status: "True" }],
  },
});

describe("hooks", () => {
  // lifecycle_utils.go IsPodHooked (any) / IsPodAllHooked (all).
  const hook: LifecycleHook = {
    labelsHandler: { hold: "true" },
    finalizersHandler: ["example.com/a", "example.com/b"],
  };
  const rows: Array<[string, Pod, boolean, boolean]> = [
    ["nothing", pod(), false, false],
    ["label only", withMeta(pod(), { hold: "true" }), true, false],
    ["label with another value", withMeta(pod(), { hold: "no" }), false, false],
    ["one finalizer", withMeta(pod(), {}, ["example.com/a"]), true, false],
    ["everything", withMeta(pod(), { hold: "true" }, ["example.com/a", "example.com/b"]), true, true],
  ];
  it.each(rows)("%s: hooked %s, all hooked %s", (_n, p, hooked, all) => {
    expect(isPodHooked(hook, p)).toBe(hooked);
    expect(isPodAllHooked(hook, p)).toBe(all);
  });
  it("an undefined hook holds nothing", () => {
    expect(isPodHooked(undefined, pod())).toBe(false);
    expect(isPodAllHooked(undefined, pod())).toBe(false);
  });
});

describe("refreshLifecycleState", () => {
  // cloneset_update.go refreshPodState: the state machine's automatic moves.
  const inPlaceHook: Lifecycle = { inPlaceUpdate: { labelsHandler: { ready: "true" } } };
  const preNormal: Lifecycle = { preNormal: { finalizersHandler: ["example.com/warm"] } };
  const rows: Array<
    [
      string,
      Pod,
      Lifecycle | undefined,
      { atUpdateRevision?: boolean; completed?: boolean; waitForScheduled?: boolean },
      string | undefined,
    ]
  > = [
    [
      "PreparingNormal, no hook, unscheduled: stays",
      pod({ state: "PreparingNormal" }),
      undefined,
      {},
      undefined,
    ],
    [
      "PreparingNormal, no hook, scheduled: Normal",
      scheduled(pod({ state: "PreparingNormal" })),
      undefined,
      {},
      "Normal",
    ],
    [
      "PreparingNormal, scheduling not awaited: Normal",
      pod({ state: "PreparingNormal" }),
      undefined,
      { waitForScheduled: false },
      "Normal",
    ],
    [
      "PreparingNormal, preNormal not yet all-hooked: stays",
      pod({ state: "PreparingNormal" }),
      preNormal,
      {},
      undefined,
    ],
    [
      "PreparingNormal, preNormal all-hooked: Normal",
      withMeta(pod({ state: "PreparingNormal" }), {}, ["example.com/warm"]),
      preNormal,
      {},
      "Normal",
    ],
    [
      "PreparingUpdate at old revision: stays",
      pod({ state: "PreparingUpdate" }),
      inPlaceHook,
      { atUpdateRevision: false },
      undefined,
    ],
    [
      "PreparingUpdate rolled back to update revision, hook released: Updated",
      pod({ state: "PreparingUpdate" }),
      inPlaceHook,
      { atUpdateRevision: true },
      "Updated",
    ],
    [
      "PreparingUpdate at update revision, hook back: Normal",
      withMeta(pod({ state: "PreparingUpdate" }), { ready: "true" }),
      inPlaceHook,
      { atUpdateRevision: true },
      "Normal",
    ],
    [
      "Updating, not complete: stays",
      pod({ state: "Updating" }),
      inPlaceHook,
      { completed: false },
      undefined,
    ],
    [
      "Updating, complete, hook released: Updated",
      pod({ state: "Updating" }),
      inPlaceHook,
      { completed: true },
      "Updated",
    ],
    [
      "Updating, complete, no lifecycle: Normal",
      pod({ state: "Updating" }),
      undefined,
      { completed: true },
      "Normal",
    ],
    [
      "Updating, complete, lifecycle without inPlaceUpdate hook: Updated (OpenKruise quirk)",
      pod({ state: "Updating" }),
      preNormal,
      { completed: true },
      "Updated",
    ],
    ["Updated, hook still released: stays", pod({ state: "Updated" }), inPlaceHook, {}, undefined],
    [
      "Updated, hook re-added: Normal",
      withMeta(pod({ state: "Updated" }), { ready: "true" }),
      inPlaceHook,
      {},
      "Normal",
    ],
    ["Updated, no inPlaceUpdate hook: Normal", pod({ state: "Updated" }), preNormal, {}, "Normal"],
    ["Normal: stays", pod({ state: "Normal" }), inPlaceHook, { completed: true }, undefined],
    ["PreparingDelete: stays", pod({ state: "PreparingDelete" }), inPlaceHook, {}, undefined],
  ];
  it.each(rows)("%s", (_n, p, lifecycle, opts, expected) => {
    const t = refreshLifecycleState(p, {
      lifecycle,
      atUpdateRevision: opts.atUpdateRevision ?? false,
      inPlaceUpdateCompleted: opts.completed ?? false,
      ...(opts.waitForScheduled !== undefined ? { waitForScheduled: opts.waitForScheduled } : {}),
    });
    expect(t?.to).toBe(expected);
  });
});

describe("decideInPlaceUpdateLifecycle", () => {
  // cloneset_update.go updatePod: the inPlaceUpdate hook holds pods in PreparingUpdate.
  const hook: Lifecycle = { inPlaceUpdate: { labelsHandler: { hold: "true" }, markPodNotReady: true } };
  const rows: Array<[string, Pod, Lifecycle | undefined, string, string | undefined]> = [
    ["Normal, no hook: update now", pod({ state: "Normal" }), undefined, "update", undefined],
    [
      "no state, hooked: to PreparingUpdate",
      withMeta(pod(), { hold: "true" }),
      hook,
      "transition",
      "PreparingUpdate",
    ],
    [
      "PreparingNormal, hooked: to PreparingUpdate",
      withMeta(pod({ state: "PreparingNormal" }), { hold: "true" }),
      hook,
      "transition",
      "PreparingUpdate",
    ],
    [
      "PreparingUpdate still hooked: wait",
      withMeta(pod({ state: "PreparingUpdate" }), { hold: "true" }),
      hook,
      "wait",
      undefined,
    ],
    ["PreparingUpdate released: update", pod({ state: "PreparingUpdate" }), hook, "update", undefined],
    [
      "Updated: back to PreparingUpdate with the hook re-applied",
      pod({ state: "Updated" }),
      hook,
      "transition",
      "PreparingUpdate",
    ],
    ["Updating: continue", pod({ state: "Updating" }), hook, "update", undefined],
    ["PreparingDelete: error", pod({ state: "PreparingDelete" }), hook, "error", undefined],
  ];
  it.each(rows)("%s", (_n, p, lifecycle, action, to) => {
    const d = decideInPlaceUpdateLifecycle(p, lifecycle);
    expect(d.action).toBe(action);
    if (d.action === "transition") {
      expect(d.transition.to).toBe(to);
      expect(d.transition.markPodNotReady).toBe(true);
    }
  });

  it("leaving Updated re-adds the hook's labels and finalizers", () => {
    const hookWithFinalizer: Lifecycle = {
      inPlaceUpdate: { labelsHandler: { hold: "true" }, finalizersHandler: ["example.com/f"] },
    };
    const p = withMeta(pod({ state: "Updated" }), {}, ["other"]);
    const d = decideInPlaceUpdateLifecycle(p, hookWithFinalizer);
    if (d.action !== "transition") throw new Error("expected a transition");
    const patch = lifecycleMergePatch(p, d.transition, NOW);
    expect(patch).toEqual({
      metadata: {
        labels: { "lifecycle.apps.kruise.io/state": "PreparingUpdate", hold: "true" },
        annotations: { "lifecycle.apps.kruise.io/timestamp": iso(NOW) },
        finalizers: ["other", "example.com/f"],
      },
    });
  });
});

describe("decideDeleteLifecycle", () => {
  // cloneset_scale.go deletePods: a preDelete hook turns deletion into PreparingDelete.
  const hook: Lifecycle = { preDelete: { finalizersHandler: ["example.com/drain"] } };
  it.each([
    ["no hook: delete", pod(), undefined, "delete"],
    ["not hooked: delete", pod(), hook, "delete"],
    ["hooked: PreparingDelete", withMeta(pod(), {}, ["example.com/drain"]), hook, "transition"],
    [
      "already PreparingDelete and hooked: wait",
      withMeta(pod({ state: "PreparingDelete" }), {}, ["example.com/drain"]),
      hook,
      "wait",
    ],
    ["PreparingDelete released: delete", pod({ state: "PreparingDelete" }), hook, "delete"],
  ] as Array<[string, Pod, Lifecycle | undefined, string]>)("%s", (_n, p, lifecycle, action) => {
    expect(decideDeleteLifecycle(p, lifecycle).action).toBe(action);
  });
});

describe("markPodNotReady via KruisePodReady", () => {
  // podreadiness: entries in the KruisePodReady message; False while any remain; only with the readiness gate.
  const gated = (): Pod => ({
    ...pod({ ready: true }),
    spec: { containers: [], readinessGates: [{ conditionType: "KruisePodReady" }] },
  });
  it("adds and removes entries", () => {
    const add = notReadyChangeFor("PreparingDelete")!;
    const p = gated();
    const conditions = conditionsWithNotReadyEntry(p, add.entry, true, NOW)!;
    const c = conditions.find((x) => x.type === "KruisePodReady")!;
    expect(c.status).toBe("False");
    expect(JSON.parse(c.message!)).toEqual([
      { userAgent: "ContainerRecreateRequest", key: "preparingDelete" },
    ]);
    const again = { ...p, status: { ...p.status, conditions } };
    expect(conditionsWithNotReadyEntry(again, add.entry, true, NOW)).toBeUndefined();
    const removed = conditionsWithNotReadyEntry(again, add.entry, false, NOW)!;
    expect(removed.find((x) => x.type === "KruisePodReady")?.status).toBe("True");
  });
  it("does nothing without the readiness gate", () => {
    expect(
      conditionsWithNotReadyEntry(pod(), notReadyChangeFor("PreparingUpdate")!.entry, true, NOW),
    ).toBeUndefined();
  });
});
