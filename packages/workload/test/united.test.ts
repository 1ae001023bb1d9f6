import { describe, expect, it } from "vitest";
import type { UnitedDeployment } from "@kruise/api";
import type { Pod } from "kubernetes-types/core/v1.js";
import {
  applySubsetTemplate,
  calculateUnitedStatus,
  nextSubsetPartitions,
  pendingTimeout,
  strategicMerge,
  StrategicMergeError,
  subsetNamePrefix,
  subsetUpdateReason,
  subsetWorkloadType,
  unitedDeploymentRevisionData,
  unitedDeploymentRevisionLabels,
  viewSubset,
  type SubsetWorkloadObject,
  type SubsetWorkloadType,
} from "../src/index.ts";

const owner = {
  apiVersion: "apps.kruise.io/v1alpha1",
  kind: "UnitedDeployment",
  name: "web",
  uid: "u1",
  controller: true,
};
const podTemplate = {
  metadata: { labels: { app: "web" } },
  spec: { containers: [{ name: "main", image: "nginx:1", env: [{ name: "A", value: "1" }] }] },
};

function ud(
  type: SubsetWorkloadType,
  extra: Record<string, unknown> = {},
  subset: Record<string, unknown> = {},
): UnitedDeployment {
  const field = {
    StatefulSet: "statefulSetTemplate",
    AdvancedStatefulSet: "advancedStatefulSetTemplate",
    CloneSet: "cloneSetTemplate",
    Deployment: "deploymentTemplate",
  }[type];
  return {
    metadata: { name: "web", namespace: "ns", uid: "u1" },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: "web" } },
      template: {
        [field]: {
          metadata: { labels: { app: "web", tier: "front" }, annotations: { note: "x" } },
          spec: { selector: { matchLabels: { app: "web" } }, template: podTemplate, ...extra },
        },
      },
      topology: {
        subsets: [
          {
            name: "a",
            nodeSelectorTerm: { matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] },
            tolerations: [{ key: "dedicated", operator: "Exists" }],
            ...subset,
          },
          { name: "b" },
        ],
      },
      updateStrategy: { manualUpdate: { partitions: { a: 3, b: 1 } } },
    },
  };
}

const build = (u: UnitedDeployment, type: SubsetWorkloadType, existing?: SubsetWorkloadObject) =>
  applySubsetTemplate(
    { ud: u, type, subsetName: "a", revision: "web-abc", replicas: 2, partition: 1, owner },
    existing,
  );

describe("strategicMerge (pod template)", () => {
  const cases: [string, unknown, unknown, unknown][] = [
    ["maps merge key by key", { a: 1, b: { c: 2 } }, { b: { d: 3 } }, { a: 1, b: { c: 2, d: 3 } }],
    ["null deletes a key", { a: 1, b: 2 }, { b: null }, { a: 1 }],
    [
      "containers merge by name",
      {
        containers: [
          { name: "x", image: "1" },
          { name: "y", image: "2" },
        ],
      },
      { containers: [{ name: "y", image: "3" }] },
      {
        containers: [
          { name: "x", image: "1" },
          { name: "y", image: "3" },
        ],
      },
    ],
    [
      "a new container is appended",
      { containers: [{ name: "x" }] },
      { containers: [{ name: "z", image: "9" }] },
      { containers: [{ name: "x" }, { name: "z", image: "9" }] },
    ],
    [
      "env merges by name inside a container",
      { containers: [{ name: "x", env: [{ name: "A", value: "1" }] }] },
      { containers: [{ name: "x", env: [{ name: "B", value: "2" }] }] },
      {
        containers: [
          {
            name: "x",
            env: [
              { name: "A", value: "1" },
              { name: "B", value: "2" },
            ],
          },
        ],
      },
    ],
    [
      "$patch: delete removes one element",
      { volumes: [{ name: "v1" }, { name: "v2" }] },
      { volumes: [{ name: "v1", $patch: "delete" }] },
      { volumes: [{ name: "v2" }] },
    ],
    [
      "lists without a merge key are replaced",
      { tolerations: [{ key: "a" }] },
      { tolerations: [{ key: "b" }] },
      { tolerations: [{ key: "b" }] },
    ],
    [
      "$patch: replace on a map replaces it",
      { metadata: { labels: { a: "1", b: "2" } } },
      { metadata: { labels: { c: "3", $patch: "replace" } } },
      { metadata: { labels: { c: "3" } } },
    ],
    [
      "volumeMounts merge by mountPath",
      { containers: [{ name: "x", volumeMounts: [{ mountPath: "/a", name: "v" }] }] },
      { containers: [{ name: "x", volumeMounts: [{ mountPath: "/a", readOnly: true }] }] },
      { containers: [{ name: "x", volumeMounts: [{ mountPath: "/a", name: "v", readOnly: true }] }] },
    ],
  ];
  it.each(cases)("%s", (_name, original, patch, want) => {
    const before = JSON.stringify(original);
    expect(strategicMerge(original, patch)).toEqual(want);
    expect(JSON.stringify(original)).toBe(before);
  });
  it("rejects a patch that is no object, and unknown directives", () => {
    expect(() => strategicMerge({}, [1])).toThrow(StrategicMergeError);
    expect(() => strategicMerge({}, { a: { $patch: "explode" } })).toThrow(/unknown \$patch directive/);
  });
});

