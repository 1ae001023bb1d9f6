import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import type { PodTemplateSpec } from "kubernetes-types/core/v1.js";
import { canonicalJson, cloneJson } from "../util/json.ts";

/**
 * What a CloneSet or Advanced StatefulSet revision records: only the pod template, wrapped as a strategic
 * merge patch of the workload (`{"spec":{"template":{...,"$patch":"replace"}}}`) so that applying it to the
 * workload restores that template wholesale.
 */
export interface TemplateRevisionData {
  spec: { template: PodTemplateSpec & { $patch: "replace" } };
}

export function templateRevisionData(template: PodTemplateSpec): TemplateRevisionData {
  return { spec: { template: { ...cloneJson(template), $patch: "replace" } } };
}

/** Bytes that go into the hash and are compared for equality: sorted keys, so field order never matters. */
export function serializeRevisionData(data: unknown): string {
  return canonicalJson(data);
}

/** The pod template a revision recorded; undefined when the revision holds something else. */
export function templateFromRevision(revision: ControllerRevision | undefined): PodTemplateSpec | undefined {
  // RawExtension is typed as an empty interface; the API server hands back whatever JSON was stored.
  const data: unknown = revision?.data;
  const template = (data as { spec?: { template?: PodTemplateSpec & { $patch?: string } } } | undefined)?.spec
    ?.template;
  if (template === undefined || template === null || typeof template !== "object") return undefined;
  const copy = cloneJson(template);
  delete copy.$patch;
  return copy;
}

/** Whether two revisions record the same state (the name and revision number do not matter). */
export function equalRevisionData(a: ControllerRevision, b: ControllerRevision): boolean {
  return serializeRevisionData(a.data ?? null) === serializeRevisionData(b.data ?? null);
}
