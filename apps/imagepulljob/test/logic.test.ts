// Pure logic of the ImagePullJob and NodeImage controllers, table-driven.
import { describe, expect, it } from "vitest";
import type { ImagePullJob, NodeImage } from "@kruise/api";
import { imageNameTag } from "../src/image-name.ts";
import { jobProgress, jobStatus, nodePhase, type NodePhase } from "../src/job-status.ts";
import { cleanedSpec } from "../src/nodeimage-reconcile.ts";
import { withJobTag } from "../src/node-image-tag.ts";
import { CloneSetKind } from "@kruise/api";
import {
  changedImages,
  currentToUpdateRollout,
  imagesPlan,
  oneBatchPlan,
  predownloadJob,
} from "../src/predownload.ts";
import { cloneSetPlan } from "../src/predownload-cloneset.ts";
import { daemonSetPlan, daemonSetPredownload } from "../src/predownload-daemonset.ts";
import { statefulSetPlan } from "../src/predownload-statefulset.ts";
import { markUnresponsive, NOT_RESPONDED_MESSAGE } from "../src/unresponsive-tags.ts";

describe("imageNameTag", () => {
  it.each([
    ["nginx:1.25", "docker.io/library/nginx", "1.25"],
    ["nginx", "docker.io/library/nginx", "latest"],
    ["docker.io/library/nginx:1.25", "docker.io/library/nginx", "1.25"],
    ["team/app:v1", "docker.io/team/app", "v1"],
    ["127.0.0.1:5000/app:v1", "127.0.0.1:5000/app", "v1"],
    ["localhost/app", "localhost/app", "latest"],
    ["nginx@sha256:abc", "docker.io/library/nginx", "sha256:abc"],
    ["nginx:1.25@sha256:abc", "docker.io/library/nginx", "sha256:abc"],
  ])("%s → %s %s", (ref, name, tag) => {
    expect(imageNameTag(ref)).toEqual({ name, tag });
  });
});

const job = (spec: Partial<ImagePullJob["spec"]> = {}, status?: ImagePullJob["status"]): ImagePullJob => ({
  metadata: { name: "j", namespace: "ns", uid: "u1" },
  spec: { image: "nginx:1.25", ...spec },
  ...(status === undefined ? {} : { status }),
});
const NAME = { name: "docker.io/library/nginx", tag: "1.25" };

describe("withJobTag and nodePhase", () => {
  it("adds the tag at version 0, then an owner appended bumps the version; status counts only at that version", () => {
    const empty: NodeImage = { metadata: { name: "n1" }, spec: {} };
    const first = withJobTag(empty, job(), NAME, Date.parse("2026-01-01T00:00:00Z"));
    const tag = first.spec?.images?.[NAME.name]?.tags?.[0];
    expect(tag).toMatchObject({
      tag: "1.25",
      version: 0,
      createdAt: "2026-01-01T00:00:00Z",
      imagePullPolicy: "IfNotPresent",
    });
    expect(tag?.pullPolicy).toEqual({ timeoutSeconds: 600, backoffLimit: 3, ttlSecondsAfterFinished: 86400 });
    expect(nodePhase(first, NAME, "u1").phase).toBe("active");
    expect(nodePhase(first, NAME, "other").phase).toBe("unsynced");
    const second = withJobTag(
      first,
      { ...job(), metadata: { name: "k", namespace: "ns", uid: "u2" } },
      NAME,
      0,
    );
    expect(second.spec?.images?.[NAME.name]?.tags?.[0]?.version).toBe(1);
    expect(second.spec?.images?.[NAME.name]?.tags?.[0]?.ownerReferences?.map((o) => o.uid)).toEqual([
      "u1",
      "u2",
    ]);
    const oldSucceeded: NodeImage = {
      ...second,
      status: { imageStatuses: { [NAME.name]: { tags: [{ tag: "1.25", phase: "Succeeded", version: 0 }] } } },
    };
    expect(nodePhase(oldSucceeded, NAME, "u2").phase).toBe("active");
  });
});

