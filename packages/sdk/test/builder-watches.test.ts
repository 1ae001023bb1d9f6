import type { Pod } from "kubernetes-types/core/v1.js";
import pino from "pino";
import { Registry } from "prom-client";
import { describe, expect, it, vi } from "vitest";
import type { Client, KubeObject } from "../src/client/types.ts";
import { FakeClock } from "../src/clock/index.ts";
import { ControllerBuilder, type ControllerHost } from "../src/controller/builder.ts";
import { Controller } from "../src/controller/controller.ts";
import { ResourceVersionExpectations, ScaleExpectations } from "../src/expectations/index.ts";
import { Cache } from "../src/informer/cache.ts";
import { ConfigMapKind, PodKind } from "../src/kinds/core.ts";

// The builder's watch declarations against a real Cache that is never started (no API server): which informer each
// watch gets, and what its event handler does before a request is enqueued.

/** The builder registers all three callbacks, and none returns a promise. */
interface Handler {
  onAdd(obj: KubeObject, isInitialList: boolean): void;
  onUpdate(oldObj: KubeObject, newObj: KubeObject): void;
  onDelete(obj: KubeObject): void;
}

interface Harness {
  host: ControllerHost;
  cache: Cache;
  /** Delivers an informer event to every handler registered on the Pod informer. */
  podHandlers: () => Handler[];
}

function harness(): Harness {
  const cache = new Cache({} as Client);
  const handlers: Handler[] = [];
  const informerFor = cache.informerFor.bind(cache);
  vi.spyOn(cache, "informerFor").mockImplementation((kind, options) => {
    const informer = informerFor(kind, options);
    if (kind.kind === "Pod")
      vi.spyOn(informer, "addEventHandler").mockImplementation((h) => {
        handlers.push(h as unknown as Handler);
        return () => {};
      });
    return informer;
  });
  const log = pino({ level: "silent" });
  const host: ControllerHost = {
    cache,
    clientFor: () => ({}) as Client,
    recorderFor: () => ({ event: () => {} }),
    eventBus: () => undefined,
    clock: new FakeClock(0),
    log,
    registry: new Registry(),
    register: () => {},
  };
  return { host, cache, podHandlers: () => handlers };
}

const ownerRef = { apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: "u1", controller: true };
function pod(name: string, extra: Partial<Pod["metadata"]> = {}): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: "ns",
      uid: `uid-${name}`,
      resourceVersion: "7",
      ownerReferences: [ownerRef],
      ...extra,
    },
  };
}
const trim = (p: Pod): Pod => ({ metadata: p.metadata });

