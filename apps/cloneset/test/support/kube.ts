import { kubectl } from "@kruise/testenv/vitest";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { CloneSet } from "@kruise/api";

/** kubectl that throws with its stderr on a non-zero exit. */
export async function k(args: string[], input?: string): Promise<string> {
  const r = await kubectl(args, input !== undefined ? { input } : undefined);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

export async function getPods(namespace: string, selector = ""): Promise<Pod[]> {
  const args = ["get", "pods", "-n", namespace, "-o", "json"];
  if (selector !== "") args.push("-l", selector);
  return (JSON.parse(await k(args)) as { items: Pod[] }).items;
}

export async function getCloneSet(namespace: string, name: string): Promise<CloneSet> {
  return JSON.parse(
    await k(["get", "clonesets.apps.kruise.io", name, "-n", namespace, "-o", "json"]),
  ) as CloneSet;
}

export function isReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;
}

export function readySince(pod: Pod): number {
  const c = pod.status?.conditions?.find((x) => x.type === "Ready" && x.status === "True");
  return c?.lastTransitionTime !== undefined ? Date.parse(c.lastTransitionTime) : NaN;
}

export const active = (pods: Pod[]): Pod[] => pods.filter((p) => p.metadata?.deletionTimestamp === undefined);

export function apply(namespace: string, manifest: string): Promise<string> {
  return k(
    ["apply", "-n", namespace, "-f", "-"],
    manifest.replaceAll("namespace: default", `namespace: ${namespace}`),
  );
}
