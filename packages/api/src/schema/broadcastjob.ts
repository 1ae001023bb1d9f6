import { bool, enumOf, int32, int64, object, string, type IntOrStringNode } from "./builder.ts";
import { isIntOrPercent, isZero } from "./cel.ts";
import { AGE_COLUMN, ALPHA_AND_BETA, KRUISE_CATEGORY, nameAtMost63, type CrdSource } from "./crd.ts";
import { conditionList } from "./shared/conditions.ts";
import { intOrPercent } from "./shared/int-or-percent.ts";
import { podTemplate } from "./shared/pod-template.ts";

export const COMPLETION_POLICY_TYPES = ["Always", "Never"] as const;
export const BROADCASTJOB_FAILURE_POLICY_TYPES = ["FailFast", "Continue", "Pause"] as const;

/** Parallelism 0 would run nothing, silently, for ever: it is refused, and `paused` says what it would have meant. */
function nonZero(node: IntOrStringNode): IntOrStringNode {
  return {
    ...node,
    rules: [
      ...(node.rules ?? []),
      {
        rule: `!(${isIntOrPercent("self")}) || !(${isZero("self")})`,
        message:
          "must be at least 1 (or 1%): 0 would never run a pod; set spec.paused: true to hold the job instead",
      },
    ],
  };
}

export const broadcastJobSpec = object(
  "The desired state of the BroadcastJob.",
  {
    parallelism: nonZero(
      intOrPercent(
        'The most pods running at once: a number or a percentage of the eligible nodes ("10%", rounded up), at least 1. Defaults to no limit.',
        // OpenKruise's default: Kubernetes' int32 "unlimited" (the SDK's MAX_INT32, which this dependency-free
        // schema cannot import; the schema states it as the CRD does, a literal).
        { default: 2147483647 },
      ),
    ),
    template: podTemplate("Template of the pod run once on every eligible node.", {
      kindName: "BroadcastJob",
      restartPolicies: ["Never", "OnFailure"],
      forbidActiveDeadline: false,
      requireRestartPolicy: true,
    }),
    completionPolicy: object(
      "When the job counts as finished.",
      {
        type: enumOf(
          "Always (default): the job completes once every eligible node has run its pod. Never: the job keeps running and new nodes get a pod too.",
          ["Always", "Never"],
          { default: "Always" },
        ),
        activeDeadlineSeconds: int64(
          "Seconds, from the job's start, after which it fails and its pods are deleted. Only with type Always.",
          {
            minimum: 1,
          },
        ),
        ttlSecondsAfterFinished: int32(
          "Seconds after the job finished at which it is deleted. Only with type Always.",
          { minimum: 0 },
        ),
      },
      {
        default: {},
        tsName: "CompletionPolicy",
        rules: [
          {
            rule: "self.type != 'Never' || (!has(self.activeDeadlineSeconds) && !has(self.ttlSecondsAfterFinished))",
            message:
              "activeDeadlineSeconds and ttlSecondsAfterFinished only apply to completionPolicy.type Always",
          },
        ],
      },
    ),
    paused: bool("Stop creating pods. Defaults to false."),
    failurePolicy: object(
      "What the job does when a pod fails.",
      {
        type: enumOf(
          "FailFast (default): the job fails at the first failed pod. Continue: ignore failures. Pause: pause the job.",
          BROADCASTJOB_FAILURE_POLICY_TYPES,
          { default: "FailFast" },
        ),
        restartLimit: int32("For OnFailure pods: container restarts beyond this count the pod as failed.", {
          minimum: 0,
        }),
      },
      { default: {}, tsName: "BroadcastJobFailurePolicy" },
    ),
  },
  { required: ["template"], tsName: "BroadcastJobSpec" },
);

export const broadcastJobStatus = object(
  "The observed state of the BroadcastJob, written by the controller.",
  {
    conditions: conditionList("JobCondition", "Latest observations of the job's state (Complete, Failed).", {
      lastProbeTime: "Last time the condition was checked.",
      lastTransitionTime: "Last time the condition changed status.",
    }),
    startTime: string("When the controller started the job.", { format: "date-time" }),
    completionTime: string("When the job finished.", { format: "date-time" }),
    active: int32("Number of running pods."),
    succeeded: int32("Number of pods that succeeded."),
    failed: int32("Number of pods that failed."),
    desired: int32("Number of pods wanted: usually the number of eligible nodes."),
    phase: enumOf("Phase of the job.", ["running", "paused", "completed", "failed"]),
  },
  { tsName: "BroadcastJobStatus" },
);

export const broadcastJob: CrdSource = {
  kind: "BroadcastJob",
  plural: "broadcastjobs",
  singular: "broadcastjob",
  shortNames: ["bcj"],
  categories: [KRUISE_CATEGORY],
  scope: "Namespaced",
  description: "BroadcastJob runs a pod to completion on every eligible node.",
  // OpenKruise 1.9 serves v1alpha1 and v1beta1 with the same fields and conversion None.
  versions: ALPHA_AND_BETA,
  spec: broadcastJobSpec,
  status: broadcastJobStatus,
  rootRules: [nameAtMost63("BroadcastJob")],
  printerColumns: [
    {
      name: "Desired",
      type: "integer",
      jsonPath: ".status.desired",
      description: "The desired number of pods: usually the number of eligible nodes.",
    },
    {
      name: "Active",
      type: "integer",
      jsonPath: ".status.active",
      description: "The number of running pods.",
    },
    {
      name: "Succeeded",
      type: "integer",
      jsonPath: ".status.succeeded",
      description: "The number of pods that succeeded.",
    },
    {
      name: "Failed",
      type: "integer",
      jsonPath: ".status.failed",
      description: "The number of pods that failed.",
    },
    AGE_COLUMN,
  ],
};
