// Existing OpenKruise YAML applies unchanged and reads back as written plus the schema defaults.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { applyDefaults, crdSources, GROUP } from "../src/index.ts";
import { createTestNamespace } from "@kruise/testenv/vitest";
import { kubectl, repoRoot, waitCrdsEstablished } from "./support/env.ts";
import { cloneSet } from "./support/manifests.ts";

interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: unknown;
}

// The first user's manifests, copied unchanged from shared/scenarios/seed-walkthrough.
const seedDir = join(repoRoot, "examples", "walkthrough");
const examplesDir = join(repoRoot, "examples");
const seedFiles = readdirSync(seedDir)
  .filter((f) => f.endsWith(".yaml"))
  .sort();
const exampleFiles = readdirSync(examplesDir)
  .filter((f) => f.endsWith(".yaml"))
  .sort();

let ns: string;
const clusterScoped: string[] = [];

beforeAll(async () => {
  ns = await createTestNamespace("api-compat");
});
// The test namespace is removed by testenv; cluster-scoped samples are ours to remove.
afterAll(() => {
  for (const ref of clusterScoped) kubectl(["delete", ref, "--ignore-not-found", "--wait=false"]);
});

/** The file's text with its namespace moved into the test's own namespace; nothing else changes. */
function inTestNamespace(text: string): string {
  return text.replace(/^(\s+)namespace: default$/m, `$1namespace: ${ns}`);
}

function readBack(obj: KubeObject): KubeObject {
  const namespaced =
    obj.metadata.namespace !== undefined ||
    crdSources.find((s) => s.kind === obj.kind)?.scope === "Namespaced";
  const args = [
    "get",
    `${obj.kind.toLowerCase()}s.${obj.apiVersion.split("/")[1] ?? ""}.${GROUP}`,
    obj.metadata.name,
    "-o",
    "json",
  ];
  const r = kubectl(namespaced ? [...args, "-n", ns] : args);
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout) as KubeObject;
}

describe("CRD installation", () => {
  it("installs all nine CRDs and they become Established", async () => {
    await waitCrdsEstablished();
    const r = kubectl(["get", "crd", "-o", "jsonpath={.items[*].metadata.name}"]);
    const names = r.stdout.split(" ").filter((n) => n.endsWith(`.${GROUP}`));
    expect(names.sort()).toEqual(crdSources.map((s) => `${s.plural}.${GROUP}`).sort());
  });
});