describe("subset workload", () => {
  it("names the template kind, in OpenKruise's order", () => {
    expect(subsetWorkloadType(ud("CloneSet"))).toBe("CloneSet");
    expect(subsetWorkloadType(ud("Deployment"))).toBe("Deployment");
    expect(subsetWorkloadType({ spec: { selector: {}, template: {} } })).toBeUndefined();
  });

  it("prefixes with <ud>-<subset>-, or <ud>- when that is no valid name", () => {
    expect(subsetNamePrefix("web", "a")).toBe("web-a-");
    expect(subsetNamePrefix("web", "x".repeat(260))).toBe("web-");
  });

  it("builds a CloneSet: labels, selector, replicas, partition, placement, owner", () => {
    const cs = build(ud("CloneSet"), "CloneSet");
    expect(cs).toMatchObject({ apiVersion: "apps.kruise.io/v1alpha1", kind: "CloneSet" });
    expect(cs.metadata).toMatchObject({
      generateName: "web-a-",
      namespace: "ns",
      labels: {
        app: "web",
        tier: "front",
        "apps.kruise.io/controller-revision-hash": "web-abc",
        "apps.kruise.io/subset-name": "a",
      },
      annotations: { note: "x", "apps.kruise.io/subset-patch": "" },
      ownerReferences: [owner],
    });
    expect(cs.spec?.["selector"]).toEqual({ matchLabels: { app: "web", "apps.kruise.io/subset-name": "a" } });
    expect(cs.spec?.replicas).toBe(2);
    expect(cs.spec?.["updateStrategy"]).toEqual({ partition: 1 });
    const pod = cs.spec?.template;
    expect(pod?.metadata?.labels).toEqual({
      app: "web",
      "apps.kruise.io/subset-name": "a",
      "apps.kruise.io/controller-revision-hash": "web-abc",
    });
    expect(
      pod?.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms,
    ).toEqual([{ matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] }]);
    expect(pod?.spec?.tolerations).toEqual([{ key: "dedicated", operator: "Exists" }]);
  });

  it("ANDs the subset term into every existing required term", () => {
    const u = ud("CloneSet");
    const t = (u.spec?.template?.cloneSetTemplate?.spec.template.spec ?? {}) as Record<string, unknown>;
    t["affinity"] = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: "disk", operator: "In", values: ["ssd"] }] },
            { matchFields: [{ key: "metadata.name", operator: "In", values: ["n1"] }] },
          ],
        },
      },
    };
    const terms = build(u, "CloneSet").spec?.template?.spec?.affinity?.nodeAffinity
      ?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    expect(terms).toEqual([
      {
        matchExpressions: [
          { key: "disk", operator: "In", values: ["ssd"] },
          { key: "zone", operator: "In", values: ["a"] },
        ],
      },
      {
        matchFields: [{ key: "metadata.name", operator: "In", values: ["n1"] }],
        matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }],
      },
    ]);
  });

  it("puts the partition where each kind keeps it", () => {
    expect(build(ud("AdvancedStatefulSet"), "AdvancedStatefulSet").spec?.["updateStrategy"]).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { partition: 1 },
    });
    expect(build(ud("StatefulSet"), "StatefulSet").spec?.["updateStrategy"]).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { partition: 1 },
    });
    expect(
      build(ud("StatefulSet", { updateStrategy: { type: "OnDelete" } }), "StatefulSet").spec?.[
        "updateStrategy"
      ],
    ).toEqual({ type: "OnDelete" });
    expect(build(ud("Deployment"), "Deployment").spec?.["updateStrategy"]).toBeUndefined();
    expect(build(ud("Deployment"), "Deployment")).toMatchObject({
      apiVersion: "apps/v1",
      kind: "Deployment",
    });
  });

  it("applies the subset patch as a strategic merge and records it", () => {
    const patch = { spec: { containers: [{ name: "main", env: [{ name: "ZONE", value: "a" }] }] } };
    const cs = build(ud("CloneSet", {}, { patch }), "CloneSet");
    expect(cs.spec?.template?.spec?.containers[0]?.env).toEqual([
      { name: "A", value: "1" },
      { name: "ZONE", value: "a" },
    ]);
    expect(cs.metadata?.annotations?.["apps.kruise.io/subset-patch"]).toBe(JSON.stringify(patch));
  });

  it("keeps an existing workload's name and metadata when updating it", () => {
    const existing: SubsetWorkloadObject = {
      metadata: {
        name: "web-a-x1",
        resourceVersion: "7",
        labels: { extra: "1" },
        annotations: { keep: "y" },
      },
      spec: { replicas: 9 },
      status: { replicas: 9 },
    };
    const cs = build(ud("CloneSet"), "CloneSet", existing);
    expect(cs.metadata).toMatchObject({
      name: "web-a-x1",
      resourceVersion: "7",
      labels: { extra: "1", app: "web" },
      annotations: { keep: "y", note: "x" },
    });
    expect(cs.metadata?.generateName).toBeUndefined();
    expect(cs.spec?.replicas).toBe(2);
    expect(existing.spec?.replicas).toBe(9);
  });
});

