// Pure pieces of the app: spec resolution, the claims' retention owners, new pods, status counts.
import { describe, expect, it } from "vitest";
import type { StatefulSet } from "@kruise/api";
import type { Pod } from "kubernetes-types/core/v1.js";
import { wantedClaimOwners } from "../src/claims.ts";
import { statefulSetParams } from "../src/params.ts";
import { newStatefulPod } from "../src/pods.ts";
import { calculateStatus } from "../src/status.ts";

function set(spec: Partial<NonNullable<StatefulSet["spec"]>> = {}): StatefulSet {
  return {
    apiVersion: "apps.kruise.io/v1beta1",
    kind: "StatefulSet",
    metadata: { name: "web", namespace: "ns", uid: "set-uid", generation: 2 },
    spec: {
      replicas: 3,
      serviceName: "svc",
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "i:1" }] } },
      ...spec,
    },
  };
}

describe("statefulSetParams", () => {
  it("defaults as OpenKruise: OrderedReady, maxUnavailable 1, partition 0, ReCreate", () => {
    const p = statefulSetParams(set());
    expect(p).toMatchObject({
      policy: "OrderedReady",
      maxUnavailable: 1,
      partition: 0,
      podUpdatePolicy: "ReCreate",
      slots: [0, 1, 2],
      scaleMaxUnavailable: undefined,
    });
  });
  it("maxUnavailable 50% of 5 rounds down to 2; scaleStrategy only counts with Parallel", () => {
    const p = statefulSetParams(
      set({
        replicas: 5,
        podManagementPolicy: "Parallel",
        updateStrategy: { rollingUpdate: { maxUnavailable: "50%" } },
        scaleStrategy: { maxUnavailable: "40%" },
        reserveOrdinals: [0, "2-3"],
        ordinals: { start: 0 },
      }),
    );
    expect(p.maxUnavailable).toBe(2);
    expect(p.scaleMaxUnavailable).toBe(2);
    expect(p.slots).toEqual([1, 4, 5, 6, 7]);
  });
});

describe("wantedClaimOwners", () => {
  const pod: Pod = { metadata: { name: "web-1", uid: "pod-uid" } };
  const claim = {
    metadata: {
      name: "data-web-1",
      ownerReferences: [{ apiVersion: "x/v1", kind: "Other", name: "o", uid: "other" }],
    },
  };
  it("Retain/Retain: only others' references", () => {
    expect(wantedClaimOwners(claim, set(), pod, true).map((r) => r.uid)).toEqual(["other"]);
  });
  it("whenDeleted Delete: owned by the set; whenScaled Delete: by the pod once condemned", () => {
    const s = set({ persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete", whenScaled: "Delete" } });
    expect(wantedClaimOwners(claim, s, pod, false).map((r) => r.uid)).toEqual(["other", "set-uid"]);
    expect(wantedClaimOwners(claim, s, pod, true).map((r) => r.uid)).toEqual(["other", "set-uid", "pod-uid"]);
  });
});

describe("newStatefulPod", () => {
  it("names, identity labels, hostname/subdomain, claim volumes and owner", () => {
    const s = set();
    const claims = new Map([["data", { metadata: { name: "data-web-2" } }]]);
    const pod = newStatefulPod({
      set: s,
      ordinal: 2,
      revision: "web-abc",
      template: s.spec?.template ?? {},
      claims,
      lifecycle: undefined,
      now: 0,
    });
    expect(pod.metadata?.name).toBe("web-2");
    expect(pod.metadata?.labels).toEqual({
      app: "web",
      "controller-revision-hash": "web-abc",
      "statefulset.kubernetes.io/pod-name": "web-2",
      "apps.kubernetes.io/pod-index": "2",
    });
    expect(pod.spec?.hostname).toBe("web-2");
    expect(pod.spec?.subdomain).toBe("svc");
    expect(pod.spec?.volumes).toEqual([
      { name: "data", persistentVolumeClaim: { claimName: "data-web-2", readOnly: false } },
    ]);
    expect(pod.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: "StatefulSet",
      uid: "set-uid",
      controller: true,
    });
  });
  it("with a preNormal hook not yet satisfied the pod starts PreparingNormal", () => {
    const s = set();
    const pod = newStatefulPod({
      set: s,
      ordinal: 0,
      revision: "r",
      template: s.spec?.template ?? {},
      claims: new Map(),
      lifecycle: { preNormal: { labelsHandler: { ready: "yes" } } },
      now: 0,
    });
    expect(pod.metadata?.labels?.["lifecycle.apps.kruise.io/state"]).toBe("PreparingNormal");
  });
});

describe("calculateStatus", () => {
  const running = (name: string, rev: string, ready = true): Pod => ({
    metadata: { name, labels: { "controller-revision-hash": rev } },
    status: { phase: "Running", conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
  });
  it("counts as Kubernetes does and completes the rollout only when every pod is updated and ready", () => {
    const s = set();
    const base = {
      set: s,
      params: statefulSetParams(s),
      claims: [],
      collisionCount: 0,
      conditions: undefined,
      labelSelector: "app=web",
      now: 0,
    };
    const mid = calculateStatus({
      ...base,
      pods: [running("web-0", "old"), running("web-1", "new", false), running("web-2", "new")],
      currentRevision: "old",
      updateRevision: "new",
    });
    expect(mid).toMatchObject({
      replicas: 3,
      readyReplicas: 2,
      currentReplicas: 1,
      updatedReplicas: 2,
      updatedReadyReplicas: 1,
      currentRevision: "old",
      observedGeneration: 2,
    });
    const done = calculateStatus({
      ...base,
      pods: ["web-0", "web-1", "web-2"].map((n) => running(n, "new")),
      currentRevision: "old",
      updateRevision: "new",
    });
    expect(done).toMatchObject({ currentRevision: "new", currentReplicas: 3, updatedReadyReplicas: 3 });
  });
});
