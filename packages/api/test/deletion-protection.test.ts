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
  kubectl(["delete", "-f", policyFile, "--ignore-not-found"]);
});

function createProtected(name: string, protection: string, replicas: number): void {
  const obj = cloneSet(name, { replicas }) as { metadata: Record<string, unknown> };
  obj.metadata.labels = { [DELETE_PROTECTION_LABEL]: protection };
  const r = kubectl(["apply", "-n", ns, "-f", "-"], JSON.stringify(obj));
  if (r.status !== 0) throw new Error(r.stderr);
}

/** A new policy takes a moment to be compiled and served; until then deletes are let through, so probe first. */
async function deleteWhenPolicyActive(name: string): Promise<KubectlResult> {
  let last: KubectlResult = { status: 1, stdout: "", stderr: "not run" };
  for (let attempt = 0; attempt < 60; attempt++) {
    last = kubectl(["delete", "cloneset", name, "-n", ns, "--dry-run=server"]);
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

  it("lets unlabelled CloneSets be deleted", () => {
    expect(kubectl(["apply", "-n", ns, "-f", "-"], JSON.stringify(cloneSet("plain"))).status).toBe(0);
    expect(kubectl(["delete", "cloneset", "plain", "-n", ns]).status).toBe(0);
  });
});