describe("partitions, revision data, update reasons", () => {
  it("caps manual partitions at the subset's next replicas; unlisted subsets get 0", () => {
    expect(nextSubsetPartitions(ud("CloneSet"), { a: 2, b: 5 })).toEqual({ a: 2, b: 1 });
    const none = ud("CloneSet");
    delete none.spec?.updateStrategy;
    expect(nextSubsetPartitions(none, { a: 2, b: 5 })).toEqual({ a: 0, b: 0 });
  });

  it("records the whole subset template as a replace patch; labels only for non-CloneSet templates", () => {
    // The bytes themselves are checked against OpenKruise's in united-revision-golden.test.ts.
    const u = ud("StatefulSet");
    const data = unitedDeploymentRevisionData(u).spec.template;
    expect(data.$patch).toBe("replace");
    expect(data.statefulSetTemplate?.metadata).toEqual({
      ...u.spec?.template?.statefulSetTemplate?.metadata,
      creationTimestamp: null,
    });
    expect(data.statefulSetTemplate?.spec?.template?.spec?.dnsPolicy).toBe("ClusterFirst");
    expect(unitedDeploymentRevisionLabels(u)).toEqual({ app: "web", tier: "front" });
    expect(unitedDeploymentRevisionLabels(ud("CloneSet"))).toEqual({});
  });

  const cs = build(ud("CloneSet"), "CloneSet");
  const view = viewSubset(
    "CloneSet",
    { ...cs, metadata: { ...cs.metadata, name: "web-a-1" }, status: { replicas: 2, readyReplicas: 1 } },
    [],
    "web-abc",
  );
  it.each([
    [{ revision: "web-abc", replicas: 2, partition: 1, patch: "" }, undefined],
    [{ revision: "web-new", replicas: 2, partition: 1, patch: "" }, "revision"],
    [{ revision: "web-abc", replicas: 3, partition: 1, patch: "" }, "replicas"],
    [{ revision: "web-abc", replicas: 2, partition: 0, patch: "" }, "partition"],
    [{ revision: "web-abc", replicas: 2, partition: 1, patch: "{}" }, "patch"],
  ])("update reason for %j is %s", (next, reason) => {
    expect(view && subsetUpdateReason(view, next)).toBe(reason);
  });

  it("reads a CloneSet's percentage partition rounded up", () => {
    const v = viewSubset(
      "CloneSet",
      {
        metadata: { labels: { "apps.kruise.io/subset-name": "a" } },
        spec: { replicas: 3, updateStrategy: { partition: "50%" } },
      },
      [],
      "r",
    );
    expect(v?.specPartition).toBe(2);
  });
});

