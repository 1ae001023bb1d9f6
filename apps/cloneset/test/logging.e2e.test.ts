// CloneSet's log lines can be tied to one object and one reconcile: they carry controller, namespace, name and
// reconcileID (the SDK's per-reconcile logger), like controller-runtime's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pino from "pino";
import { createTestNamespace, getTestEnv, waitFor } from "@kruise/testenv/vitest";
import { controllerKubeconfig } from "./support/controller-identity.ts";
import { startInProcessController, type InProcessController } from "./support/in-process.ts";
import { k } from "./support/kube.ts";

interface LogLine {
  msg?: string;
  controller?: string;
  namespace?: string;
  name?: string;
  reconcileID?: string;
}

const lines: LogLine[] = [];
let ns = "";
let controller: InProcessController | undefined;

beforeAll(async () => {
  ns = await createTestNamespace("cs-logging");
  const logger = pino(
    { level: "debug" },
    { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
  );
  controller = await startInProcessController({
    kubeconfig: await controllerKubeconfig(getTestEnv(), ns),
    namespace: ns,
    logger,
  });
});
afterAll(async () => {
  await controller?.stop();
});

describe("CloneSet logs", () => {
  it("every line about a CloneSet carries controller, namespace, name and reconcileID", async () => {
    await k(
      ["apply", "-f", "-"],
      JSON.stringify({
        apiVersion: "apps.kruise.io/v1alpha1",
        kind: "CloneSet",
        metadata: { name: "logged", namespace: ns },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: "logged" } },
          template: {
            metadata: { labels: { app: "logged" } },
            spec: { containers: [{ name: "main", image: "nginx:1" }] },
          },
        },
      }),
    );
    // The reconcile that creates the pods logs its scale plan and the creates.
    const ours = (): LogLine[] => lines.filter((l) => l.namespace === ns && l.name === "logged");
    await waitFor("a creating-pods log line", () => ours().some((l) => l.msg === "creating pods"), 60_000);
    const planLines = lines.filter((l) => l.msg === "scale plan" || l.msg === "creating pods");
    expect(planLines.length).toBeGreaterThan(0);
    for (const line of planLines) {
      expect(line).toMatchObject({ controller: "cloneset-controller", namespace: ns, name: "logged" });
      expect(line.reconcileID).toMatch(/^[0-9a-f-]{36}$/);
    }
    // One reconcile, one id: the plan and the creates it led to share it.
    const creating = planLines.find((l) => l.msg === "creating pods");
    expect(planLines.some((l) => l.msg === "scale plan" && l.reconcileID === creating?.reconcileID)).toBe(
      true,
    );
  });
});
