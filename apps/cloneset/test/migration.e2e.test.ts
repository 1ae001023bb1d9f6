// A switch from OpenKruise restarts no pod: a CloneSet, its ControllerRevision and its pods, made exactly as
// OpenKruise's kruise-manager makes them (revision name and labels, ownerReferences under apps.kruise.io
// v1alpha1 and v1beta1, lifecycle state, readiness gates and their conditions, the in-place update state),
// are adopted by our controller with zero writes to any pod; then a template change rolls out normally.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestNamespace, getTestEnv, waitFor } from "@kruise/testenv/vitest";
import type { CloneSet } from "@kruise/api";
import type { Pod } from "kubernetes-types/core/v1.js";
import { controllerKubeconfig } from "./support/controller-identity.ts";
import { startInProcessController, type InProcessController } from "./support/in-process.ts";
import { active, getCloneSet, getPods, isReady, k } from "./support/kube.ts";

interface Case {
  readonly title: string;
  /** The template as OpenKruise stores it after its webhook. */
  readonly template: Record<string, unknown>;
  readonly revisionName: string;
  /** The revision's data, byte for byte as OpenKruise wrote it. */
  readonly data: string;
}

// The walkthrough's 01-deploy.yaml as OpenKruise stores it after its webhook, and the revision it names
// (measured under kruise-manager at commit 07169cfac: demo-5c5f449787).
const walkthrough: Case = {
  title: "the walkthrough's CloneSet",
  template: JSON.parse(
    '{"metadata":{"creationTimestamp":null,"labels":{"app":"cs"}},"spec":{"containers":[{"image":"nginx:alpine","imagePullPolicy":"IfNotPresent","name":"nginx","ports":[{"containerPort":80,"protocol":"TCP"}],"resources":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],"dnsPolicy":"ClusterFirst","restartPolicy":"Always","schedulerName":"default-scheduler","securityContext":{},"terminationGracePeriodSeconds":30}}',
  ) as Record<string, unknown>,
  revisionName: "demo-5c5f449787",
  data: `{"spec":{"template":{"$patch":"replace","metadata":{"creationTimestamp":null,"labels":{"app":"cs"}},"spec":{"containers":[{"image":"nginx:alpine","imagePullPolicy":"IfNotPresent","name":"nginx","ports":[{"containerPort":80,"protocol":"TCP"}],"resources":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],"dnsPolicy":"ClusterFirst","restartPolicy":"Always","schedulerName":"default-scheduler","securityContext":{},"terminationGracePeriodSeconds":30}}}}`,
};

// A shell command with "&&" and "<...>": Go escapes them in the bytes it hashes. Golden values from
// tools/revision-hash (packages/workload/test/fixtures/revision-hash).
const goldenShell = (
  JSON.parse(
    readFileSync(
      new URL("../../../packages/workload/test/fixtures/revision-hash/golden.json", import.meta.url),
      "utf8",
    ),
  ) as {
    cases: { name: string; defaultedTemplate: Record<string, unknown>; revisionName: string; data: string }[];
  }
).cases.find((c) => c.name.startsWith("shell command"));
if (goldenShell === undefined) throw new Error("golden case 'shell command' missing");
const shell: Case = {
  title: "a CloneSet whose command has && and <...>",
  template: goldenShell.defaultedTemplate,
  revisionName: goldenShell.revisionName,
  data: goldenShell.data,
};

const IDS = ["x7k2p", "b9q4m", "t5w8z"];