describe("pending timeout and status", () => {
  const pod = (created: number, extra: Partial<Pod["status"]> = {}): Pod => ({
    metadata: { creationTimestamp: new Date(created).toISOString() },
    spec: { containers: [] },
    status: {
      phase: "Pending",
      conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable" }],
      ...extra,
    },
  });
  it("times out an unschedulable pod after the critical seconds, and says when it would", () => {
    expect(pendingTimeout(pod(0), 30_000, 31_000)).toEqual({ timedOut: true, checkAfterMs: undefined });
    expect(pendingTimeout(pod(0), 30_000, 10_000)).toEqual({ timedOut: false, checkAfterMs: 20_000 });
    // Due now: timed out, never "check again in 0 ms" (which a caller may drop, and then nothing wakes it).
    expect(pendingTimeout(pod(0), 30_000, 30_000)).toEqual({ timedOut: true, checkAfterMs: undefined });
    expect(pendingTimeout(pod(0, { phase: "Running" }), 30_000, 99_000).timedOut).toBe(false);
    expect(pendingTimeout(pod(0, { conditions: [] }), 30_000, 99_000).checkAfterMs).toBeUndefined();
  });

  it("sums the subsets and completes the revision once every pod is updated and ready", () => {
    const mk = (name: string, replicas: number, ready: number, updated: number, updatedReady: number) => ({
      object: {},
      subsetName: name,
      specReplicas: replicas,
      specPartition: 0,
      revision: "r2",
      patch: "",
      statusReplicas: replicas,
      statusReadyReplicas: ready,
      updatedReplicas: updated,
      updatedReadyReplicas: updatedReady,
    });
    const input = {
      previous: { currentRevision: "r1" },
      generation: 3,
      subsetNames: ["a", "b"],
      subsets: new Map([
        ["a", mk("a", 1, 1, 1, 1)],
        ["b", mk("b", 2, 2, 2, 1)],
      ]),
      nextReplicas: { a: 1, b: 2 },
      nextPartitions: { a: 0, b: 0 },
      currentRevision: "r1",
      updatedRevision: "r2",
      collisionCount: 0,
      labelSelector: "app=web",
      conditions: undefined,
    };
    const s = calculateUnitedStatus(input);
    expect(s).toMatchObject({
      observedGeneration: 3,
      replicas: 3,
      readyReplicas: 3,
      updatedReplicas: 3,
      updatedReadyReplicas: 2,
      currentRevision: "r1",
      updatedRevision: "r2",
      subsetReplicas: { a: 1, b: 2 },
      updateStatus: { updatedRevision: "r2", currentPartitions: { a: 0, b: 0 } },
    });
    expect(s.subsetStatuses).toEqual([
      { name: "a", replicas: 1, readyReplicas: 1, partition: 0 },
      { name: "b", replicas: 2, readyReplicas: 2, partition: 0 },
    ]);
    const done = calculateUnitedStatus({
      ...input,
      subsets: new Map([
        ["a", mk("a", 1, 1, 1, 1)],
        ["b", mk("b", 2, 2, 2, 2)],
      ]),
    });
    expect(done.currentRevision).toBe("r2");
  });
});
