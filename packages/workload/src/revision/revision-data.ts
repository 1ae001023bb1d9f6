import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import type { PodTemplateSpec } from "kubernetes-types/core/v1.js";
import { defaultPodTemplate } from "../template/pod-template-defaults.ts";
import { goJson } from "../template/go-json.ts";
import { typedPodTemplate } from "../template/typed-encoding.ts";
import { cloneJson } from "../util/json.ts";

/**
 * What a CloneSet or Advanced StatefulSet revision records: only the pod template, wrapped as a strategic
 * merge patch of the workload (`{"spec":{"template":{...,"$patch":"replace"}}}`) so that applying it to the
 * workload restores that template wholesale.
 */
export interface TemplateRevisionData {
  spec: { template: PodTemplateSpec & { $patch: "replace" } };
}

export interface TemplateRevisionOptions {
  /**
   * Apply OpenKruise's webhook defaults to the template first (CloneSet and Advanced StatefulSet do;
   * Advanced DaemonSet does not). Default true.
   */
  readonly webhookDefaults?: boolean;
}

/**
 * The revision data of a pod template, exactly as OpenKruise records it: the template defaulted as its
 * webhook defaults it, in Go's typed encoding (see typedPodTemplate), so that the same stored template
 * gives the same revision name under both controllers and a switch restarts no pod.
 */
export function templateRevisionData(
  template: PodTemplateSpec,
  options: TemplateRevisionOptions = {},
): TemplateRevisionData {
  const defaulted = options.webhookDefaults === false ? cloneJson(template) : defaultPodTemplate(template);
  return { spec: { template: { ...typedPodTemplate(defaulted), $patch: "replace" } } };
}

/**
 * Bytes that go into the hash and are compared for equality: Go's encoding of the data decoded into
 * generic maps (sorted keys, HTML-safe escapes), the bytes Kubernetes' controller history hashes.
 */
export function serializeRevisionData(data: unknown): string {
  return goJson(data);
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
