import type { Deployment } from "kubernetes-types/apps/v1.js";
import type {
  ConfigMap,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  PodList,
} from "kubernetes-types/core/v1.js";
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
  it("gives a namespace its default ServiceAccount", async () => {
    await waitFor("default ServiceAccount", async () =>
      client.get(`/api/v1/namespaces/${ns}/serviceaccounts/default`).then(
        () => true,
        () => false,
      ),
    );
  });

  it("lifts the not-ready taint of Ready nodes (node lifecycle) and keeps them Ready", async () => {
    const nodes = await client.get<{ items: Node[] }>("/api/v1/nodes");
    expect(nodes.items.length).toBeGreaterThan(0);
    for (const node of nodes.items) {
      expect(node.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
      expect(node.spec?.taints?.some((t) => t.key.startsWith("node.kubernetes.io/"))).not.toBe(true);
    }
  });

  it("binds a claim of the default StorageClass to a provisioned host-path volume; a pod using it runs", async () => {
    await client.create(`/api/v1/namespaces/${ns}/persistentvolumeclaims`, {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "data" },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Mi" } } },
    });
    const bound = await waitFor("claim Bound", async () => {
      const claim = await client.get<PersistentVolumeClaim>(
        `/api/v1/namespaces/${ns}/persistentvolumeclaims/data`,
      );
      return claim.status?.phase === "Bound" ? claim : undefined;
    });
    expect(bound.spec?.storageClassName).toBe("standard");
    expect(bound.metadata?.finalizers).toContain("kubernetes.io/pvc-protection");
    const volume = await client.get<PersistentVolume>(`/api/v1/persistentvolumes/${bound.spec?.volumeName}`);
    expect(volume.spec?.hostPath?.path).toMatch(/^\/tmp\/hostpath_pv\//);
    await client.create(`/api/v1/namespaces/${ns}/pods`, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "with-claim" },
      spec: {
        containers: [{ name: "app", image: "nginx:1.25", volumeMounts: [{ name: "d", mountPath: "/d" }] }],
        volumes: [{ name: "d", persistentVolumeClaim: { claimName: "data" } }],
      },
    });
    await waitFor("pod with claim Running", async () =>
      isPodReady(await client.get<Pod>(`/api/v1/namespaces/${ns}/pods/with-claim`)),
    );
  });
});
