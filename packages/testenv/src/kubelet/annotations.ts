// Every knob of the simulated kubelet that another process can turn. Tests run in vitest workers while
// the kubelet lives in the globalSetup process, so annotations are the only channel both can reach.

/** Pod: milliseconds an image pull takes for this pod, overriding the kubelet's pullDelayMs. */
export const PULL_DELAY_MS_ANNOTATION = "testenv.kruise.io/pull-delay-ms";
/** Pod: "true" makes image pulls fail (container waiting with reason ErrImagePull). */
export const PULL_FAIL_ANNOTATION = "testenv.kruise.io/pull-fail";
/** Pod: "true" puts every container in CrashLoopBackOff (not ready, restartCount rising). */
export const CRASH_LOOP_ANNOTATION = "testenv.kruise.io/crash-loop";
/** Pod: "true" freezes the pod: the kubelet does nothing for it, deletion included, until removed. */
export const HOLD_ANNOTATION = "testenv.kruise.io/hold";
/** Pod: "true" keeps containers running but not ready (a failing readiness probe). Node: "true" makes the node NotReady. */
export const NOT_READY_ANNOTATION = "testenv.kruise.io/not-ready";
/** Pod with restartPolicy Never/OnFailure: containers exit with this code; 0 -> Succeeded, else Failed. */
export const EXIT_CODE_ANNOTATION = "testenv.kruise.io/exit-code";

/** Label on every Node the simulated kubelet registers. */
export const SIMULATED_NODE_LABEL = "testenv.kruise.io/simulated";

export const TESTENV_ANNOTATIONS = {
  pullDelayMs: PULL_DELAY_MS_ANNOTATION,
  pullFail: PULL_FAIL_ANNOTATION,
  crashLoop: CRASH_LOOP_ANNOTATION,
  hold: HOLD_ANNOTATION,
  notReady: NOT_READY_ANNOTATION,
  exitCode: EXIT_CODE_ANNOTATION,
} as const;
