import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import type { PodTemplateSpec } from "kubernetes-types/core/v1.js";
import { describe, expect, it } from "vitest";
import { AlreadyExistsError, type Client } from "@kruise/sdk";
import {
  createRevisionAvoidingCollisions,
  findCurrentRevision,
  fullNameRevisionAdapter,
  shortHashRevisionAdapter,
  hashRevisionData,
  isPodAtRevision,
  newControllerRevision,
  nextRevisionNumber,
  planUpdateRevision,
  candidateRevision,
  revisionHashOnlyAdapter,
  revisionLabels,
  serializeRevisionData,
  shortHash,
  templateFromRevision,
  templateRevisionData,
  templateRevisionSource,
  typedPodTemplate,
  defaultPodTemplate,
} from "../src/index.ts";
import { pod } from "./helpers.ts";

const owner = {
  apiVersion: "apps.kruise.io/v1alpha1",
  kind: "CloneSet",
  name: "demo",
  namespace: "ns",
  uid: "uid-1",
};
const template = (image: string, labels: Record<string, string> = { app: "demo" }): PodTemplateSpec => ({
  metadata: { labels },
  spec: { containers: [{ name: "main", image }] },
});
const revisionOf = (image: string, n: number, collisionCount?: number): ControllerRevision =>
  newControllerRevision({
    owner,
    data: templateRevisionData(template(image)),
    revision: n,
    labels: { app: "demo" },
    ...(collisionCount !== undefined ? { collisionCount } : {}),
  });

describe("revision hashing", () => {
  // k8s controller_history.go HashControllerRevision (FNV-1 32 + SafeEncodeString); golden values from Go's hash/fnv.
  const data = `{"spec":{"template":{"$patch":"replace","metadata":{"labels":{"app":"demo"}},"spec":{"containers":[{"image":"nginx:1","name":"main"}]}}}}`;
  it.each([
    ["", undefined, "65bb57b6b5"],
    [data, undefined, "fdf74f9c"],
    [data, 0, "58769c7cbc"],
    [data, 1, "58769c7cbb"],
  ])("hash of %j with collision count %s is %s (same as Kubernetes)", (input, collision, expected) => {
    expect(hashRevisionData(input, collision)).toBe(expected);
  });

  it("the template revision serialises to the bytes Kubernetes would hash (typed encoding, no defaults)", () => {
    const typed = `{"spec":{"template":{"$patch":"replace","metadata":{"creationTimestamp":null,"labels":{"app":"demo"}},"spec":{"containers":[{"image":"nginx:1","name":"main","resources":{}}]}}}}`;
    expect(serializeRevisionData(templateRevisionData(template("nginx:1"), { webhookDefaults: false }))).toBe(
      typed,
    );
  });

  it("is stable across key order and differs for different templates", () => {
    const a = templateRevisionData({
      spec: { containers: [{ name: "main", image: "nginx:1" }] },
      metadata: { labels: { app: "demo" } },
    });
    const b = templateRevisionData(template("nginx:1"));
    expect(revisionOf("nginx:1", 1).metadata?.name).toBe(
      newControllerRevision({ owner, data: a, revision: 1 }).metadata?.name,
    );
    expect(serializeRevisionData(a)).toBe(serializeRevisionData(b));
    expect(revisionOf("nginx:1", 1).metadata?.name).not.toBe(revisionOf("nginx:2", 1).metadata?.name);
  });

  // NewControllerRevision: name <owner>-<hash>, hash label, template labels, controller ownerRef.
  it("builds a ControllerRevision like Kubernetes' history package", () => {
    // The hash of the defaulted template; test/revision-golden.test.ts checks such values against Go.
    const rev = revisionOf("nginx:1", 3, 0);
    expect(rev.metadata?.name).toBe("demo-67457c8954");
    expect(rev.metadata?.labels).toEqual({ app: "demo", "controller.kubernetes.io/hash": "67457c8954" });
    expect(rev.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: "CloneSet",
      name: "demo",
      uid: "uid-1",
      controller: true,
    });
    expect(rev.revision).toBe(3);
    expect(templateFromRevision(rev)).toEqual(typedPodTemplate(defaultPodTemplate(template("nginx:1"))));
  });

  it("a collision count changes the name", () => {
    expect(revisionOf("nginx:1", 1, 0).metadata?.name).not.toBe(revisionOf("nginx:1", 1, 1).metadata?.name);
  });
});

