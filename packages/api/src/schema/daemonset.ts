import { bool, enumOf, int32, int64, object, string, type CelRule } from "./builder.ts";
import { isIntOrPercent, isZero } from "./cel.ts";
import { AGE_COLUMN, ALPHA_AND_BETA_STORING_BETA, KRUISE_CATEGORY, type CrdSource } from "./crd.ts";
import { conditionList } from "./shared/conditions.ts";
import { intOrPercent } from "./shared/int-or-percent.ts";
import { labelSelector, podSelector } from "./shared/label-selector.ts";
import { lifecycle } from "./shared/lifecycle.ts";
import { podTemplate, selectorMatchesTemplate } from "./shared/pod-template.ts";
import { POD_TEMPLATE_COLUMNS } from "./shared/printer-columns.ts";
import { rollingUpdateOrOnDelete } from "./shared/update-type.ts";

export const ROLLING_UPDATE_TYPES = ["Standard", "InPlaceIfPossible", "Surging"] as const;

const zeroOrUnset = (expr: string, field: string): string =>
  `(!has(${expr}.${field}) || (${isIntOrPercent(`${expr}.${field}`)} && ${isZero(`${expr}.${field}`)}))`;
const nonZero = (expr: string, field: string): string => `!${zeroOrUnset(expr, field)}`;
const isType = (type: string): string =>
  `(has(self.rollingUpdateType) && self.rollingUpdateType == '${type}')`;

/** OpenKruise's IsNotMoreThan100Percent: a percentage above 100% is rejected (numbers are not bounded). */
function atMost100Percent(field: string): CelRule {
  return {
    rule: `!has(self.${field}) || type(self.${field}) == int || !self.${field}.matches('^[0-9]+%$') || int(string(self.${field}).replace('%', '')) <= 100`,
    message: `${field} must not be greater than 100%`,
    fieldPath: `.${field}`,
  };
}

export const daemonSetSpec = object(
  "The desired state of the Advanced DaemonSet.",
  {
    selector: podSelector("DaemonSet"),
    template: podTemplate("Template of the pod run on every matching node.", {
      kindName: "DaemonSet",
      restartPolicies: ["Always"],
      forbidActiveDeadline: true,
    }),
    updateStrategy: object(
      "How pods are replaced when the template changes.",
      {
        type: rollingUpdateOrOnDelete(),
        rollingUpdate: object(
          "Parameters of the RollingUpdate strategy.",
          {
            rollingUpdateType: enumOf(
              "Standard (default) recreates pods like the built-in DaemonSet; InPlaceIfPossible updates images in place when only " +
                "images changed. Surging (deprecated) means Standard with maxSurge 1 and maxUnavailable 0 unless they are set.",
              ROLLING_UPDATE_TYPES,
              { default: "Standard" },
            ),
            maxUnavailable: intOrPercent(
              'The most pods that may be unavailable during the update: a number or a percentage of desired pods ("10%", rounded up). ' +
                "Defaults to 1 when neither maxUnavailable nor maxSurge is set. Cannot be 0 when maxSurge is 0.",
            ),
            maxSurge: intOrPercent(
              "The most nodes that may run an updated pod beside the old one during the update: a number or a percentage. " +
                "Defaults to 0. Not with InPlaceIfPossible.",
            ),
            selector: labelSelector(
              "Only pods on nodes matching this node label query are updated; the others keep their revision.",
            ),
            partition: int32(
              "Number of nodes whose pods are kept at the old revision; the nodes updated first are picked by node name, descending. Defaults to 0.",
              {
                default: 0,
                minimum: 0,
              },
            ),
            paused: bool("Stop the rolling update (pods are still created on new nodes). Defaults to false."),
          },
          {
            default: { maxUnavailable: 1, maxSurge: 0 },
            tsName: "RollingUpdateDaemonSet",
            rules: [
              {
                // Both unset is fine: the controller then uses maxUnavailable 1, as OpenKruise's defaulting does.
                rule: `!((has(self.maxUnavailable) || has(self.maxSurge)) && ${zeroOrUnset("self", "maxUnavailable")} && ${zeroOrUnset("self", "maxSurge")})`,
                message: "maxUnavailable and maxSurge cannot both be 0: the update could never progress",
                fieldPath: ".maxUnavailable",
              },
              {
                rule: `!(${nonZero("self", "maxUnavailable")} && ${nonZero("self", "maxSurge")})`,
                message:
                  "maxSurge may not be set when maxUnavailable is non-zero: exactly one of them is non-zero",
                fieldPath: ".maxSurge",
              },
              {
                rule: `!${isType("InPlaceIfPossible")} || ${zeroOrUnset("self", "maxSurge")}`,
                message: "maxSurge must be 0 with rollingUpdateType InPlaceIfPossible",
                fieldPath: ".maxSurge",
              },
              {
                rule: `!${isType("Surging")} || ${zeroOrUnset("self", "maxUnavailable")}`,
                message: "maxUnavailable must be 0 with rollingUpdateType Surging",
                fieldPath: ".maxUnavailable",
              },
              atMost100Percent("maxUnavailable"),
              atMost100Percent("maxSurge"),
            ],
          },
        ),
      },
      { default: {}, tsName: "DaemonSetUpdateStrategy" },
    ),
    minReadySeconds: int32("Seconds a new pod must be ready before it counts as available. Defaults to 0.", {
      minimum: 0,
    }),
    burstReplicas: intOrPercent("The most pods created or deleted in one sync. Defaults to 250.", {
      default: 250,
    }),
    revisionHistoryLimit: int32("How many old revisions to keep. Defaults to 10.", {
      default: 10,
      minimum: 0,
    }),
    scaleStrategy: object(
      "How pods are created on nodes that need one (v1beta1; v1alpha1 uses the annotation daemonset.kruise.io/progressive-create-pod).",
      {
        partitionedScaling: bool(
          "While a partition is set, create pods only on as many new nodes as the partition allows, instead of on every node " +
            "that needs one. Defaults to false.",
        ),
      },
      { tsName: "DaemonSetScaleStrategy" },
    ),
    lifecycle: {
      ...lifecycle(
        "Hooks for the DaemonSet's pods. Only preDelete is supported (preNormal is accepted and ignored).",
      ),
      rules: [
        {
          rule: "!has(self.inPlaceUpdate)",
          message: "lifecycle.inPlaceUpdate is not supported by DaemonSet",
          fieldPath: ".inPlaceUpdate",
        },
      ],
    },
  },
  {
    required: ["selector", "template"],
    tsName: "DaemonSetSpec",
    rules: [selectorMatchesTemplate("DaemonSet")],
  },
);

