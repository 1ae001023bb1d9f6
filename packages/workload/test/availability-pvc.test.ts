import type { PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1.js";
import { describe, expect, it } from "vitest";
import {
  claimsForInstance,
  claimsOfPod,
  claimsToCreate,
  isPodAvailable,
  isWorkloadPodAvailable,
  nextAvailableAt,
  requeueAfterForAvailability,
  volumesWithClaims,
} from "../src/index.ts";
import { NOW, pod } from "./helpers.ts";

describe("availability", () => {
  // k8s podutil.IsPodAvailable: ready for strictly more than minReadySeconds.
  it.each([
    ["not ready", pod({ phase: "Running" }), 0, false],
    ["ready, no minReadySeconds", pod({ ready: true, readyForSeconds: 0 }), 0, true],
    ["ready 5s of 10s", pod({ ready: true, readyForSeconds: 5 }), 10, false],
    ["ready exactly 10s of 10s", pod({ ready: true, readyForSeconds: 10 }), 10, false],
    ["ready 11s of 10s", pod({ ready: true, readyForSeconds: 11 }), 10, true],
  ] as Array<[string, Pod, number, boolean]>)("%s → %s", (_n, p, minReady, expected) => {
    expect(isPodAvailable(p, minReady, NOW)).toBe(expected);
  });

  // cloneset_sync_utils.go IsPodAvailable: lifecycle state must be Normal (or absent), InPlaceUpdateReady not False.
  it.each([
    ["Normal and ready", pod({ ready: true, state: "Normal" }), true],
    ["no state label", pod({ ready: true }), true],
    ["PreparingUpdate", pod({ ready: true, state: "PreparingUpdate" }), false],
    ["PreparingNormal", pod({ ready: true, state: "PreparingNormal" }), false],
    ["not Running", pod({ ready: true, phase: "Pending" }), false],
  ] as Array<[string, Pod, boolean]>)("workload availability: %s → %s", (_n, p, expected) => {
    expect(isWorkloadPodAvailable(p, 0, NOW)).toBe(expected);
  });

  it("InPlaceUpdateReady=False makes a pod unavailable", () => {
    const p = pod({ ready: true });
    p.status!.conditions!.push({ type: "InPlaceUpdateReady", status: "False" });
    expect(isWorkloadPodAvailable(p, 0, NOW)).toBe(false);
  });

  // cloneset_controller.go requeues after minReadySeconds; here exactly when the next pod becomes available.
  it("says when the next pod becomes available", () => {
    const list = [
      pod({ ready: true, readyForSeconds: 3 }),
      pod({ ready: true, readyForSeconds: 7 }),
      pod({ ready: true, readyForSeconds: 60 }),
      pod({ phase: "Running" }),
    ];
    expect(nextAvailableAt(list, 10, NOW)).toBe(NOW + 3000 + 1);
    expect(requeueAfterForAvailability(list, 10, NOW)).toBe(3001);
    const later = NOW + 3001;
    expect(isPodAvailable(list[1]!, 10, later)).toBe(true);
    expect(nextAvailableAt(list, 0, NOW)).toBeUndefined();
  });
});

const owner = {
  apiVersion: "apps.kruise.io/v1alpha1",
  kind: "CloneSet",
  name: "demo",
  uid: "u1",
  controller: true,
};
const vct: PersistentVolumeClaim = {
  metadata: { name: "data", labels: { t: "1" } },
  spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
};
const claim = (id: string, name = `data-demo-${id}`): PersistentVolumeClaim => ({
  metadata: { name, labels: { "apps.kruise.io/cloneset-instance-id": id } },
});
const podWithId = (id: string, extra: Parameters<typeof pod>[0] = {}): Pod =>
  pod({ name: `demo-${id}`, labels: { "apps.kruise.io/cloneset-instance-id": id }, ...extra });

describe("PVC templates", () => {
  // cloneset_utils.go GetPersistentVolumeClaims: <template>-<cloneset>-<id>, selector labels + instance id, owned by the CloneSet.
  it("names and labels a claim per template", () => {
    const claims = claimsForInstance({
      templates: [vct],
      workloadName: "demo",
      namespace: "ns",
      instanceId: "x7k2p",
      selectorLabels: { app: "demo" },
      owner,
    });
    const c = claims.get("data")!;
    expect(c.metadata).toMatchObject({
      name: "data-demo-x7k2p",
      namespace: "ns",
      labels: { t: "1", app: "demo", "apps.kruise.io/cloneset-instance-id": "x7k2p" },
      ownerReferences: [owner],
    });
    expect(c.spec).toEqual(vct.spec);
  });

  // cloneset_utils.go UpdateStorage: claim volumes replace template volumes of the same name.
  it("injects claim volumes into the pod", () => {
    const claims = claimsForInstance({
      templates: [vct],
      workloadName: "demo",
      namespace: "ns",
      instanceId: "abcde",
    });
    const volumes = volumesWithClaims(
      [
        { name: "data", emptyDir: {} },
        { name: "cache", emptyDir: {} },
      ],
      claims,
    );
    expect(volumes).toEqual([
      { name: "data", persistentVolumeClaim: { claimName: "data-demo-abcde", readOnly: false } },
      { name: "cache", emptyDir: {} },
    ]);
  });

  it("creates only missing claims and deletes a pod's claims with it", () => {
    const claims = claimsForInstance({
      templates: [vct, { metadata: { name: "logs" } }],
      workloadName: "demo",
      namespace: "ns",
      instanceId: "abcde",
    });
    expect(claimsToCreate(claims, [claim("abcde")]).map((c) => c.metadata?.name)).toEqual([
      "logs-demo-abcde",
    ]);
    expect(
      claimsOfPod(podWithId("abcde"), [claim("abcde"), claim("zzzzz")]).map((c) => c.metadata?.name),
    ).toEqual(["data-demo-abcde"]);
  });
});
