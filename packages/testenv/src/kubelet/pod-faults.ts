import type { ObjectMeta } from "kubernetes-types/meta/v1.js";
import {
  CRASH_LOOP_ANNOTATION,
  EXIT_CODE_ANNOTATION,
  HOLD_ANNOTATION,
  NOT_READY_ANNOTATION,
  PULL_DELAY_MS_ANNOTATION,
  PULL_FAIL_ANNOTATION,
} from "./annotations.ts";

/** The behaviour asked of the kubelet for one pod, from annotations and in-process overrides. */
export interface PodFaults {
  pullDelayMs: number;
  pullFail: boolean;
  crashLoop: boolean;
  hold: boolean;
  notReady: boolean;
  /** Set: containers of a Never/OnFailure pod exit with this code. */
  exitCode: number | undefined;
}

/** Reads the pod's testenv annotations; `overrides` (set through the in-process handle) win. */
export function podFaults(
  meta: ObjectMeta | undefined,
  defaultPullDelayMs: number,
  overrides?: Partial<PodFaults>,
): PodFaults {
  const annotations = meta?.annotations ?? {};
  const flag = (key: string): boolean => annotations[key] === "true";
  const number = (key: string): number | undefined => {
    const raw = annotations[key];
    if (raw === undefined || raw.trim() === "") return undefined;
    const parsed = Number(raw);
    return Number.isFinite(parsed) ? parsed : undefined;
  };
  const exitCode = number(EXIT_CODE_ANNOTATION);
  return {
    pullDelayMs: Math.max(0, number(PULL_DELAY_MS_ANNOTATION) ?? defaultPullDelayMs),
    pullFail: flag(PULL_FAIL_ANNOTATION),
    crashLoop: flag(CRASH_LOOP_ANNOTATION),
    hold: flag(HOLD_ANNOTATION),
    notReady: flag(NOT_READY_ANNOTATION),
    exitCode: exitCode === undefined ? undefined : Math.trunc(exitCode),
    ...overrides,
  };
}
