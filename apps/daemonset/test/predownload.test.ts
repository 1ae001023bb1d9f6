import type { DaemonSet } from "@kruise/api";
import type { BusEvent } from "@kruise/sdk";
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { describe, expect, it } from "vitest";
import { FailedPodBackoff, resolveDaemonStrategy, templateRevisionData } from "@kruise/workload";
import type { DaemonSetDeps } from "../src/deps.ts";
import { requestImagePredownload } from "../src/predownload.ts";

const template = (image: string, env = false) => ({
  metadata: { labels: { app: "d" } },
  spec: { containers: [{ name: "main", image, ...(env ? { env: [{ name: "A", value: "1" }] } : {}) }] },
});

function ds(rollingUpdate: Record<string, unknown>, image = "nginx:2", hash?: string): DaemonSet {
  return {
    metadata: { name: "d", namespace: "ns", uid: "uid-1" },
    spec: {
      selector: { matchLabels: { app: "d" } },
      template: template(image),
      updateStrategy: { type: "RollingUpdate", rollingUpdate },
    },
    ...(hash ? { status: { daemonSetHash: hash } } : {}),
  };
}

const oldRevision = (image: string, env = false): ControllerRevision => ({
  metadata: { name: "d-old", labels: { "controller-revision-hash": "old" } },
  data: templateRevisionData(template(image, env), { webhookDefaults: false }),
  revision: 1,
});
const pods: Pod[] = [0, 1, 2].map((i) => ({
  metadata: { name: `p${i}`, labels: { app: "d", "controller-revision-hash": "old" } },
}));

function run(d: DaemonSet, old = oldRevision("nginx:1")): BusEvent[] {
  const sent: BusEvent[] = [];
  const deps = {
    backoff: new FailedPodBackoff(),
    publish: (e: BusEvent) => sent.push(e),
  } as unknown as DaemonSetDeps;
  requestImagePredownload(deps, d, resolveDaemonStrategy(d, 3), "new", [old], pods);
  return sent;
}

describe("image pre-download request", () => {
  it("asks for the new images on the nodes still old when an in-place revision is held by a partition", () => {
    const [event, ...rest] = run(ds({ rollingUpdateType: "InPlaceIfPossible", partition: 2 }));
    expect(rest).toEqual([]);
    expect(event?.event).toBe("image-predownload-requested");
    expect(event?.id).toBe("uid-1.new.image-predownload-requested");
    expect(event?.data).toEqual({
      revision: "new",
      images: { main: "nginx:2" },
      podSelector: {
        matchLabels: { app: "d" },
        matchExpressions: [{ key: "controller-revision-hash", operator: "NotIn", values: ["new"] }],
      },
      partition: 2,
    });
  });

  it.each<[string, DaemonSet, ControllerRevision?]>([
    ["no partition", ds({ rollingUpdateType: "InPlaceIfPossible" })],
    ["Standard", ds({ partition: 2 })],
    ["already recorded", ds({ rollingUpdateType: "InPlaceIfPossible", partition: 2 }, "nginx:2", "new")],
    [
      "more than images changed",
      ds({ rollingUpdateType: "InPlaceIfPossible", partition: 2 }),
      oldRevision("nginx:1", true),
    ],
  ])("sends nothing: %s", (_name, d, old) => {
    expect(run(d, old)).toEqual([]);
  });
});
