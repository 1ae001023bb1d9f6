// Pods the API server refuses (issue 14, defects 1-3): no write loop, stable condition text, retries with backoff
// that converge once the cause is gone, and bounded work per reconcile whatever replicas says.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestNamespace, getTestEnv, waitFor } from "@kruise/testenv/vitest";
import { controllerKubeconfig } from "./support/controller-identity.ts";
import { startInProcessController, type InProcessController } from "./support/in-process.ts";
import { active, getCloneSet, getPods, k } from "./support/kube.ts";
import { MAX_CREATES_PER_RECONCILE } from "../src/limits.ts";

let ns = "";
let controller: InProcessController | undefined;

beforeAll(async () => {
  ns = await createTestNamespace("cs-refused");
  controller = await startInProcessController({
    kubeconfig: await controllerKubeconfig(getTestEnv(), ns),
    namespace: ns,
  });
});
afterAll(async () => {
  await controller?.stop();
});

const cloneSet = (name: string, replicas: number): string =>
  JSON.stringify({
    apiVersion: "apps.kruise.io/v1alpha1",
    kind: "CloneSet",
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "main", image: "nginx:1.25-alpine" }] },
      },
    },
  });

/** Pod Security "restricted" refuses the nginx pods (they run as root): a refusal that can be taken back. */
const restrict = async (on: boolean): Promise<void> => {
  await k([
    "label",
    "namespace",
    ns,
    on ? "pod-security.kubernetes.io/enforce=restricted" : "pod-security.kubernetes.io/enforce-",
    "--overwrite",
  ]);
};

const writesOf = (name: string, from: number) =>
  (controller?.writes ?? []).slice(from).filter((w) => w.name === name || w.name?.startsWith(`${name}-`));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("a CloneSet whose pods the API server refuses", () => {
  it("retries with backoff and a stable FailedScale message, never in a loop", async () => {
    await restrict(true);
    try {
      const start = controller?.writes.length ?? 0;
      await k(["apply", "-f", "-"], cloneSet("restricted", 2));
      await waitFor("the FailedScale condition", async () =>
        (await getCloneSet(ns, "restricted")).status?.conditions?.find((c) => c.type === "FailedScale"),
      );
      const first = (await getCloneSet(ns, "restricted")).status?.conditions?.find(
        (c) => c.type === "FailedScale",
      );
      expect(first?.message).toMatch(/forbidden/);
      expect(first?.message).toContain('"restricted-<id>"'); // the random pod name is not in the text
      await sleep(20_000);
      const writes = writesOf("restricted", start);
      const creates = writes.filter((w) => w.kind === "Pod" && w.verb === "create").length;
      const statusWrites = writes.filter((w) => w.kind === "CloneSet" && w.subresource === "status").length;
      // Before the fix: about 10 pod POSTs and 10 status PATCHes a second (about 200 each here).
      expect(creates, JSON.stringify(writes.map((w) => [w.verb, w.kind, w.subresource]))).toBeLessThanOrEqual(
        16,
      );
      expect(statusWrites).toBeLessThanOrEqual(2);
      const later = (await getCloneSet(ns, "restricted")).status?.conditions?.find(
        (c) => c.type === "FailedScale",
      );
      expect(later?.message).toBe(first?.message);
    } finally {
      await restrict(false);
      await k(["delete", "clonesets.apps.kruise.io", "restricted", "-n", ns, "--wait=false"]);
    }
  });

  it("creates its pods once the refusal is gone, with nothing else touching it", async () => {
    await restrict(true);
    await k(["apply", "-f", "-"], cloneSet("quota", 2));
    await waitFor("the FailedScale condition", async () =>
      (await getCloneSet(ns, "quota")).status?.conditions?.find((c) => c.type === "FailedScale"),
    );
    await sleep(3_000); // let the backoff grow a little
    await restrict(false);
    // Before the fix the CloneSet stayed at 0 pods until something touched it.
    await waitFor("2 pods", async () => active(await getPods(ns, "app=quota")).length === 2, 45_000, 500);
    await waitFor(
      "FailedScale cleared",
      async () =>
        (await getCloneSet(ns, "quota")).status?.conditions?.every((c) => c.type !== "FailedScale") ?? true,
    );
    await k(["delete", "clonesets.apps.kruise.io", "quota", "-n", ns, "--wait=false"]);
  });

  it("replicas: 1000000000 creates at most one bounded batch per reconcile and keeps the controller alive", async () => {
    await restrict(true);
    const start = controller?.writes.length ?? 0;
    const heapBefore = process.memoryUsage().heapUsed;
    try {
      await k(["apply", "-f", "-"], cloneSet("huge", 1_000_000_000));
      await waitFor("the refusal", async () =>
        (await getCloneSet(ns, "huge")).status?.conditions?.find((c) => c.type === "FailedScale"),
      );
      await sleep(5_000);
      const creates = writesOf("huge", start).filter((w) => w.kind === "Pod" && w.verb === "create").length;
      expect(creates).toBeLessThanOrEqual(MAX_CREATES_PER_RECONCILE);
      // Before the fix the process died building a billion pods in memory.
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(512 * 1024 * 1024);
    } finally {
      await k(["delete", "clonesets.apps.kruise.io", "huge", "-n", ns, "--wait=false"]);
      await restrict(false);
    }
  });
});
