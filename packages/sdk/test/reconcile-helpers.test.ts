import pino from "pino";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { Client, KubeObject } from "../src/client/index.ts";
import { ConflictError, ignoreNotFound, NotFoundError, patchStatusIfChanged } from "../src/client/index.ts";
import { FakeClock } from "../src/clock/index.ts";
import { Cache } from "../src/informer/index.ts";
import {
  cachedOwner,
  Controller,
  isTerminalError,
  Requeue,
  TerminalError,
  waitForScaleExpectations,
} from "../src/controller/index.ts";
import { ScaleExpectations } from "../src/expectations/index.ts";
import type { Kind } from "../src/kind.ts";
import { controllerOf, controllerRef, MAX_INT32 } from "../src/meta/index.ts";

const WidgetKind: Kind<KubeObject & { status?: Record<string, unknown> }> = {
  group: "example.io",
  version: "v1",
  kind: "Widget",
  plural: "widgets",
  namespaced: true,
};

describe("Requeue: the soonest of several deadlines", () => {
  const cases: Array<{ name: string; after: Array<number | undefined>; want: number | undefined }> = [
    { name: "nothing due", after: [], want: undefined },
    { name: "undefined and infinite are ignored", after: [undefined, Infinity, Number.NaN], want: undefined },
    { name: "the soonest wins", after: [5_000, undefined, 1_200, 30_000], want: 1_200 },
    { name: "a past deadline asks for 1 ms", after: [-50, 10_000], want: 1 },
    { name: "longer than a timer holds is clamped", after: [10 * MAX_INT32], want: MAX_INT32 },
  ];
  it.each(cases)("$name", ({ after, want }) => {
    const r = new Requeue();
    for (const ms of after) r.after(ms);
    expect(r.delayMs).toBe(want);
    expect(r.result()).toEqual(want === undefined ? undefined : { requeueAfter: want });
  });
  it("at() measures an epoch deadline from now", () => {
    expect(new Requeue().at(10_500, 10_000).at(undefined, 10_000).delayMs).toBe(500);
  });
});

describe("the opening of an owner's reconcile: cachedOwner and waitForScaleExpectations", () => {
  const widget = { metadata: { namespace: "ns", name: "w", uid: "u1" } };
  const fakeCtx = (stored: KubeObject | undefined) => ({
    cache: { get: () => stored } as unknown as Cache,
    log: pino({ level: "silent" }),
  });
  const expectationsWith = (creations: string[]) => {
    const e = new ScaleExpectations({ name: "t", clock: new FakeClock(0), registry: new Registry() });
    e.expectCreations("ns/w", creations);
    return e;
  };
  it("answers the cached owner and keeps its expectations", () => {
    const e = expectationsWith(["p-0"]);
    expect(cachedOwner(fakeCtx(widget), WidgetKind, { namespace: "ns", name: "w" }, e)).toBe(widget);
    expect(e.satisfied("ns/w")).toBe(false);
  });
  it("forgets the expectations of an owner gone from the cache", () => {
    const e = expectationsWith(["p-0"]);
    expect(cachedOwner(fakeCtx(undefined), WidgetKind, { namespace: "ns", name: "w" }, e)).toBeUndefined();
    expect(e.satisfied("ns/w")).toBe(true);
  });
  const waits: Array<{ name: string; creations: string[]; want: { requeueAfter: number } | undefined }> = [
    { name: "nothing outstanding: go on", creations: [], want: undefined },
    { name: "a create not seen yet: requeue", creations: ["p-0"], want: { requeueAfter: 1_500 } },
  ];
  it.each(waits)("$name", ({ creations, want }) => {
    expect(waitForScaleExpectations(fakeCtx(widget), expectationsWith(creations), "ns/w", 1_500)).toEqual(
      want,
    );
  });
});

describe("errors", () => {
  it("ignoreNotFound swallows NotFound only", () => {
    expect(() =>
      ignoreNotFound(
        new NotFoundError({ code: 404, reason: "NotFound", verb: "GET", path: "/x", message: "gone" }),
      ),
    ).not.toThrow();
    expect(() =>
      ignoreNotFound(
        new ConflictError({ code: 409, reason: "Conflict", verb: "PUT", path: "/x", message: "c" }),
      ),
    ).toThrow(ConflictError);
    expect(() => ignoreNotFound(new Error("x"))).toThrow("x");
  });
  it("isTerminalError sees a TerminalError and one wrapped as a cause", () => {
    expect(isTerminalError(new TerminalError("bad spec"))).toBe(true);
    expect(isTerminalError(new Error("outer", { cause: new TerminalError("inner") }))).toBe(true);
    expect(isTerminalError(new Error("plain"))).toBe(false);
    expect(isTerminalError("text")).toBe(false);
  });
});

