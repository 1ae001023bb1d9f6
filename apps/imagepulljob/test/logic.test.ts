// Pure logic of the ImagePullJob and NodeImage controllers, table-driven.
import { describe, expect, it } from "vitest";
import type { ImagePullJob, NodeImage } from "@kruise/api";
import { imageNameTag } from "../src/image-name.ts";
import { jobProgress, jobStatus, nodePhase, type NodePhase } from "../src/job-status.ts";
import { cleanedSpec } from "../src/nodeimage-reconcile.ts";
import { withJobTag } from "../src/node-image-tag.ts";
import { imagesToPredownload, predownloadJob } from "../src/predownload.ts";
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
  const revision = (name: string, image: string) => ({
    metadata: { name, namespace: "ns" },
    revision: 1,
    data: {
      spec: {
        template: {
          $patch: "replace",
          metadata: { labels: { app: "a" } },
          spec: { containers: [{ name: "web", image }] },
        },
      },
    },
  });
  const cs = (spec: Record<string, unknown> = {}) => ({
    metadata: {
      name: "web",
      namespace: "ns",
      uid: "cs-uid",
      annotations: { "apps.kruise.io/image-predownload-parallelism": "2" },
    },
    spec: {
      replicas: 6,
      selector: { matchLabels: { app: "a" } },
      template: {
        metadata: { labels: { app: "a" } },
        spec: { containers: [{ name: "web", image: "nginx:2" }] },
      },
      updateStrategy: { type: "InPlaceIfPossible", partition: 3 },
      ...spec,
    },
    status: { replicas: 6, currentRevision: "web-1", updateRevision: "web-2" },
  });
  it.each([
    ["an in-place image change behind a partition", {}, { web: "nginx:2" }],
    ["ReCreate", { updateStrategy: { type: "ReCreate", partition: 3 } }, undefined],
    ["3 replicas or fewer", { replicas: 3 }, undefined],
    [
      "everything in one batch",
      { updateStrategy: { type: "InPlaceIfPossible", partition: 0, maxUnavailable: "100%" } },
      undefined,
    ],
  ])("%s", (_name, spec, want) => {
    expect(
      imagesToPredownload(
        cs(spec) as never,
        revision("web-1", "nginx:1") as never,
        revision("web-2", "nginx:2") as never,
      ),
    ).toEqual(want);
  });
  it("names the job <revision>-<container>, owned by the CloneSet, for the pods not on the new revision", () => {
    const job = predownloadJob(cs() as never, "web-2", "web", "nginx:2");
    expect(job.metadata?.name).toBe("web-2-web");
    expect(job.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: "CloneSet",
      uid: "cs-uid",
      controller: true,
    });
    expect(job.spec).toMatchObject({
      image: "nginx:2",
      parallelism: 2,
      pullPolicy: { timeoutSeconds: 300, backoffLimit: 1 },
      completionPolicy: { type: "Always", ttlSecondsAfterFinished: 600 },
      podSelector: {
        matchLabels: { app: "a" },
        matchExpressions: [{ key: "controller-revision-hash", operator: "NotIn", values: ["web-2"] }],
      },
    });
  });
});
