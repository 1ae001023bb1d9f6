import { describe, expect, it } from "vitest";
import { applyDefaults, CloneSetKind, type CloneSet } from "../src/index.ts";

const template = { metadata: { labels: { app: "a" } }, spec: { containers: [{ name: "c", image: "i" }] } };
// A CloneSet's template also gets the pod defaults OpenKruise's webhook writes.
const cloneSetTemplate = {
  metadata: { labels: { app: "a" } },
  spec: {
    containers: [
      {
        name: "c",
        image: "i",
        imagePullPolicy: "Always",
        resources: {},
        terminationMessagePath: "/dev/termination-log",
        terminationMessagePolicy: "File",
      },
    ],
    dnsPolicy: "ClusterFirst",
    restartPolicy: "Always",
    schedulerName: "default-scheduler",
    securityContext: {},
    terminationGracePeriodSeconds: 30,
  },
};

describe("applyDefaults", () => {
  it.each<[string, string, object, object]>([
    [
      "CloneSet with nothing set gets OpenKruise's webhook defaults",
      "CloneSet",
      { selector: { matchLabels: { app: "a" } }, template },
      {
        replicas: 1,
        revisionHistoryLimit: 10,
        scaleStrategy: {},
        updateStrategy: { type: "ReCreate", partition: 0, maxUnavailable: "20%", maxSurge: 0 },
        template: cloneSetTemplate,
      },
    ],
    [
      "CloneSet values already set are kept",
      "CloneSet",
      { replicas: 0, updateStrategy: { type: "InPlaceOnly", maxUnavailable: 2 }, selector: {}, template },
      {
        replicas: 0,
        revisionHistoryLimit: 10,
        scaleStrategy: {},
        updateStrategy: { type: "InPlaceOnly", partition: 0, maxUnavailable: 2, maxSurge: 0 },
        template: cloneSetTemplate,
      },
    ],
    [
      "StatefulSet",
      "StatefulSet",
      { selector: {}, template },
      {
        replicas: 1,
        podManagementPolicy: "OrderedReady",
        revisionHistoryLimit: 10,
        updateStrategy: {
          type: "RollingUpdate",
          rollingUpdate: { partition: 0, maxUnavailable: 1, podUpdatePolicy: "ReCreate" },
        },
      },
    ],
    [
      "DaemonSet",
      "DaemonSet",
      { selector: {}, template },
      {
        burstReplicas: 250,
        revisionHistoryLimit: 10,
        updateStrategy: {
          type: "RollingUpdate",
          rollingUpdate: { maxUnavailable: 1, maxSurge: 0, rollingUpdateType: "Standard", partition: 0 },
        },
      },
    ],
    [
      "BroadcastJob",
      "BroadcastJob",
      { template },
      { parallelism: 2147483647, completionPolicy: { type: "Always" }, failurePolicy: { type: "FailFast" } },
    ],
    [
      "ImagePullJob",
      "ImagePullJob",
      { image: "nginx" },
      {
        image: "nginx",
        parallelism: 1,
        pullPolicy: { timeoutSeconds: 600, backoffLimit: 3 },
        completionPolicy: { type: "Always" },
        imagePullPolicy: "IfNotPresent",
      },
    ],
    [
      "AdvancedCronJob defaults the nested BroadcastJob template too",
      "AdvancedCronJob",
      { schedule: "@hourly", template: { broadcastJobTemplate: { spec: { template } } } },
      {
        schedule: "@hourly",
        concurrencyPolicy: "Allow",
        paused: false,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 1,
        template: {
          broadcastJobTemplate: {
            spec: {
              template,
              parallelism: 2147483647,
              completionPolicy: { type: "Always" },
              failurePolicy: { type: "FailFast" },
            },
          },
        },
      },
    ],
    [
      "SidecarSet defaults inside list items",
      "SidecarSet",
      { selector: {}, containers: [{ name: "s", image: "i" }] },
      {
        selector: {},
        revisionHistoryLimit: 10,
        containers: [
          {
            name: "s",
            image: "i",
            podInjectPolicy: "BeforeAppContainer",
            upgradeStrategy: { upgradeType: "ColdUpgrade" },
            shareVolumePolicy: { type: "disabled" },
          },
        ],
        updateStrategy: { type: "RollingUpdate", partition: 0, maxUnavailable: 1 },
      },
    ],
  ])("%s", (_name, kind, spec, expected) => {
    expect(applyDefaults(kind, { spec }).spec).toEqual({ ...spec, ...expected });
  });

  it("accepts a Kind descriptor and never modifies its input", () => {
    const input: CloneSet = { spec: { selector: {}, template } };
    const frozen = structuredClone(input);
    const out = applyDefaults(CloneSetKind, input);
    expect(input).toEqual(frozen);
    expect(out.spec?.updateStrategy?.maxUnavailable).toBe("20%");
  });

  it("names the known kinds when given an unknown one", () => {
    expect(() => applyDefaults("Deployment", { spec: {} })).toThrow(/unknown kind "Deployment".*CloneSet/);
  });
});