describe("owner references", () => {
  const owner = { metadata: { name: "w", namespace: "ns", uid: "u-1" } };
  it("controllerRef names the kind, not the cached object", () => {
    expect(controllerRef(WidgetKind, owner)).toEqual({
      apiVersion: "example.io/v1",
      kind: "Widget",
      name: "w",
      uid: "u-1",
      controller: true,
      blockOwnerDeletion: true,
    });
  });
  const cases: Array<{
    name: string;
    refs: NonNullable<KubeObject["metadata"]>["ownerReferences"];
    want?: string;
  }> = [
    { name: "no owners", refs: undefined },
    {
      name: "an owner that is not the controller",
      refs: [{ apiVersion: "example.io/v1", kind: "Widget", name: "a", uid: "1" }],
    },
    {
      name: "the controller, any version of the group",
      refs: [{ apiVersion: "example.io/v2", kind: "Widget", name: "b", uid: "2", controller: true }],
      want: "b",
    },
    {
      name: "a controller of another group",
      refs: [{ apiVersion: "other.io/v1", kind: "Widget", name: "c", uid: "3", controller: true }],
    },
  ];
  it.each(cases)("controllerOf: $name", ({ refs, want }) => {
    const obj = { metadata: { name: "child", ...(refs !== undefined ? { ownerReferences: refs } : {}) } };
    expect(controllerOf(obj, WidgetKind)?.name).toBe(want);
  });
  it("controllerOf without a kind returns any controller", () => {
    const obj = {
      metadata: { ownerReferences: [{ apiVersion: "v1", kind: "X", name: "x", uid: "9", controller: true }] },
    };
    expect(controllerOf(obj)?.name).toBe("x");
  });
});

/** Records status patches; patchStatusIfChanged's decision (write or not, and the body) is what is under test. */
function recordingClient(): { client: Client; patches: unknown[] } {
  const patches: unknown[] = [];
  const client = {
    patchStatus: (_k: unknown, _n: string, _ns: string | undefined, type: string, body: unknown) => {
      expect(type).toBe("merge");
      patches.push(body);
      return Promise.resolve({});
    },
  } as unknown as Client;
  return { client, patches };
}

describe("patchStatusIfChanged", () => {
  const cases: Array<{
    name: string;
    before?: Record<string, unknown>;
    next: Record<string, unknown>;
    want?: unknown;
  }> = [
    { name: "equal (key order ignored): no write", before: { a: 1, b: [1] }, next: { b: [1], a: 1 } },
    { name: "absent and empty list compare equal", before: { a: 1 }, next: { a: 1, conditions: [] } },
    {
      name: "a change writes the whole status",
      before: { a: 1, b: 2 },
      next: { a: 1, b: 3 },
      want: { status: { a: 1, b: 3 } },
    },
    {
      name: "removed and emptied fields are sent as null",
      before: { a: 1, gone: "x", conditions: [{ type: "T" }] },
      next: { a: 2, conditions: [] },
      want: { status: { a: 2, gone: null, conditions: null } },
    },
    { name: "no status yet", next: { a: 1 }, want: { status: { a: 1 } } },
  ];
  it.each(cases)("$name", async ({ before, next, want }) => {
    const { client, patches } = recordingClient();
    const obj = {
      metadata: { name: "w", namespace: "ns" },
      ...(before !== undefined ? { status: before } : {}),
    };
    const wrote = await patchStatusIfChanged(client, WidgetKind, obj, next);
    expect(wrote).toBe(want !== undefined);
    expect(patches).toEqual(want === undefined ? [] : [want]);
  });
});

describe("Controller and TerminalError", () => {
  it("a terminal error is counted and not retried; a plain error is retried with backoff", async () => {
    const clock = new FakeClock();
    const registry = new Registry();
    const seen: string[] = [];
    const controller = new Controller({
      name: "terminal-test",
      workers: 1,
      client: {} as Client,
      cache: {} as Cache,
      recorder: { event: () => undefined },
      clock,
      log: pino({ level: "silent" }),
      registry,
      reconciler: (request) => {
        seen.push(request.name);
        if (request.name === "bad") throw new TerminalError("spec.replicas: must not be negative");
        throw new Error("transient");
      },
    });
    controller.start();
    controller.enqueue({ namespace: "ns", name: "bad" });
    controller.enqueue({ namespace: "ns", name: "flaky" });
    for (let i = 0; i < 20 && seen.length < 2; i++) await new Promise((r) => setImmediate(r));
    expect(seen.sort()).toEqual(["bad", "flaky"]);
    expect(controller.queue.numRequeues("ns/bad")).toBe(0);
    expect(controller.queue.numRequeues("ns/flaky")).toBe(1);
    const terminal = await registry
      .getSingleMetric("controller_runtime_terminal_reconcile_errors_total")
      ?.get();
    expect(terminal?.values.find((v) => v.labels["controller"] === "terminal-test")?.value).toBe(1);
    await controller.shutdown(1_000);
  });
});

describe("informer options are declared once per kind", () => {
  const transform = (o: KubeObject): KubeObject => o;
  const cases: Array<{ name: string; second: Record<string, unknown>; error?: RegExp }> = [
    { name: "no options: the same informer", second: {} },
    { name: "the same options again", second: { namespace: "ns", transform } },
    {
      name: "another namespace",
      second: { namespace: "other", transform },
      error: /namespace was declared as "ns", now "other"/,
    },
    {
      name: "another transform",
      second: { namespace: "ns", transform: (o: KubeObject) => o },
      error: /transform/,
    },
  ];
  it.each(cases)("$name", ({ second, error }) => {
    const cache = new Cache({} as Client);
    const first = cache.informerFor(WidgetKind, { namespace: "ns", transform });
    if (error) expect(() => cache.informerFor(WidgetKind, second)).toThrow(error);
    else expect(cache.informerFor(WidgetKind, second)).toBe(first);
  });
});
