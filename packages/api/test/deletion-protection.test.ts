// The deletion-protection ValidatingAdmissionPolicy in crds/policies/: OpenKruise's rule without a webhook.
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createTestNamespace } from "@kruise/testenv/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DELETE_PROTECTION_LABEL } from "../src/index.ts";
import { kubectl, repoRoot, type KubectlResult } from "./support/env.ts";
import { cloneSet } from "./support/manifests.ts";

const policyFile = join(repoRoot, "crds/policies/deletion-protection.yaml");
let ns: string;

beforeAll(async () => {
  ns = await createTestNamespace("api-delete-protection");
  const applied = kubectl(["apply", "-f", policyFile]);
  if (applied.status !== 0) throw new Error(applied.stderr);
});
// Unprotect what is left, so the namespace can be cleaned up, and leave the shared control plane as found.
afterAll(() => {
  kubectl(["label", "cloneset", "--all", "-n", ns, `${DELETE_PROTECTION_LABEL}-`]);
  for (const kind of ["deployment", "replicaset", "statefulset.apps", "service", "ingress"])
    kubectl(["label", kind, "--all", "-n", ns, `${DELETE_PROTECTION_LABEL}-`]);
  kubectl(["label", "namespace", `${ns}-protected`, `${DELETE_PROTECTION_LABEL}-`]);
  kubectl(["delete", "namespace", `${ns}-protected`, "--wait=false", "--ignore-not-found"]);
  kubectl(["delete", "-f", policyFile, "--ignore-not-found"]);
});

function createProtected(name: string, protection: string, replicas: number): void {
  const obj = cloneSet(name, { replicas }) as { metadata: Record<string, unknown> };
  obj.metadata.labels = { [DELETE_PROTECTION_LABEL]: protection };
  const r = kubectl(["apply", "-n", ns, "-f", "-"], JSON.stringify(obj));
  if (r.status !== 0) throw new Error(r.stderr);
}

/** A new policy takes a moment to be compiled and served; until then deletes are let through, so probe first. */
async function deleteWhenPolicyActive(
  name: string,
  resource = "cloneset",
  namespaced = true,
): Promise<KubectlResult> {
  let last: KubectlResult = { status: 1, stdout: "", stderr: "not run" };
  for (let attempt = 0; attempt < 60; attempt++) {
    last = kubectl(["delete", resource, name, ...(namespaced ? ["-n", ns] : []), "--dry-run=server"]);
    if (last.status !== 0) return last;
    await sleep(500);
  }
  return last;
}