describe("ControllerBuilder.owns(kind, { expectations })", () => {
  const cases = [
    {
      name: "an add is a creation seen",
      expect: (s: ScaleExpectations) => s.expectCreations("ns/owner", ["p1"]),
      deliver: (h: Handler) => h.onAdd(pod("p1"), false),
    },
    {
      name: "a delete is a deletion seen",
      expect: (s: ScaleExpectations) => s.expectDeletions("ns/owner", ["p1"]),
      deliver: (h: Handler) => h.onDelete(pod("p1")),
    },
    {
      name: "a deletionTimestamp appearing is a deletion seen",
      expect: (s: ScaleExpectations) => s.expectDeletions("ns/owner", ["p1"]),
      deliver: (h: Handler) =>
        h.onUpdate(pod("p1"), pod("p1", { deletionTimestamp: "2026-01-01T00:00:00Z" })),
    },
  ];
  it.each(cases)("$name, before the owner is enqueued", (c) => {
    const { host, podHandlers } = harness();
    const scale = new ScaleExpectations({ name: "t", registry: new Registry() });
    c.expect(scale);
    const satisfiedAtEnqueue: boolean[] = [];
    const enqueue = vi
      .spyOn(Controller.prototype, "enqueue")
      .mockImplementation(() => satisfiedAtEnqueue.push(scale.satisfied("ns/owner")));
    new ControllerBuilder(host, "t")
      .for(ConfigMapKind)
      .owns(PodKind, { expectations: { scale } })
      .reconcile(() => {});
    for (const h of podHandlers()) c.deliver(h);
    enqueue.mockRestore();
    expect(satisfiedAtEnqueue).toEqual([true]);
  });

  it("feeds expectations even for events its predicates drop, and never another owner's key", () => {
    const { host, podHandlers } = harness();
    const scale = new ScaleExpectations({ name: "t", registry: new Registry() });
    scale.expectCreations("ns/owner", ["p1"]);
    scale.expectCreations("ns/other", ["p2"]);
    new ControllerBuilder(host, "t")
      .for(ConfigMapKind)
      .owns(PodKind, { expectations: { scale }, predicates: [() => false] })
      .reconcile(() => {});
    for (const h of podHandlers()) {
      h.onAdd(pod("p1"), false);
      h.onAdd(pod("p2"), false);
    }
    expect(scale.satisfied("ns/owner")).toBe(true);
    expect(scale.satisfied("ns/other")).toBe(false);
  });

  it("with scaleName, a child is known by the name it returns, and one without a name lowers nothing", () => {
    const { host, podHandlers } = harness();
    const scale = new ScaleExpectations({ name: "t", registry: new Registry() });
    scale.expectCreations("ns/owner", ["slot-a", "slot-b"]);
    new ControllerBuilder(host, "t")
      .for(ConfigMapKind)
      .owns(PodKind, { expectations: { scale, scaleName: (child) => child.metadata?.labels?.["slot"] } })
      .reconcile(() => {});
    for (const h of podHandlers()) {
      h.onAdd(pod("slot-b"), false);
      h.onAdd(pod("generated-x7k2p", { labels: { slot: "slot-a" } }), false);
    }
    expect(scale.outstanding("ns/owner")).toEqual({ creations: ["slot-b"], deletions: [] });
  });

  it("observes every pod's resourceVersion and forgets a deleted pod", () => {
    const { host, podHandlers } = harness();
    const versions = new ResourceVersionExpectations({ name: "t", registry: new Registry() });
    const written = pod("p1", { resourceVersion: "9" });
    versions.expect(written);
    new ControllerBuilder(host, "t")
      .for(ConfigMapKind)
      .owns(PodKind, { expectations: { versions } })
      .reconcile(() => {});
    const [h] = podHandlers();
    h!.onUpdate(pod("p1"), pod("p1", { resourceVersion: "8" }));
    expect(versions.satisfied(pod("p1", { resourceVersion: "8" }))).toBe(false);
    h!.onUpdate(pod("p1"), pod("p1", { resourceVersion: "9" }));
    // Cleared by the event, so even a reader holding the older copy is no longer held back.
    expect(versions.satisfied(pod("p1", { resourceVersion: "8" }))).toBe(true);
    versions.expect(pod("p1", { resourceVersion: "12" }));
    h!.onDelete(pod("p1"));
    expect(versions.satisfied(pod("p1", { resourceVersion: "8" }))).toBe(true);
  });
});

describe("ControllerBuilder informer declarations", () => {
  it("a watch's informer options create the kind's informer", () => {
    const { host, cache } = harness();
    new ControllerBuilder(host, "a")
      .for(ConfigMapKind)
      .owns(PodKind, { informer: { namespace: "ns", transform: trim } })
      .reconcile(() => {});
    expect(() => cache.informerFor(PodKind, { namespace: "other" })).toThrow(/namespace/);
  });

  // Two controllers in one manager share one Pod informer. One that trims pods must not leave another, which
  // declared nothing, silently reading trimmed pods: the second registration fails and says why.
  it("a plain watch of a kind another controller trims is refused, naming the transform", () => {
    const { host } = harness();
    new ControllerBuilder(host, "trims")
      .for(ConfigMapKind)
      .owns(PodKind, { informer: { transform: trim } })
      .reconcile(() => {});
    expect(() =>
      new ControllerBuilder(host, "reads-whole-pods")
        .for(ConfigMapKind)
        .owns(PodKind)
        .reconcile(() => {}),
    ).toThrow(/pods.*transform/);
  });

  it("the same transform declared by both controllers is one informer", () => {
    const { host } = harness();
    for (const name of ["a", "b"])
      new ControllerBuilder(host, name)
        .for(ConfigMapKind)
        .owns(PodKind, { informer: { transform: trim } })
        .reconcile(() => {});
  });
});