describe("revision matching", () => {
  // cloneset_utils.go EqualToRevisionHash: full name or the short hash after the last "-".
  it.each([
    ["demo-abc", "demo-abc", true],
    ["abc", "demo-abc", true],
    ["demo-abc", "abc", true],
    ["demo-abd", "demo-abc", false],
    [undefined, "demo-abc", false],
  ])("pod label %j matches revision %j: %s", (label, revision, expected) => {
    expect(isPodAtRevision(pod(label !== undefined ? { revision: label } : {}), revision)).toBe(expected);
  });

  it("revision labels carry the short pod-template-hash", () => {
    expect(shortHash("my-set-xyz")).toBe("xyz");
    expect(revisionLabels("demo-xyz")).toEqual({
      "controller-revision-hash": "demo-xyz",
      "pod-template-hash": "xyz",
    });
    expect(revisionLabels("demo-xyz", true)).toEqual({
      "controller-revision-hash": "xyz",
      "pod-template-hash": "xyz",
    });
  });
});

describe("update revision and history", () => {
  // cloneset_controller.go getActiveRevisions: reuse the newest equal revision, bump an older equal one, else create.
  it("reuses the newest revision when the template is unchanged", () => {
    const r1 = revisionOf("nginx:1", 1);
    expect(planUpdateRevision([r1], revisionOf("nginx:1", 2))).toEqual({ action: "reuse", revision: r1 });
  });

  it("rolls back by bumping the old equal revision instead of creating one", () => {
    const r1 = revisionOf("nginx:1", 1);
    const r2 = revisionOf("nginx:2", 2);
    const candidate = revisionOf("nginx:1", nextRevisionNumber([r1, r2]));
    expect(planUpdateRevision([r2, r1], candidate)).toEqual({
      action: "bump",
      revision: r1,
      newRevisionNumber: 3,
    });
  });

  it("creates a revision for a new template", () => {
    const candidate = revisionOf("nginx:3", 3);
    expect(planUpdateRevision([revisionOf("nginx:1", 1), revisionOf("nginx:2", 2)], candidate)).toEqual({
      action: "create",
      revision: candidate,
    });
    expect(nextRevisionNumber([])).toBe(1);
  });

  it("current revision comes from status, or is the update revision", () => {
    const r1 = revisionOf("nginx:1", 1);
    const r2 = revisionOf("nginx:2", 2);
    expect(findCurrentRevision([r1, r2], r1.metadata?.name, r2)).toBe(r1);
    expect(findCurrentRevision([r1, r2], "gone", r2)).toBe(r2);
    expect(findCurrentRevision([r1, r2], undefined, r2)).toBe(r2);
  });
});

describe("createRevisionAvoidingCollisions", () => {
  // k8s controller_history.go CreateControllerRevision: on AlreadyExists with different data, bump collisionCount.
  function fakeClient(existing: ControllerRevision[]): { client: Client; created: ControllerRevision[] } {
    const created: ControllerRevision[] = [];
    const client = {
      async create(_kind: unknown, obj: ControllerRevision) {
        if (existing.some((e) => e.metadata?.name === obj.metadata?.name))
          throw new AlreadyExistsError({
            code: 409,
            reason: "AlreadyExists",
            verb: "POST",
            path: "/apis/apps/v1/controllerrevisions",
            message: "exists",
          });
        created.push(obj);
        return obj;
      },
      async get(_kind: unknown, name: string) {
        const found = existing.find((e) => e.metadata?.name === name);
        if (found === undefined) throw new Error("not found");
        return found;
      },
    } as unknown as Client;
    return { client, created };
  }

  it("moves to the next collision count when the name holds other data", async () => {
    const mine = (count: number) => revisionOf("nginx:1", 1, count);
    const squatter = { ...revisionOf("nginx:9", 1), metadata: { ...mine(0).metadata } };
    const { client, created } = fakeClient([squatter]);
    const result = await createRevisionAvoidingCollisions(client, mine, 0);
    expect(result.collisionCount).toBe(1);
    expect(created[0]?.metadata?.name).toBe(mine(1).metadata?.name);
  });

  it("returns the existing revision when it records the same data", async () => {
    const mine = (count: number) => revisionOf("nginx:1", 1, count);
    const { client, created } = fakeClient([mine(0)]);
    const result = await createRevisionAvoidingCollisions(client, mine, 0);
    expect(result.collisionCount).toBe(0);
    expect(created).toEqual([]);
  });
});