describe("jobStatus", () => {
  const phases = (...list: NodePhase[]) => new Map(list.map((p, i) => [`n${i}`, { phase: p }]));
  const now = Date.parse("2026-01-01T00:10:00Z");
  it.each([
    [
      "running",
      job(),
      phases("succeeded", "active", "unsynced"),
      { active: 1, succeeded: 1, message: "job is running, progress 33.0%" },
    ],
    ["complete", job(), phases("succeeded", "succeeded"), { succeeded: 2, message: "job has completed" }],
    [
      "Never does not complete",
      job({ completionPolicy: { type: "Never" } }),
      phases("succeeded"),
      { message: "job is running, progress 100.0%" },
    ],
    [
      "deadline",
      job({ completionPolicy: { activeDeadlineSeconds: 60 } }, { startTime: "2026-01-01T00:00:00Z" }),
      phases("succeeded", "active", "unsynced"),
      { active: 0, succeeded: 1, failed: 2, message: "job exceeds activeDeadlineSeconds" },
    ],
  ])("%s", (_name, j, p, want) => {
    const status = jobStatus(j, jobProgress(p), now);
    expect(status).toMatchObject(want);
    expect(status.completionTime !== undefined).toBe(!String(want.message).startsWith("job is running"));
  });
});

describe("cleanedSpec", () => {
  const ni: NodeImage = {
    metadata: { name: "n1" },
    spec: {
      images: {
        a: {
          tags: [{ tag: "1", version: 0, ownerReferences: [{ uid: "gone", name: "g", namespace: "ns" }] }],
        },
        b: {
          tags: [
            {
              tag: "1",
              version: 0,
              pullPolicy: { ttlSecondsAfterFinished: 10 },
              ownerReferences: [{ uid: "u1", name: "j", namespace: "ns" }],
            },
            {
              tag: "2",
              version: 0,
              pullPolicy: { ttlSecondsAfterFinished: 100 },
              ownerReferences: [{ uid: "u1", name: "j", namespace: "ns" }],
            },
          ],
        },
      },
    },
    status: {
      imageStatuses: {
        b: {
          tags: [
            { tag: "1", phase: "Succeeded", version: 0, completionTime: "2026-01-01T00:00:00Z" },
            { tag: "2", phase: "Succeeded", version: 0, completionTime: "2026-01-01T00:00:00Z" },
          ],
        },
      },
    },
  };
  it("drops tags whose jobs are gone and tags past their TTL, and says when the next one expires", () => {
    const { spec, nextExpiry } = cleanedSpec(
      ni,
      (_ns, _n, uid) => uid === "u1",
      Date.parse("2026-01-01T00:00:20Z"),
    );
    expect(Object.keys(spec.images ?? {})).toEqual(["b"]);
    expect(spec.images?.["b"]?.tags?.map((t) => t.tag)).toEqual(["2"]);
    expect(nextExpiry).toBe(Date.parse("2026-01-01T00:01:40Z"));
  });
});

describe("markUnresponsive", () => {
  const ni: NodeImage = {
    metadata: { name: "n1" },
    spec: {
      images: {
        a: {
          tags: [
            { tag: "old", version: 1, createdAt: "2026-01-01T00:00:00Z" },
            { tag: "answered", version: 0, createdAt: "2026-01-01T00:00:00Z" },
            {
              tag: "deadline",
              version: 0,
              createdAt: "2026-01-01T00:00:00Z",
              pullPolicy: { activeDeadlineSeconds: 600 },
            },
          ],
        },
      },
    },
    status: {
      failed: 0,
      imageStatuses: { a: { tags: [{ tag: "answered", phase: "Pulling", version: 0 }] } },
    },
  };
  it("fails a tag without status at its version 10 min after createdAt (deadline + 10 min when set)", () => {
    const { status, changed, nextDue } = markUnresponsive(ni, Date.parse("2026-01-01T00:11:00Z"));
    expect(changed).toBe(true);
    expect(status.failed).toBe(1);
    expect(status.imageStatuses?.["a"]?.tags?.find((t) => t.tag === "old")).toMatchObject({
      phase: "Failed",
      version: 1,
      message: NOT_RESPONDED_MESSAGE,
    });
    expect(nextDue).toBe(Date.parse("2026-01-01T00:20:00Z"));
    expect(markUnresponsive(ni, Date.parse("2026-01-01T00:05:00Z")).changed).toBe(false);
  });
});