export const daemonSetStatus = object(
  "The observed state of the DaemonSet, written by the controller.",
  {
    currentNumberScheduled: int32("Nodes running at least one daemon pod that should run it."),
    numberMisscheduled: int32("Nodes running the daemon pod that should not run it."),
    desiredNumberScheduled: int32("Nodes that should run the daemon pod."),
    numberReady: int32("Nodes whose daemon pod is running and ready."),
    observedGeneration: int64("The most recent generation the controller has acted on."),
    updatedNumberScheduled: int32("Nodes running an updated daemon pod."),
    numberAvailable: int32("Nodes whose daemon pod is available."),
    numberUnavailable: int32("Nodes that should run the daemon pod but have none available."),
    collisionCount: int32("Count of hash collisions when naming ControllerRevisions."),
    conditions: conditionList("DaemonSetCondition", "Latest observations of the DaemonSet's state.", {
      lastTransitionTime: "Last time the condition changed status.",
    }),
    daemonSetHash: string(
      "The controller-revision-hash of the newest revision (v1alpha1 name; same value as updateRevision).",
    ),
    updateRevision: string(
      "The controller-revision-hash of the newest revision (v1beta1 name; same value as daemonSetHash).",
    ),
  },
  { tsName: "DaemonSetStatus" },
);

export const daemonSet: CrdSource = {
  kind: "DaemonSet",
  plural: "daemonsets",
  singular: "daemonset",
  shortNames: ["daemon", "ads"],
  categories: [KRUISE_CATEGORY],
  scope: "Namespaced",
  description:
    "Advanced DaemonSet: one pod per node, with partitions, node selectors for the rollout, in-place update and surge.",
  // OpenKruise 1.9 stores v1beta1 and serves both. Here both versions carry one schema: v1beta1's fields plus the
  // v1alpha1-only ones (rollingUpdateType Surging, status.daemonSetHash), so conversion is None and loses nothing.
  // What OpenKruise's webhook would translate, the controller reads in either form (api README).
  versions: ALPHA_AND_BETA_STORING_BETA,
  spec: daemonSetSpec,
  status: daemonSetStatus,
  printerColumns: [
    {
      name: "DESIRED",
      type: "integer",
      jsonPath: ".status.desiredNumberScheduled",
      description: "The desired number of pods.",
    },
    {
      name: "CURRENT",
      type: "integer",
      jsonPath: ".status.currentNumberScheduled",
      description: "The current number of pods.",
    },
    {
      name: "READY",
      type: "integer",
      jsonPath: ".status.numberReady",
      description: "The number of ready pods.",
    },
    {
      name: "UP-TO-DATE",
      type: "integer",
      jsonPath: ".status.updatedNumberScheduled",
      description: "The number of updated pods.",
    },
    {
      name: "AVAILABLE",
      type: "integer",
      jsonPath: ".status.numberAvailable",
      description: "The number of available pods.",
    },
    AGE_COLUMN,
    ...POD_TEMPLATE_COLUMNS,
  ],
};