describe("the first user's walkthrough manifests", () => {
  it.each(seedFiles)("%s passes admission exactly as written (server dry run)", (file) => {
    const r = kubectl(["apply", "--dry-run=server", "-f", join(seedDir, file)]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("apply one after another, including 03's podsToDelete naming a pod that does not exist", () => {
    for (const file of seedFiles) {
      const r = kubectl(["apply", "-f", "-"], inTestNamespace(readFileSync(join(seedDir, file), "utf8")));
      expect(r.stderr, file).toBe("");
    }
    const last = parse(
      inTestNamespace(readFileSync(join(seedDir, seedFiles.at(-1) ?? ""), "utf8")),
    ) as KubeObject;
    const stored = readBack(last);
    expect(stored.spec).toEqual(applyDefaults("CloneSet", last).spec);
  });
});

describe("pod template defaults as OpenKruise's webhook writes them", () => {
  it("the walkthrough's CloneSet reads back with them (kubectl get -o yaml shows what OpenKruise stores)", () => {
    // Under its own name: the walkthrough's later steps change "demo".
    const text = inTestNamespace(readFileSync(join(seedDir, "01-deploy.yaml"), "utf8")).replace(
      /^(\s+)name: demo$/m,
      "$1name: demo-defaults",
    );
    expect(kubectl(["apply", "-f", "-"], text).stderr).toBe("");
    const first = parse(text) as KubeObject;
    const stored = readBack(first) as KubeObject & { spec: { template: unknown } };
    // OpenKruise's stored template after its webhook, less the creationTimestamp: null a schema cannot write.
    expect(stored.spec.template).toEqual({
      metadata: { labels: { app: "cs" } },
      spec: {
        containers: [
          {
            image: "nginx:alpine",
            imagePullPolicy: "IfNotPresent",
            name: "nginx",
            ports: [{ containerPort: 80, protocol: "TCP" }],
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
    });
  });

  it("a container that sets no imagePullPolicy pulls Always, whatever its tag; probes and volumes get theirs", () => {
    const obj = cloneSet("pull-policy") as unknown as KubeObject & { spec: { template: { spec: unknown } } };
    obj.spec.template.spec = {
      initContainers: [{ name: "init", image: "busybox:1.36" }],
      containers: [
        {
          name: "main",
          image: "nginx:1.25",
          readinessProbe: { httpGet: { port: 80 } },
          env: [{ name: "POD", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }],
        },
      ],
      volumes: [{ name: "cfg", configMap: { name: "cm" } }],
    };
    expect(kubectl(["apply", "-n", ns, "-f", "-"], JSON.stringify(obj)).stderr).toBe("");
    const spec = (readBack({ ...obj, metadata: { name: "pull-policy", namespace: ns } }) as typeof obj).spec
      .template.spec as {
      initContainers: Record<string, unknown>[];
      containers: Record<string, unknown>[];
      volumes: Record<string, unknown>[];
    };
    expect(spec.containers[0]).toMatchObject({
      imagePullPolicy: "Always",
      readinessProbe: {
        httpGet: { port: 80, path: "/", scheme: "HTTP" },
        timeoutSeconds: 1,
        periodSeconds: 10,
        successThreshold: 1,
        failureThreshold: 3,
      },
      env: [{ name: "POD", valueFrom: { fieldRef: { fieldPath: "metadata.name", apiVersion: "v1" } } }],
    });
    // An init container's policy follows its tag (Kubernetes' rule), which a schema cannot express: the
    // controller applies it in memory and the pod's own defaulting writes it.
    expect(spec.initContainers[0]?.imagePullPolicy).toBeUndefined();
    expect(spec.initContainers[0]?.terminationMessagePolicy).toBe("File");
    expect(spec.volumes[0]).toEqual({ name: "cfg", configMap: { name: "cm", defaultMode: 420 } });
  });
});

describe("examples/", () => {
  it("has one sample per CRD", () => {
    const kinds = exampleFiles
      .map((f) => (parse(readFileSync(join(examplesDir, f), "utf8")) as KubeObject).kind)
      .sort();
    expect(kinds).toEqual(crdSources.map((s) => s.kind).sort());
  });

  it.each(exampleFiles)("%s applies and reads back as written plus defaults", (file) => {
    const text = inTestNamespace(readFileSync(join(examplesDir, file), "utf8"));
    const obj = parse(text) as KubeObject;
    if (obj.metadata.namespace === undefined)
      clusterScoped.push(`${obj.kind.toLowerCase()}s.${GROUP}/${obj.metadata.name}`);
    const r = kubectl(["apply", "-f", "-"], text);
    expect(r.stderr).toBe("");
    expect(readBack(obj).spec).toEqual(applyDefaults(obj.kind, obj).spec);
  });
});

describe("read-back", () => {
  it("prunes unknown fields like the apiserver does for a structural schema, but keeps the schemaless pod template", () => {
    const obj = cloneSet("pruned") as unknown as KubeObject & { spec: Record<string, unknown> };
    obj.spec.notAField = true;
    obj.spec.updateStrategy = { type: "InPlaceIfPossible", unknownKnob: 3 };
    (obj.spec.template as { spec: Record<string, unknown> }).spec.someFutureField = "kept";
    const r = kubectl(["apply", "-n", ns, "--validate=false", "-f", "-"], JSON.stringify(obj));
    expect(r.stderr).toBe("");
    const stored = readBack({ ...obj, metadata: { name: "pruned", namespace: ns } }) as {
      spec: Record<string, unknown>;
    };
    expect(stored.spec.notAField).toBeUndefined();
    expect(stored.spec.updateStrategy).toEqual({
      type: "InPlaceIfPossible",
      partition: 0,
      maxUnavailable: "20%",
      maxSurge: 0,
    });
    expect((stored.spec.template as { spec: Record<string, unknown> }).spec.someFutureField).toBe("kept");
  });

  it("serves one Advanced StatefulSet as v1beta1 and as v1alpha1, its lossy subset", () => {
    const file = join(examplesDir, "v1beta1", "statefulset.yaml");
    const obj = parse(inTestNamespace(readFileSync(file, "utf8"))) as KubeObject;
    expect(kubectl(["apply", "-f", "-"], inTestNamespace(readFileSync(file, "utf8"))).stderr).toBe("");
    const beta = readBack(obj) as KubeObject & { spec: Record<string, unknown> };
    const alpha = readBack({ ...obj, apiVersion: `${GROUP}/v1alpha1` }) as KubeObject & {
      spec: Record<string, unknown>;
    };
    expect(alpha.apiVersion).toBe(`${GROUP}/v1alpha1`);
    expect(beta.spec.reserveOrdinals).toEqual([1]);
    const { reserveOrdinals: _dropped, ...alphaSpec } = beta.spec;
    expect(alpha.spec).toEqual(alphaSpec);
  });

  it("applies a StatefulSet written as v1alpha1, and a v1alpha1 write drops the v1beta1-only fields", () => {
    const name = "alpha-written";
    const manifest = (apiVersion: string, extra: Record<string, unknown>) =>
      JSON.stringify({
        apiVersion,
        kind: "StatefulSet",
        metadata: { name, namespace: ns },
        spec: {
          replicas: 2,
          serviceName: name,
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: { app: name } },
            spec: { containers: [{ name: "main", image: "nginx" }] },
          },
          ...extra,
        },
      });
    expect(kubectl(["apply", "-f", "-"], manifest(`${GROUP}/v1beta1`, { reserveOrdinals: [0] })).stderr).toBe(
      "",
    );
    const ref = { apiVersion: `${GROUP}/v1beta1`, kind: "StatefulSet", metadata: { name, namespace: ns } };
    expect((readBack(ref).spec as { reserveOrdinals?: unknown }).reserveOrdinals).toEqual([0]);
    const r = kubectl(["replace", "-f", "-"], manifest(`${GROUP}/v1alpha1`, { replicas: 3 }));
    expect(r.stderr).toBe("");
    const after = readBack(ref).spec as { replicas: number; reserveOrdinals?: unknown };
    expect(after.replicas).toBe(3);
    expect(after.reserveOrdinals).toBeUndefined();
  });
});
