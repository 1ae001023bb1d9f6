import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { ConfigMap, PodList } from "kubernetes-types/core/v1.js";
import { beforeAll, describe, expect, it } from "vitest";
import { isNotFound } from "../src/kube/api-error.ts";
import type { KubeHttpClient } from "../src/kube/http-client.ts";
import { createTestNamespace, getTestEnv, waitFor } from "../src/vitest/index.ts";
import { adminClient, isPodReady } from "./support.ts";

describe("kube-controller-manager", () => {
  let client: KubeHttpClient;
  let ns: string;

  beforeAll(async () => {
    client = adminClient(getTestEnv());
    ns = await createTestNamespace("controllers");
  });

  const gone = (path: string) => async () =>
    client.get(path).then(
      () => false,
      (error: unknown) => isNotFound(error),
    );

  it("cascades the deletion of an owner ConfigMap to its dependent through the garbage collector", async () => {
    const owner = await client.create<ConfigMap>(`/api/v1/namespaces/${ns}/configmaps`, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "owner" },
    });
    await client.create(`/api/v1/namespaces/${ns}/configmaps`, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: "dependent",
        ownerReferences: [
          { apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: owner.metadata?.uid ?? "" },
        ],
      },
    });
    await client.delete(`/api/v1/namespaces/${ns}/configmaps/owner`);
    await waitFor(
      "dependent ConfigMap collected",
      gone(`/api/v1/namespaces/${ns}/configmaps/dependent`),
      45_000,
    );
  });

  it("runs a Deployment to Ready pods, and deleting it removes its ReplicaSet and pods", async () => {
    const labels = { app: "web" };
    await client.create<Deployment>(`/apis/apps/v1/namespaces/${ns}/deployments`, {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: "app", image: "nginx:1.25" }] } },
      },
    });
    await waitFor(
      "2 available replicas",
      async () => {
        const deployment = await client.get<Deployment>(`/apis/apps/v1/namespaces/${ns}/deployments/web`);
        return deployment.status?.availableReplicas === 2;
      },
      45_000,
    );
    const pods = await client.get<PodList>(`/api/v1/namespaces/${ns}/pods`, { labelSelector: "app=web" });
    expect(pods.items.filter(isPodReady)).toHaveLength(2);

    await client.delete(`/apis/apps/v1/namespaces/${ns}/deployments/web`, {
      apiVersion: "v1",
      kind: "DeleteOptions",
      propagationPolicy: "Background",
    });
    await waitFor(
      "pods of the Deployment gone",
      async () => {
        const list = await client.get<{ items: unknown[] }>(`/api/v1/namespaces/${ns}/pods`, {
          labelSelector: "app=web",
        });
        const sets = await client.get<{ items: unknown[] }>(`/apis/apps/v1/namespaces/${ns}/replicasets`, {
          labelSelector: "app=web",
        });
        return list.items.length === 0 && sets.items.length === 0;
      },
      45_000,
    );
  });

  it("finishes deleting a namespace that holds pods and config maps", async () => {
    const name = `doomed-${Math.random().toString(16).slice(2, 8)}`;
    await client.create("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
    await client.create(`/api/v1/namespaces/${name}/configmaps`, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "data" },
    });
    await client.create(`/api/v1/namespaces/${name}/pods`, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p" },
      spec: { containers: [{ name: "app", image: "nginx" }] },
    });
    await waitFor(
      "pod running",
      async () =>
        (await client.get<{ status?: { phase?: string } }>(`/api/v1/namespaces/${name}/pods/p`)).status
          ?.phase === "Running",
    );
    await client.delete(`/api/v1/namespaces/${name}`);
    await waitFor("namespace gone", gone(`/api/v1/namespaces/${name}`), 50_000);
  });
});