describe("pre-download", () => {
  const revision = (
    name: string,
    image: string,
    labels: Record<string, string> = {},
    containers: Array<{ name: string; image: string }> = [{ name: "web", image }],
  ) => ({
    metadata: { name, namespace: "ns", labels },
    revision: 1,
    data: {
      spec: {
        template: {
          $patch: "replace",
          metadata: { labels: { app: "a" } },
          spec: { containers },
        },
      },
    },
  });
  const cs = (spec: Record<string, unknown> = {}, status: Record<string, unknown> = {}) => ({
    metadata: {
      name: "web",
      namespace: "ns",
      uid: "cs-uid",
      annotations: { "apps.kruise.io/image-predownload-parallelism": "2" } as Record<string, string>,
    },
    spec: {
      replicas: 6,
      selector: { matchLabels: { app: "a" } },
      template: {
        metadata: { labels: { app: "a" } },
        spec: { containers: [{ name: "web", image: "nginx:2" }], imagePullSecrets: [{ name: "regcred" }] },
      },
      updateStrategy: { type: "InPlaceIfPossible", partition: 3 },
      ...spec,
    },
    status: { replicas: 6, currentRevision: "web-1", updateRevision: "web-2", ...status },
  });
  const v1 = revision("web-1", "nginx:1");
  const v2 = revision("web-2", "nginx:2");

  it.each([
    ["an in-place image change behind a partition", {}, {}, { images: { web: "nginx:2" } }],
    ["ReCreate", { updateStrategy: { type: "ReCreate", partition: 3 } }, {}, "ignore"],
    ["3 replicas or fewer", { replicas: 3 }, {}, "ignore"],
    [
      "everything in one batch",
      { updateStrategy: { type: "InPlaceIfPossible", partition: 0, maxUnavailable: "100%" } },
      {},
      "ignore",
    ],
  ])("CloneSet: %s", (_name, spec, status, want) => {
    const plan = cloneSetPlan(cs(spec, status) as never, v2, [v1] as never);
    if (want === "ignore") expect(plan).toHaveProperty("ignore");
    else expect(plan).toEqual(want);
  });

  it("CloneSet: waits for image-predownload-min-updated-ready-pods updated Ready pods", () => {
    const waiting = cs();
    waiting.metadata.annotations["apps.kruise.io/image-predownload-min-updated-ready-pods"] = "2";
    expect(
      cloneSetPlan(
        { ...waiting, status: { ...waiting.status, updatedReadyReplicas: 1 } } as never,
        v2 as never,
        [v1] as never,
      ),
    ).toBe("wait");
    expect(
      cloneSetPlan(
        { ...waiting, status: { ...waiting.status, updatedReadyReplicas: 2 } } as never,
        v2 as never,
        [v1] as never,
      ),
    ).toEqual({ images: { web: "nginx:2" } });
  });

  const sts = (
    rollingUpdate: Record<string, unknown>,
    replicas = 6,
    annotations: Record<string, string> = {},
    updatedReadyReplicas = 0,
  ) => ({
    metadata: { name: "db", namespace: "ns", annotations },
    spec: { replicas, updateStrategy: { type: "RollingUpdate", rollingUpdate } },
    status: { updatedReadyReplicas },
  });
  it.each([
    [
      "InPlaceIfPossible behind a partition",
      sts({ podUpdatePolicy: "InPlaceIfPossible", partition: 3 }),
      { images: { web: "nginx:2" } },
    ],
    ["ReCreate (the default podUpdatePolicy)", sts({ partition: 3 }), "ignore"],
    ["3 replicas or fewer", sts({ podUpdatePolicy: "InPlaceOnly", partition: 1 }, 3), "ignore"],
    [
      "everything in one batch",
      sts({ podUpdatePolicy: "InPlaceIfPossible", maxUnavailable: "100%" }),
      "ignore",
    ],
    [
      "min updated ready pods as a percentage, rounded up",
      sts(
        { podUpdatePolicy: "InPlaceIfPossible", partition: 3 },
        6,
        { "apps.kruise.io/image-predownload-min-updated-ready-pods": "30%" },
        1,
      ),
      "wait",
    ],
  ])("StatefulSet: %s", (_name, set, want) => {
    const plan = statefulSetPlan(set as never, v2, [v1] as never);
    if (want === "ignore") expect(plan).toHaveProperty("ignore");
    else expect(plan).toEqual(want);
  });

  const ds = (rollingUpdate: Record<string, unknown>, status: Record<string, unknown>) => ({
    metadata: { name: "agent", namespace: "ns", generation: 2 },
    spec: { updateStrategy: { type: "RollingUpdate", rollingUpdate } },
    status: { observedGeneration: 2, ...status },
  });
  it.each([
    // Unlike CloneSet and StatefulSet, OpenKruise asks neither for in place nor for more than 3 pods.
    [
      "a partition holding nodes, Standard",
      { rollingUpdateType: "Standard", partition: 2 },
      3,
      { images: { web: "nginx:2" } },
    ],
    ["maxUnavailable 1 of 3 nodes", {}, 3, { images: { web: "nginx:2" } }],
    ["every node in one batch", { maxUnavailable: "100%" }, 3, "ignore"],
    ["one node", {}, 1, "ignore"],
  ])("DaemonSet: %s", (_name, rollingUpdate, nodes, want) => {
    const plan = daemonSetPlan(ds(rollingUpdate, { desiredNumberScheduled: nodes }) as never, v2, [
      v1,
    ] as never);
    if (want === "ignore") expect(plan).toHaveProperty("ignore");
    else expect(plan).toEqual(want);
  });

  it("DaemonSet: the update revision is the one of status' hash; finished when every node runs it", () => {
    const a = revision("agent-aaa", "nginx:1", { "controller-revision-hash": "aaa" });
    const b = revision("agent-bbb", "nginx:2", { "controller-revision-hash": "bbb" });
    const rollout = (status: Record<string, unknown>) =>
      daemonSetPredownload.rollout(ds({}, status) as never, [a, b] as never);
    expect(rollout({ daemonSetHash: "bbb", desiredNumberScheduled: 3, updatedNumberScheduled: 1 })).toEqual({
      update: b,
      old: [a],
    });
    expect(rollout({ daemonSetHash: "bbb", desiredNumberScheduled: 3, updatedNumberScheduled: 3 })).toBe(
      "finished",
    );
    expect(rollout({ daemonSetHash: "ccc", desiredNumberScheduled: 3, updatedNumberScheduled: 0 })).toBe(
      "unknown",
    );
    expect(rollout({ desiredNumberScheduled: 3 })).toBe("unknown");
    expect(
      rollout({
        daemonSetHash: "bbb",
        observedGeneration: 1,
        desiredNumberScheduled: 3,
        updatedNumberScheduled: 1,
      }),
    ).toBe("unknown");
  });

  it("changed images: a container new, or whose image differs from an old revision's", () => {
    const before = revision("r1", "", {}, [
      { name: "web", image: "nginx:1" },
      { name: "log", image: "fluent:1" },
    ]);
    const after = revision("r2", "", {}, [
      { name: "web", image: "nginx:1" },
      { name: "log", image: "fluent:2" },
      { name: "side", image: "envoy:1" },
    ]);
    expect(changedImages(after as never, [before] as never)).toEqual({ log: "fluent:2", side: "envoy:1" });
  });

  it("names the job <revision>-<container>, owned by the workload, for the pods not on the new revision", () => {
    const update = revision("web-2", "nginx:2", {
      "controller.kubernetes.io/hash": "5d8f",
      "controller-revision-hash": "5d8f",
    });
    const job = predownloadJob(CloneSetKind, cs() as never, update as never, "web", "nginx:2");
    expect(job.metadata?.name).toBe("web-2-web");
    expect(job.metadata?.labels).toEqual({ app: "a", "controller.kubernetes.io/hash": "5d8f" });
    expect(job.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: "CloneSet",
      uid: "cs-uid",
      controller: true,
    });
    expect(job.spec).toMatchObject({
      image: "nginx:2",
      parallelism: 2,
      pullSecrets: ["regcred"],
      pullPolicy: { timeoutSeconds: 300, backoffLimit: 1 },
      completionPolicy: { type: "Always", ttlSecondsAfterFinished: 600 },
      podSelector: {
        matchLabels: { app: "a" },
        matchExpressions: [{ key: "controller-revision-hash", operator: "NotIn", values: ["web-2", "5d8f"] }],
      },
    });
  });
});

