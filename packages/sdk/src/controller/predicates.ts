import type { KubeObject } from "../client/types.ts";
import type { Predicate } from "./types.ts";

/** Passes adds and deletes, and updates that changed metadata.generation (spec changes; not status-only ones). */
export const generationChanged: Predicate = (e) =>
  e.type !== "update" || e.oldObject?.metadata?.generation !== e.object.metadata?.generation;

/** Passes adds and deletes, and updates whose labels changed. */
export const labelsChanged: Predicate = (e) =>
  e.type !== "update" || !sameRecord(e.oldObject?.metadata?.labels, e.object.metadata?.labels);

/** Passes adds and deletes, and updates whose annotations changed. */
export const annotationsChanged: Predicate = (e) =>
  e.type !== "update" || !sameRecord(e.oldObject?.metadata?.annotations, e.object.metadata?.annotations);

/** Drops updates that carry no change (same resourceVersion, e.g. relist replays). */
export const resourceVersionChanged: Predicate = (e) =>
  e.type !== "update" || e.oldObject?.metadata?.resourceVersion !== e.object.metadata?.resourceVersion;

/** Passes when any of the predicates passes. */
export function anyOf<T = KubeObject>(...predicates: Predicate<T>[]): Predicate<T> {
  return (e) => predicates.some((p) => p(e));
}

/** Passes when every predicate passes. */
export function allOf<T = KubeObject>(...predicates: Predicate<T>[]): Predicate<T> {
  return (e) => predicates.every((p) => p(e));
}

/** Passes when predicate fails. */
export function not<T = KubeObject>(predicate: Predicate<T>): Predicate<T> {
  return (e) => !predicate(e);
}

function sameRecord(
  a: Readonly<Record<string, string>> | undefined,
  b: Readonly<Record<string, string>> | undefined,
): boolean {
  const ak = Object.keys(a ?? {});
  if (ak.length !== Object.keys(b ?? {}).length) return false;
  return ak.every((k) => a?.[k] === b?.[k]);
}
