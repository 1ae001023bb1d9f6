// Advanced DaemonSet image pre-download end to end (gate PreDownloadImageForDaemonSetUpdate): the DaemonSet controller
// (its own process) rolls out a new image held by a partition, and the ImagePullJob it gets pulls the image, through
// each node's own containerd, on the nodes whose pods are not updated yet.
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTROLLER_REVISION_HASH_LABEL, DaemonSetKind, ImagePullJobKind } from "@kruise/api";
import { ControllerRevisionKind, NamespaceKind, PodKind } from "@kruise/sdk";
import { waitFor } from "@kruise/testenv/vitest";
import { PREDOWNLOAD_CREATED_LABEL } from "../src/predownload.ts";
import { daemonSetPredownload } from "../src/predownload-daemonset.ts";
import { criSupport, startCluster, tagStatus, type Cluster } from "./support.ts";

const support = await criSupport();
const NGINX = "docker.io/library/nginx";
const ns = "ipj-predl-ds";
let cluster: Cluster;

describe.skipIf(!support.ok)("Advanced DaemonSet image pre-download", { timeout: 300_000 }, () => {
  beforeAll(async () => {
    cluster = await startCluster({ nodes: 3, realNodes: 0, predownload: [daemonSetPredownload] });
    await cluster.client.create(NamespaceKind, { metadata: { name: ns } });
    cluster.startWorkloadController("daemonset");
  }, 300_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it("a partition holding 2 of 3 nodes: the job pulls the new image on the 2 nodes of the old pods, and goes with the rollout", async () => {
    const { client } = cluster;
    const labels = { app: "predl-ds" };
    await client.create(DaemonSetKind, {
      apiVersion: "apps.kruise.io/v1beta1",
      kind: "DaemonSet",
      metadata: { name: "predl", namespace: ns },
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: "web", image: "nginx:1.25" }], terminationGracePeriodSeconds: 1 },
        },
        updateStrategy: {
          type: "RollingUpdate",
          rollingUpdate: { rollingUpdateType: "InPlaceIfPossible", partition: 2, maxUnavailable: 1 },
        },
      },
    });
    const get = () => client.get(DaemonSetKind, "predl", ns);
    await waitFor(
      "a Ready pod on each of the 3 nodes",
      async () => {
        const ds = await get();
        return ds.status?.numberReady === 3 && ds.status.updatedNumberScheduled === 3;
      },
      120_000,
      500,
    );
    const ds = await get();
    await client.patch(DaemonSetKind, "predl", ns, "merge", {
      spec: { template: { spec: { containers: [{ name: "web", image: "nginx:mainline-alpine" }] } } },
    });

    const job = await waitFor(
      "the pre-download job to complete",
      async () => {
        const jobs = (await client.list(ImagePullJobKind, { namespace: ns })).items.filter((j) =>
          j.metadata?.ownerReferences?.some((o) => o.uid === ds.metadata?.uid && o.controller === true),
        );
        return jobs.length === 1 && jobs[0]?.status?.completionTime !== undefined ? jobs[0] : undefined;
      },
      180_000,
      500,
    );
    await waitFor(
      "the partition to hold: 1 node updated",
      async () => (await get()).status?.updatedNumberScheduled === 1,
      120_000,
      500,
    );
    const hash = (await get()).status?.daemonSetHash ?? "";
    const revisions = (await client.list(ControllerRevisionKind, { namespace: ns })).items;
    const update = revisions.find(
      (r: ControllerRevision) => r.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash,
    );
    expect(job.metadata?.name).toBe(`${update?.metadata?.name ?? "?"}-web`);
    expect(update?.metadata?.labels?.[PREDOWNLOAD_CREATED_LABEL]).toBe("true");
    expect(job.spec).toMatchObject({ image: "nginx:mainline-alpine", parallelism: 1 });
    expect(job.spec.podSelector?.matchExpressions).toContainEqual(
      expect.objectContaining({ key: CONTROLLER_REVISION_HASH_LABEL, operator: "NotIn" }),
    );

    // The job's nodes are those of the two pods the partition keeps old: each has the image, in its NodeImage and
    // in its containerd.
    const pods = (await client.list(PodKind, { namespace: ns, labelSelector: "app=predl-ds" })).items;
    const oldNodes = pods
      .filter((p) => p.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL] !== hash)
      .map((p) => p.spec?.nodeName ?? "")
      .sort();
    expect(oldNodes).toHaveLength(2);
    expect(job.status).toMatchObject({ desired: 2, succeeded: 2, failed: 0 });
    for (const node of oldNodes) {
      expect((await tagStatus(client, node, NGINX, "mainline-alpine"))?.phase, node).toBe("Succeeded");
      const images = JSON.parse(await cluster.crictl(node, "images", "-o", "json")) as {
        images: Array<{ repoTags: string[] }>;
      };
      expect(
        images.images.some((i) => i.repoTags.includes(`${NGINX}:mainline-alpine`)),
        node,
      ).toBe(true);
    }

    await client.patch(DaemonSetKind, "predl", ns, "merge", {
      spec: { updateStrategy: { rollingUpdate: { partition: 0 } } },
    });
    await waitFor(
      "every node updated and the job gone with the rollout",
      async () => {
        const now = await get();
        const jobs = (await client.list(ImagePullJobKind, { namespace: ns })).items;
        return now.status?.updatedNumberScheduled === 3 && jobs.length === 0;
      },
      180_000,
      500,
    );
  });
});