describe("the pre-download steps every kind shares", () => {
  const rev = (name: string) => ({ metadata: { name } });
  const revisions = [rev("a"), rev("b")];
  it.each([
    ["no names yet", undefined, "unknown"],
    ["only an update name", { updateRevision: "b" }, "unknown"],
    ["the same name twice", { currentRevision: "b", updateRevision: "b" }, "finished"],
    ["a revision not in the cache", { currentRevision: "a", updateRevision: "c" }, "unknown"],
    [
      "current → update",
      { currentRevision: "a", updateRevision: "b" },
      { update: rev("b"), old: [rev("a")] },
    ],
  ])("currentToUpdateRollout: %s", (_name, status, want) => {
    expect(currentToUpdateRollout(status, revisions as never)).toEqual(want);
  });

  it.each([
    ["a partition holds pods back", 6, 2, 6, undefined],
    ["maxUnavailable below the total", 6, 0, "50%", undefined],
    [
      "no partition and maxUnavailable covers all",
      6,
      0,
      "100%",
      { ignore: "every pod updates in one batch" },
    ],
    ["maxUnavailable above the total", 6, 0, 7, { ignore: "every pod updates in one batch" }],
    ["a maxUnavailable that does not parse", 6, 2, "lots", "names maxUnavailable"],
  ])("oneBatchPlan: %s", (_name, total, partition, maxUnavailable, want) => {
    const plan = oneBatchPlan(total, () => partition, maxUnavailable, "pod");
    if (want === "names maxUnavailable")
      expect(typeof plan === "object" && "ignore" in plan ? plan.ignore : "").toMatch(/maxUnavailable/);
    else expect(plan).toEqual(want);
  });

  it("oneBatchPlan: a partition that does not parse is reported before maxUnavailable, and names the unit", () => {
    const bad = () => {
      throw new Error("partition: not a number");
    };
    expect(oneBatchPlan(3, bad, "lots", "node")).toEqual({ ignore: "partition: not a number" });
    expect(oneBatchPlan(3, () => 0, 3, "node")).toEqual({ ignore: "every node updates in one batch" });
  });

  it("imagesPlan: no changed image is an ignore plan", () => {
    expect(imagesPlan({})).toEqual({ ignore: "no image changed" });
    expect(imagesPlan({ web: "nginx:2" })).toEqual({ images: { web: "nginx:2" } });
  });
});
