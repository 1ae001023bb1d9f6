// Small things an OpenKruise user or tool notices, against the real control plane: each failed before.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestNamespace, getTestEnv, waitFor } from "@kruise/testenv/vitest";
import type { Event } from "kubernetes-types/core/v1.js";
import { KNOWN_FEATURE_GATES, parseFeatureGates } from "../src/feature-gates.ts";
import { controllerKubeconfig } from "./support/controller-identity.ts";
import { startInProcessController, type InProcessController } from "./support/in-process.ts";
import { active, getPods, k } from "./support/kube.ts";

let ns = "";
let controller: InProcessController | undefined;

beforeAll(async () => {
  ns = await createTestNamespace("cs-parity");
  controller = await startInProcessController({
    kubeconfig: await controllerKubeconfig(getTestEnv(), ns),
    namespace: ns,
  });
});
afterAll(async () => {
  await controller?.stop();
});

function cloneSet(
  name: string,
  extra: Record<string, unknown> = {},
  annotations: Record<string, string> = {},
): string {
  return JSON.stringify({
    apiVersion: "apps.kruise.io/v1alpha1",
    kind: "CloneSet",
    metadata: { name, namespace: ns },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations },
        spec: { containers: [{ name: "main", image: "nginx:1" }] },
      },
      ...extra,
    },
  });
}

describe("OpenKruise parity", () => {
  it("feature gates default as OpenKruise's: PreDownloadImageForInPlaceUpdate is off", () => {
    expect(KNOWN_FEATURE_GATES.PreDownloadImageForInPlaceUpdate).toBe(false);
    expect(parseFeatureGates("PreDownloadImageForInPlaceUpdate=true").PreDownloadImageForInPlaceUpdate).toBe(
      true,
    );
  });

  it("pods carry generateName <cloneset>-, as OpenKruise creates them", async () => {
    await k(["apply", "-f", "-"], cloneSet("named", { replicas: 1 }));
    const pods = await waitFor("a pod", async () => {
      const ps = active(await getPods(ns, "app=named"));
      return ps.length === 1 ? ps : undefined;
    });
    expect(pods[0]?.metadata?.generateName).toBe("named-");
    expect(pods[0]?.metadata?.name).toMatch(/^named-[a-z0-9]{5}$/);
  });

  it("ScaleUpLimited is a Warning worded as OpenKruise words it", async () => {
    // Pods that never turn ready hold scale-up at scaleStrategy.maxUnavailable.
    await k(
      ["apply", "-f", "-"],
      cloneSet(
        "limited",
        { scaleStrategy: { maxUnavailable: 1 } },
        { "testenv.kruise.io/not-ready": "true" },
      ),
    );
    const event = await waitFor("a ScaleUpLimited event", async () => {
      const list = JSON.parse(
        await k(["get", "events", "-n", ns, "--field-selector", "reason=ScaleUpLimited", "-o", "json"]),
      ) as { items: Event[] };
      return list.items.find((e) => e.involvedObject.name === "limited");
    });
    expect(event.type).toBe("Warning");
    expect(event.message).toMatch(/^scaleUp is limited because of scaleStrategy.maxUnavailable, limit: \d+$/);
  });
});