describe("revision adapters", () => {
  const at = (label: string) => ({ metadata: { labels: { "controller-revision-hash": label } } });
  it.each([
    ["full name adapter writes the name", fullNameRevisionAdapter, "demo-6b8c9d", "demo-6b8c9d"],
    ["short hash adapter writes the hash", shortHashRevisionAdapter, "demo-6b8c9d", "6b8c9d"],
  ])("%s", (_name, adapter, revision, label) => {
    expect(adapter.labelsFor(revision)).toEqual({
      "controller-revision-hash": label,
      "pod-template-hash": "6b8c9d",
    });
    // Reading accepts both forms, so switching the gate restarts no pod.
    expect(adapter.isPodAt(at("demo-6b8c9d"), revision)).toBe(true);
    expect(adapter.isPodAt(at("6b8c9d"), revision)).toBe(true);
    expect(adapter.isPodAt(at("demo-0000"), revision)).toBe(false);
  });
});

describe("revision hash only adapter (StatefulSet pods)", () => {
  it("writes only controller-revision-hash, the full name", () => {
    expect(revisionHashOnlyAdapter.labelsFor("web-6b8c9d")).toEqual({
      "controller-revision-hash": "web-6b8c9d",
    });
  });
});

describe("candidateRevision options", () => {
  const source = {
    owner,
    template: {
      metadata: { labels: { app: "demo" } },
      spec: { containers: [{ name: "main", image: "nginx:1" }] },
    },
    collisionCount: 0,
    currentRevision: undefined,
  };
  it("records the workload's annotations when given (Advanced StatefulSet)", () => {
    const r = candidateRevision({ ...source, annotations: { a: "1" } }, [], 0);
    expect(r.metadata?.annotations).toEqual({ a: "1" });
    expect(candidateRevision(source, [], 0).metadata?.annotations).toBeUndefined();
  });
  it("labels the revision with its own hash when asked (Kubernetes' DaemonSet)", () => {
    const r = candidateRevision({ ...source, hashLabel: true }, [], 0);
    expect(r.metadata?.labels?.["controller-revision-hash"]).toBe(shortHash(r.metadata?.name ?? ""));
    expect(candidateRevision(source, [], 0).metadata?.labels?.["controller-revision-hash"]).toBeUndefined();
  });
  it("records the template as written without webhook defaults", () => {
    const plain = candidateRevision({ ...source, webhookDefaults: false }, [], 0);
    expect(plain.data).toEqual(templateRevisionData(source.template, { webhookDefaults: false }));
    expect(candidateRevision(source, [], 0).data).toEqual(templateRevisionData(source.template));
    expect(plain.metadata?.name).not.toBe(candidateRevision(source, [], 0).metadata?.name);
  });
});

describe("templateRevisionSource", () => {
  it("a pod-template workload's revisions: owned by it, its template, its status' collision count and current revision", () => {
    const group = { group: "apps.kruise.io", version: "v1alpha1", plural: "clonesets" };
    const kind = { ...group, kind: "CloneSet", namespaced: true };
    const cs = {
      metadata: { name: "demo", namespace: "ns", uid: "uid-1" },
      spec: { template: template("nginx:1") },
      status: { collisionCount: 2, currentRevision: "demo-abc" },
    };
    expect(templateRevisionSource(kind, cs)).toEqual({
      owner,
      template: template("nginx:1"),
      collisionCount: 2,
      currentRevision: "demo-abc",
    });
    const fresh = templateRevisionSource(kind, { metadata: { name: "new" } });
    expect([fresh.template, fresh.collisionCount, fresh.currentRevision]).toEqual([{}, 0, undefined]);
  });
});
