// Pure logic of the containermeta agent: which pods and events it looks at, which runtime container a status entry
// is, what it reports, and when a container is stopped for its env from metadata (the real CRI and kubelet are
// exercised by apps/cloneset/test/env-from-metadata-real-node.e2e.test.ts).
import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1.js";
import { RUNTIME_CONTAINERS_META_ANNOTATION, type RuntimeContainerMetaSet } from "@kruise/api";
import { expectedEnvFromMetadataHash } from "@kruise/workload";
import type { RuntimeContainer } from "../src/cri/runtime-service.ts";
import {
  isKruisePod,
  latestByName,
  needsEnvRestart,
  parseEnvOutput,
  planContainerMetas,
  runtimeType,
  worthSyncing,
} from "../src/container-meta-plan.ts";

const env = [{ name: "VERSION", valueFrom: { fieldRef: { fieldPath: "metadata.labels['version']" } } }];

function pod(opts: { version?: string; ready?: "True" | "False"; meta?: RuntimeContainerMetaSet } = {}): Pod {
  const p: Pod = {
    metadata: {
      name: "p",
      namespace: "ns",
      uid: "u1",
      labels: { version: opts.version ?? "v1" },
      annotations: {},
      ownerReferences: [
        { apiVersion: "apps.kruise.io/v1alpha1", kind: "CloneSet", name: "cs", uid: "c", controller: true },
      ],
    },
    spec: {
      containers: [
        { name: "app", image: "app:1", env },
        { name: "side", image: "side:1" },
      ],
    },
    status: {
      conditions: [{ type: "InPlaceUpdateReady", status: opts.ready ?? "True" }],
      containerStatuses: [
        { name: "app", containerID: "containerd://a1", image: "", imageID: "", ready: true, restartCount: 0 },
        {
          name: "side",
          containerID: "containerd://s1",
          image: "",
          imageID: "",
          ready: true,
          restartCount: 0,
        },
      ],
    },
  };
  if (opts.meta !== undefined)
    p.metadata!.annotations![RUNTIME_CONTAINERS_META_ANNOTATION] = JSON.stringify(opts.meta);
  return p;
}

const hashOf = (version: string) =>
  expectedEnvFromMetadataHash({ name: "app", env }, { labels: { version } });
const sideHash = expectedEnvFromMetadataHash({ name: "side" }, {});
const reported = (version: string, appId = "containerd://a1"): RuntimeContainerMetaSet => ({
  containers: [
    {
      name: "app",
      containerID: appId,
      restartCount: 0,
      hashes: { plainHash: 1, extractedEnvFromMetadataHash: hashOf(version) },
    },
    {
      name: "side",
      containerID: "containerd://s1",
      restartCount: 0,
      hashes: { plainHash: 2, extractedEnvFromMetadataHash: sideHash },
    },
  ],
});

const runtime = (
  id: string,
  name: string,
  createdAt: bigint,
  extra: Partial<RuntimeContainer> = {},
): RuntimeContainer => ({
  id,
  name,
  state: "CONTAINER_RUNNING",
  createdAt,
  labels: {},
  annotations: { "io.kubernetes.container.hash": "ff", "io.kubernetes.container.restartCount": "3" },
  ...extra,
});