describe.each([walkthrough, shell])("switching from OpenKruise: $title", (c) => {
  const HASH = c.revisionName.slice("demo-".length);
  const REVISION = c.revisionName;
  const STORED_TEMPLATE = c.template;
  const REVISION_DATA = c.data;
  let ns = "";
  let controller: InProcessController | undefined;

  beforeAll(async () => {
    ns = await createTestNamespace("cs-migration");
  });
  afterAll(async () => {
    await controller?.stop();
  });

  function ownerRef(apiVersion: string, uid: string): Record<string, unknown> {
    return { apiVersion, kind: "CloneSet", name: "demo", uid, controller: true, blockOwnerDeletion: true };
  }

  /** A pod as OpenKruise's CloneSet controller creates it, after its pod webhook injected KruisePodReady. */
  function openKruisePod(id: string, ownerApiVersion: string, uid: string, inPlaceUpdated: boolean): object {
    const spec = structuredClone(STORED_TEMPLATE.spec) as Record<string, unknown>;
    spec.readinessGates = [{ conditionType: "InPlaceUpdateReady" }, { conditionType: "KruisePodReady" }];
    return {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: `demo-${id}`,
        generateName: "demo-",
        namespace: ns,
        labels: {
          app: "cs",
          "controller-revision-hash": REVISION,
          "pod-template-hash": HASH,
          "apps.kruise.io/cloneset-instance-id": id,
          "lifecycle.apps.kruise.io/state": "Normal",
        },
        annotations: {
          "lifecycle.apps.kruise.io/timestamp": "2026-11-30T10:00:00Z",
          ...(inPlaceUpdated
            ? {
                "apps.kruise.io/inplace-update-state": JSON.stringify({
                  revision: REVISION,
                  updateTimestamp: "2026-11-30T10:05:00Z",
                  lastContainerStatuses: { nginx: { imageID: "docker.io/library/nginx@sha256:0ld" } },
                  updateImages: true,
                }),
              }
            : {}),
        },
        ownerReferences: [ownerRef(ownerApiVersion, uid)],
      },
      spec,
    };
  }

  const pods = async (): Promise<Pod[]> => active(await getPods(ns, "app=cs"));
  const podWrites = (): string[] =>
    (controller?.writes ?? [])
      .filter((w) => w.kind === "Pod" && w.code < 400)
      .map((w) => `${w.verb} ${w.name ?? ""}${w.subresource !== undefined ? `/${w.subresource}` : ""}`);

  it("adopts OpenKruise's CloneSet, revision and pods with zero writes to any pod", async () => {
    const cs = {
      apiVersion: "apps.kruise.io/v1alpha1",
      kind: "CloneSet",
      metadata: { name: "demo", namespace: ns, annotations: { team: "web" } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: "cs" } },
        template: STORED_TEMPLATE,
        updateStrategy: { type: "InPlaceIfPossible" },
      },
    };
    await k(["create", "-f", "-"], JSON.stringify(cs));
    const uid = (await getCloneSet(ns, "demo")).metadata?.uid ?? "";
    const revision = {
      apiVersion: "apps/v1",
      kind: "ControllerRevision",
      metadata: {
        name: REVISION,
        namespace: ns,
        labels: { app: "cs", "controller.kubernetes.io/hash": HASH },
        annotations: { team: "web" },
        ownerReferences: [ownerRef("apps.kruise.io/v1beta1", uid)],
      },
      data: JSON.parse(REVISION_DATA) as unknown,
      revision: 1,
    };
    await k(["create", "-f", "-"], JSON.stringify(revision));
    for (const [i, id] of IDS.entries()) {
      // OpenKruise 1.8 wrote v1alpha1 owner references; 1.9 and later write v1beta1.
      const pod = openKruisePod(
        id,
        i === 0 ? "apps.kruise.io/v1beta1" : "apps.kruise.io/v1alpha1",
        uid,
        i === 1,
      );
      await k(["create", "-f", "-"], JSON.stringify(pod));
    }
    // The kubelet runs them; OpenKruise had set both readiness-gate conditions True.
    await waitFor("pods running", async () => {
      const ps = await pods();
      return ps.length === 3 && ps.every((p) => p.status?.phase === "Running") ? ps : undefined;
    });
    for (const id of IDS) {
      const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
      const conditions = ["InPlaceUpdateReady", "KruisePodReady"].map((type) => ({
        type,
        status: "True",
        lastTransitionTime: now,
      }));
      await k([
        "patch",
        "pod",
        `demo-${id}`,
        "-n",
        ns,
        "--subresource=status",
        "--type=strategic",
        "-p",
        JSON.stringify({ status: { conditions } }),
      ]);
    }
    const before = await waitFor("pods ready", async () => {
      const ps = await pods();
      return ps.length === 3 && ps.every(isReady) ? ps : undefined;
    });

    controller = await startInProcessController({
      kubeconfig: await controllerKubeconfig(getTestEnv(), ns),
      namespace: ns,
    });
    const adopted = await waitFor("status names OpenKruise's revision", async () => {
      const c = await getCloneSet(ns, "demo");
      const st = c.status;
      return st?.observedGeneration === c.metadata?.generation &&
        st?.updateRevision === REVISION &&
        st.currentRevision === REVISION &&
        st.updatedReadyReplicas === 3
        ? c
        : undefined;
    });
    expect(adopted.status?.replicas).toBe(3);
    // Let any straggling write land before counting.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(podWrites()).toEqual([]);
    expect((controller.writes ?? []).filter((w) => w.kind === "ControllerRevision")).toEqual([]);
    const after = await pods();
    expect(after.map((p) => p.metadata?.uid).sort()).toEqual(before.map((p) => p.metadata?.uid).sort());
    expect(after.map((p) => p.metadata?.resourceVersion).sort()).toEqual(
      before.map((p) => p.metadata?.resourceVersion).sort(),
    );
  });

  it("then a template change rolls the adopted pods out in place", async () => {
    const before = await pods();
    await k([
      "patch",
      "clonesets.apps.kruise.io",
      "demo",
      "-n",
      ns,
      "--type=json",
      "-p",
      JSON.stringify([
        { op: "replace", path: "/spec/template/spec/containers/0/image", value: "nginx:1.27" },
      ]),
    ]);
    const updated: CloneSet = await waitFor(
      "rolled out",
      async () => {
        const c = await getCloneSet(ns, "demo");
        const st = c.status;
        return st?.updateRevision !== REVISION &&
          st?.updatedReadyReplicas === 3 &&
          st.currentRevision === st.updateRevision
          ? c
          : undefined;
      },
      90_000,
    );
    const after = await pods();
    expect(after.map((p) => p.metadata?.uid).sort()).toEqual(before.map((p) => p.metadata?.uid).sort());
    expect(after.every((p) => p.spec?.containers[0]?.image === "nginx:1.27")).toBe(true);
    expect(new Set(after.map((p) => p.metadata?.labels?.["controller-revision-hash"]))).toEqual(
      new Set([updated.status?.updateRevision]),
    );
  });
});