describe("deletion protection (policy.kruise.io/delete-protection)", () => {
  it("Always forbids deleting the CloneSet, naming the label", async () => {
    createProtected("always", "Always", 1);
    const r = await deleteWhenPolicyActive("always");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`${DELETE_PROTECTION_LABEL}=Always forbids deleting CloneSet always`);
  });

  it("Cascading forbids deleting while replicas > 0, and allows it at 0", async () => {
    createProtected("cascading", "Cascading", 2);
    const denied = await deleteWhenPolicyActive("cascading");
    expect(denied.stderr).toContain("while spec.replicas is 2; scale it to 0 first");
    expect(kubectl(["scale", "cloneset", "cascading", "-n", ns, "--replicas=0"]).status).toBe(0);
    const allowed = kubectl(["delete", "cloneset", "cascading", "-n", ns]);
    expect(allowed.stderr).toBe("");
    expect(allowed.status).toBe(0);
  });

  // The kinds OpenKruise also protects, by manifest: `Always` needs no lookup, `Cascading` reads spec.replicas.
  const podSpec = { containers: [{ name: "c", image: "nginx:1" }] };
  const workload = (kind: string, name: string, replicas: number, protection: string): object => ({
    apiVersion: "apps/v1",
    kind,
    metadata: { name, labels: { [DELETE_PROTECTION_LABEL]: protection } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: podSpec },
      ...(kind === "StatefulSet" ? { serviceName: name } : {}),
    },
  });
  it.each<[string, string, object]>([
    ["deployment", "dep-always", workload("Deployment", "dep-always", 0, "Always")],
    ["replicaset", "rs-always", workload("ReplicaSet", "rs-always", 0, "Always")],
    ["statefulset.apps", "sts-always", workload("StatefulSet", "sts-always", 0, "Always")],
    [
      "service",
      "svc-always",
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "svc-always", labels: { [DELETE_PROTECTION_LABEL]: "Always" } },
        spec: { ports: [{ port: 80 }] },
      },
    ],
    [
      "ingress",
      "ing-always",
      {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: { name: "ing-always", labels: { [DELETE_PROTECTION_LABEL]: "Always" } },
        spec: { defaultBackend: { service: { name: "svc-always", port: { number: 80 } } } },
      },
    ],
  ])("Always forbids deleting a %s", async (resource, name, manifest) => {
    expect(kubectl(["apply", "-n", ns, "-f", "-"], JSON.stringify(manifest)).stderr).toBe("");
    const r = await deleteWhenPolicyActive(name, resource);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`${DELETE_PROTECTION_LABEL}=Always forbids deleting`);
  });

  it("Cascading forbids deleting a Deployment while replicas > 0", async () => {
    const manifest = workload("Deployment", "dep-cascading", 1, "Cascading");
    expect(kubectl(["apply", "-n", ns, "-f", "-"], JSON.stringify(manifest)).stderr).toBe("");
    const denied = await deleteWhenPolicyActive("dep-cascading", "deployment");
    expect(denied.stderr).toContain("while spec.replicas is 1; scale it to 0 first");
    expect(kubectl(["scale", "deployment", "dep-cascading", "-n", ns, "--replicas=0"]).status).toBe(0);
    expect(kubectl(["delete", "deployment", "dep-cascading", "-n", ns]).status).toBe(0);
  });

  it("Always forbids deleting a Namespace; Cascading does not block one (it would need a lookup)", async () => {
    const protectedNs = `${ns}-protected`;
    expect(kubectl(["create", "namespace", protectedNs]).status).toBe(0);
    expect(kubectl(["label", "namespace", protectedNs, `${DELETE_PROTECTION_LABEL}=Always`]).status).toBe(0);
    const r = await deleteWhenPolicyActive(protectedNs, "namespace", false);
    expect(r.stderr).toContain(`${DELETE_PROTECTION_LABEL}=Always forbids deleting Namespace ${protectedNs}`);
    expect(
      kubectl(["label", "namespace", protectedNs, `${DELETE_PROTECTION_LABEL}=Cascading`, "--overwrite"])
        .status,
    ).toBe(0);
    await sleep(200);
    expect(kubectl(["delete", "namespace", protectedNs, "--dry-run=server"]).status).toBe(0);
  });

  it("Always forbids deleting a CRD", async () => {
    const crd = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "protecteds.example.kruise.io", labels: { [DELETE_PROTECTION_LABEL]: "Always" } },
      spec: {
        group: "example.kruise.io",
        names: { plural: "protecteds", singular: "protected", kind: "Protected" },
        scope: "Namespaced",
        versions: [
          { name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object" } } },
        ],
      },
    };
    expect(kubectl(["apply", "-f", "-"], JSON.stringify(crd)).stderr).toBe("");
    const r = await deleteWhenPolicyActive("protecteds.example.kruise.io", "crd", false);
    expect(r.stderr).toContain(`${DELETE_PROTECTION_LABEL}=Always forbids deleting CustomResourceDefinition`);
    kubectl(["label", "crd", "protecteds.example.kruise.io", `${DELETE_PROTECTION_LABEL}-`]);
    expect(kubectl(["delete", "crd", "protecteds.example.kruise.io"]).status).toBe(0);
  });

  it("lets unlabelled CloneSets be deleted", () => {
    expect(kubectl(["apply", "-n", ns, "-f", "-"], JSON.stringify(cloneSet("plain"))).status).toBe(0);
    expect(kubectl(["delete", "cloneset", "plain", "-n", ns]).status).toBe(0);
  });
});
