import type { Pod } from "kubernetes-types/core/v1.js";
import { KubeHttpClient } from "../src/kube/http-client.ts";
import type { TestEnvInfo } from "../src/vitest/index.ts";

export function adminClient(info: Pick<TestEnvInfo, "server" | "caData" | "adminToken">): KubeHttpClient {
  return new KubeHttpClient({ server: info.server, caData: info.caData, token: info.adminToken }, 8);
}

export function podPath(namespace: string, name: string): string {
  return `/api/v1/namespaces/${namespace}/pods/${name}`;
}

export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

export function containerStatus(pod: Pod, name: string) {
  return pod.status?.containerStatuses?.find((status) => status.name === name);
}

/** A pod manifest with sensible defaults for tests. */
export function pod(
  namespace: string,
  name: string,
  spec: Partial<NonNullable<Pod["spec"]>> = {},
  annotations: Record<string, string> = {},
): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, annotations },
    spec: { containers: [{ name: "app", image: "nginx:1.25" }], terminationGracePeriodSeconds: 30, ...spec },
  };
}
