// subset-status-changed, the one builder CloneSet and Advanced StatefulSet publish through.
import { BUS_PARTIES, SUBSET_STATUS_PUBLISHERS } from "@kruise/api";
import { describe, expect, it } from "vitest";
import { subsetStatusChangedEvent } from "../src/index.ts";

const owned = {
  metadata: {
    name: "web-a-x7k2p",
    namespace: "prod",
    uid: "cs-uid",
    labels: { "apps.kruise.io/subset-name": "a" },
    ownerReferences: [
      {
        apiVersion: "apps.kruise.io/v1alpha1",
        kind: "UnitedDeployment",
        name: "web",
        uid: "ud-uid",
        controller: true,
      },
    ],
  },
};
const status = {
  observedGeneration: 3,
  replicas: 2,
  readyReplicas: 1,
  updatedReplicas: 2,
  updatedReadyReplicas: 1,
  updateRevision: "web-a-x7k2p-abc",
};

describe("subsetStatusChangedEvent", () => {
  it("names the owner UnitedDeployment and carries the status counts as written", () => {
    expect(subsetStatusChangedEvent("CloneSet", owned, status)).toEqual({
      kind: "CloneSet",
      namespace: "prod",
      name: "web-a-x7k2p",
      event: "subset-status-changed",
      id: "cs-uid.3.subset-status-changed",
      data: {
        uid: "cs-uid",
        owner: { kind: "UnitedDeployment", name: "web", uid: "ud-uid" },
        subsetName: "a",
        ...status,
      },
    });
  });

  it.each([
    ["no owner", { metadata: { ...owned.metadata, ownerReferences: [] } }],
    [
      "another controller",
      {
        metadata: {
          ...owned.metadata,
          ownerReferences: [
            { apiVersion: "apps/v1", kind: "Deployment", name: "x", uid: "u", controller: true },
          ],
        },
      },
    ],
    [
      "a UnitedDeployment that is only an owner, not the controller",
      {
        metadata: {
          ...owned.metadata,
          ownerReferences: [{ ...owned.metadata.ownerReferences[0]!, controller: false }],
        },
      },
    ],
  ])("nothing for a workload with %s", (_name, workload) => {
    expect(subsetStatusChangedEvent("CloneSet", workload, status)).toBeUndefined();
  });

  it("is published on subjects the UnitedDeployment controller consumes", () => {
    for (const kind of SUBSET_STATUS_PUBLISHERS)
      expect(BUS_PARTIES.uniteddeployment.consumes).toContain(
        `kruise.${kind.toLowerCase()}.*.*.subset-status-changed`,
      );
  });
});