describe("which pods and events the agent looks at", () => {
  it("Kruise workloads' pods and SidecarSet-injected ones only", () => {
    expect(isKruisePod(pod())).toBe(true);
    const deployment = pod();
    deployment.metadata!.ownerReferences = [
      { apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", uid: "r", controller: true },
    ];
    expect(isKruisePod(deployment)).toBe(false);
    deployment.metadata!.annotations!["kruise.io/sidecarset-hash"] = "{}";
    expect(isKruisePod(deployment)).toBe(true);
    const notController = pod();
    notController.metadata!.ownerReferences![0]!.controller = false;
    expect(isKruisePod(notController)).toBe(false);
  });

  const cases: [string, Parameters<typeof worthSyncing>[0], boolean, boolean?][] = [
    [
      "a pod in the first list without a report: left until it changes",
      { type: "add", object: pod() },
      false,
    ],
    ["a pod with a report that matches", { type: "add", object: pod({ meta: reported("v1") }) }, false],
    ["an update of a pod without a report", { type: "update", object: pod(), oldObject: pod() }, true],
    [
      "a container restarted (another containerID)",
      { type: "update", object: pod({ meta: reported("v1", "containerd://a0") }), oldObject: pod() },
      true,
    ],
    [
      "a referenced label changed",
      {
        type: "update",
        object: pod({ version: "v2", meta: reported("v1") }),
        oldObject: pod({ meta: reported("v1") }),
      },
      true,
    ],
    [
      "a referenced label changed, gate off",
      {
        type: "update",
        object: pod({ version: "v2", meta: reported("v1") }),
        oldObject: pod({ meta: reported("v1") }),
      },
      false,
      false,
    ],
    [
      "nothing the report depends on changed",
      {
        type: "update",
        object: pod({ ready: "False", meta: reported("v1") }),
        oldObject: pod({ meta: reported("v1") }),
      },
      false,
    ],
    ["a delete", { type: "delete", object: pod() }, true],
  ];
  it.each(cases)("%s", (_name, event, want, gate = true) => {
    expect(worthSyncing(event, gate)).toBe(want);
  });
});

describe("what the agent reports", () => {
  it("the newest runtime container per name, the runtime type of the pod's ids", () => {
    const latest = latestByName([
      runtime("a0", "app", 1n),
      runtime("a1", "app", 5n),
      runtime("s1", "side", 2n),
    ]);
    expect([...latest.values()].map((c) => c.id)).toEqual(["a1", "s1"]);
    expect(runtimeType(pod())).toBe("containerd");
    const none = pod();
    none.status!.containerStatuses!.forEach((s) => delete s.containerID);
    expect(runtimeType(none)).toBeUndefined();
  });

  it("keeps the entry of a container it already reported, starts a new one from the runtime's annotations", () => {
    const latest = latestByName([runtime("a2", "app", 9n), runtime("s1", "side", 2n)]);
    const entries = planContainerMetas(pod(), latest, reported("v1"), "containerd");
    expect(entries.map((e) => e.meta)).toEqual([
      { name: "app", containerID: "containerd://a2", restartCount: 3, hashes: { plainHash: 255 } },
      reported("v1").containers[1],
    ]);
  });

  it("leaves out a status entry the runtime does not list", () => {
    const entries = planContainerMetas(
      pod(),
      latestByName([runtime("s1", "side", 2n)]),
      undefined,
      "containerd",
    );
    expect(entries.map((e) => e.meta.name)).toEqual(["side"]);
  });

  it("reads env output", () => {
    expect(parseEnvOutput("PATH=/bin\nVERSION=v=2\n\nNOEQUALS\n")).toEqual(
      new Map([
        ["PATH", "/bin"],
        ["VERSION", "v=2"],
      ]),
    );
  });
});

describe("when a container is stopped for its env from metadata", () => {
  const cases: [string, Pod, Partial<RuntimeContainer>, boolean][] = [
    [
      "updating in place, the value changed",
      pod({ version: "v2", ready: "False", meta: reported("v1") }),
      {},
      true,
    ],
    ["not being updated (InPlaceUpdateReady True)", pod({ version: "v2", meta: reported("v1") }), {}, false],
    [
      "updating, the value already the new one",
      pod({ version: "v2", ready: "False", meta: reported("v2") }),
      {},
      false,
    ],
    [
      "updating, the container not running",
      pod({ version: "v2", ready: "False", meta: reported("v1") }),
      { state: "CONTAINER_EXITED" },
      false,
    ],
  ];
  it.each(cases)("%s", (_name, p, state, want) => {
    const latest = latestByName([runtime("a1", "app", 1n, state), runtime("s1", "side", 1n)]);
    const meta = JSON.parse(
      p.metadata!.annotations![RUNTIME_CONTAINERS_META_ANNOTATION]!,
    ) as RuntimeContainerMetaSet;
    const [app, side] = planContainerMetas(p, latest, meta, "containerd");
    expect(needsEnvRestart(p, app!)).toBe(want);
    expect(needsEnvRestart(p, side!)).toBe(false);
  });

  it("not before the started values are known", () => {
    const p = pod({ version: "v2", ready: "False" });
    const [app] = planContainerMetas(p, latestByName([runtime("a1", "app", 1n)]), undefined, "containerd");
    expect(needsEnvRestart(p, app!)).toBe(false);
  });
});
