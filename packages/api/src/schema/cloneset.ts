import {
  array,
  bool,
  enumOf,
  int32,
  int64,
  object,
  string,
  type CelRule,
  type ObjectNode,
} from "./builder.ts";
import { isIntOrPercent, isZero, unsetOrValid, unsetOrZero } from "./cel.ts";
import { AGE_COLUMN, KRUISE_CATEGORY, nameAtMost, type CrdSource } from "./crd.ts";
import { conditionList } from "./shared/conditions.ts";
import { intOrPercent } from "./shared/int-or-percent.ts";
import { pvcTemplate } from "./shared/pvc-template.ts";
import { podSelector } from "./shared/label-selector.ts";
import { lifecycle } from "./shared/lifecycle.ts";
import { podTemplate, selectorMatchesTemplate } from "./shared/pod-template.ts";
import {
  DESIRED_REPLICAS_COLUMN,
  POD_TEMPLATE_COLUMNS,
  READY_REPLICAS_COLUMN,
  UPDATED_REPLICAS_COLUMN,
} from "./shared/printer-columns.ts";
import { desiredReplicas, REPLICAS_SCALE } from "./shared/scale.ts";
import {
  inPlaceUpdateStrategy,
  updatePriorityStrategy,
  updateScatterStrategy,
} from "./shared/update-order.ts";
import { POD_UPDATE_TYPES, rollingUpdateOrOnDelete } from "./shared/update-type.ts";

/**
 * maxUnavailable and maxSurge of the update (at `u`: v1alpha1's updateStrategy, v1beta1's rollingUpdate) must not
 * both be below one pod. OpenKruise compares both limits as pods, percentages rounded up: with replicas > 0 a limit
 * is below 1 pod exactly when it is 0 or 0%. Comparing that way never multiplies, so a huge value cannot overflow
 * into a wrong message, and an invalid value (or negative replicas) is left to its own field's error.
 */
function bothLimitsRule(u: string, userPath: string, fieldPath: string): CelRule {
  const mu = `${u}.maxUnavailable`;
  const ms = `${u}.maxSurge`;
  const present = u === "self.updateStrategy" ? "true" : `has(self.updateStrategy) && has(${u})`;
  return {
    rule: `!(${present} && has(self.replicas) && self.replicas > 0 && ${unsetOrValid(mu)} && ${unsetOrValid(ms)} && ${unsetOrZero(mu)} && ${unsetOrZero(ms)})`,
    message: `${userPath}.maxUnavailable and ${userPath}.maxSurge are both below 1 pod for these replicas, so no pod could ever be updated; raise one of them`,
    fieldPath,
  };
}

const progressDeadlineRule: CelRule = {
  rule: "!has(self.progressDeadlineSeconds) || self.progressDeadlineSeconds == 2147483647 || self.progressDeadlineSeconds > (has(self.minReadySeconds) ? self.minReadySeconds : 0)",
  message: "progressDeadlineSeconds must be greater than minReadySeconds",
  fieldPath: ".progressDeadlineSeconds",
};

/**
 * A CloneSet's name is in the `controller-revision-hash` label of its pods (`<name>-<10-character hash>`), which
 * Kubernetes limits to 63 characters: a longer name could never get a pod created.
 */
export const CLONESET_NAME_MAX = 52;

/**
 * What both versions' rolling update holds under the same names (v1alpha1's updateStrategy, v1beta1's
 * updateStrategy.rollingUpdate): the partition, the budgets, pause and the update order. The two strategy
 * types extend one TypeScript interface for it.
 */
const cloneSetRolloutLimits = object(
  "How far and how fast an update goes: the partition, the unavailable and surge budgets, pause and the order.",
  {
    partition: intOrPercent(
      "Number of pods kept at the old revision: replicas - partition pods are updated. An absolute number (5) or a " +
        'percentage of replicas from 0% to 100% ("10%", rounded up). Defaults to 0.',
      { default: 0, upTo100Percent: true },
    ),
    maxUnavailable: intOrPercent(
      'The most pods that may be unavailable during the update. An absolute number (5) or a percentage of replicas ("10%"), ' +
        "rounded up (rounded down when maxSurge > 0). Defaults to 20%.",
      { default: "20%" },
    ),
    maxSurge: intOrPercent(
      "The most extra pods created above replicas during the update or a specified delete. An absolute number (5) or a " +
        'percentage of replicas ("10%", rounded up). Defaults to 0. Not allowed with InPlaceOnly.',
      { default: 0 },
    ),
    paused: bool("Stop updating pods. Scaling continues. Defaults to false."),
    priorityStrategy: updatePriorityStrategy(
      "Order in which pods are updated, by weight rules or ordered label keys.",
    ),
    scatterStrategy: updateScatterStrategy(
      "Spread pods with these labels evenly over the update order, so one batch does not update them all. Applied after priorityStrategy.",
    ),
  },
  { tsName: "CloneSetRolloutLimits" },
);

export const cloneSetSpec = object(
  "The desired state of the CloneSet.",
  {
    replicas: desiredReplicas("Desired number of pods."),
    selector: podSelector("CloneSet"),
    template: podTemplate(
      "Template of the pods the CloneSet creates. Pods are named <cloneset>-<random id>.",
      {
        kindName: "CloneSet",
        restartPolicies: ["Always"],
        forbidActiveDeadline: true,
        webhookDefaults: true,
      },
    ),
    volumeClaimTemplates: array(
      "PersistentVolumeClaims created for every pod (named <template>-<cloneset>-<instance id>) and deleted with it.",
      pvcTemplate("CloneSet"),
      { maxItems: 64 },
    ),
    scaleStrategy: object(
      "How the CloneSet creates and deletes pods when scaling.",
      {
        podsToDelete: array(
          "Names of pods to delete. Each listed pod is deleted (and replaced unless replicas also went down); names of pods " +
            "that do not exist are removed from the list by the controller.",
          string("A pod name."),
          { listType: "set" },
        ),
        maxUnavailable: intOrPercent(
          "The most pods that may be unavailable while scaling up: no new pod is created while this many are unavailable. " +
            'An absolute number (5) or a percentage of replicas ("10%"). Unset means no limit.',
        ),
        disablePVCReuse: bool(
          "Do not reuse the PersistentVolumeClaims left by a pod that was removed by someone else; delete them and start fresh. " +
            "Defaults to false (reuse them, so the replacement keeps the same name and volumes).",
        ),
      },
      { default: {}, tsName: "CloneSetScaleStrategy" },
    ),
    updateStrategy: object(
      "How the CloneSet replaces pods when the template changes.",
      {
        type: enumOf(
          "How pods are updated. ReCreate (default) deletes each old pod and creates a new one. InPlaceIfPossible updates the " +
            "container images of the existing pod when only images (or labels/annotations) changed, and recreates it otherwise. " +
            "InPlaceOnly always updates in place and refuses template changes that cannot be done in place. OnDelete updates " +
            "no pod: a pod deleted by someone else comes back at the new revision (v1beta1's type OnDelete).",
          [...POD_UPDATE_TYPES, "OnDelete"],
          { default: "ReCreate" },
        ),
        ...cloneSetRolloutLimits.properties,
        inPlaceUpdateStrategy: inPlaceUpdateStrategy(
          "Settings for in-place updates: how long to wait, after marking the pod not ready, before changing its images.",
        ),
      },
      {
        default: {},
        tsName: "CloneSetUpdateStrategy",
        tsExtends: cloneSetRolloutLimits,
        rules: [
          {
            rule: `!(has(self.type) && self.type == 'InPlaceOnly' && has(self.maxSurge) && ${isIntOrPercent("self.maxSurge")} && !${isZero("self.maxSurge")})`,
            message:
              "maxSurge must be 0 with updateStrategy.type InPlaceOnly: an in-place update never creates extra pods",
            fieldPath: ".maxSurge",
          },
        ],
      },
    ),
    revisionHistoryLimit: int32("How many old revisions (ControllerRevisions) to keep. Defaults to 10.", {
      default: 10,
      minimum: 0,
    }),
    minReadySeconds: int32(
      "Seconds a new pod must be ready, without any container crashing, before it counts as available. Defaults to 0.",
      { minimum: 0 },
    ),
    lifecycle: lifecycle(
      "Hooks that hold pods before they become Normal, before an in-place update and before deletion.",
    ),
    progressDeadlineSeconds: int32(
      "Seconds the CloneSet may take to make progress before its Progressing condition reports ProgressDeadlineExceeded. " +
        "Unset disables the Progressing condition.",
      { minimum: 0 },
    ),
  },
  {
    required: ["selector", "template"],
    tsName: "CloneSetSpec",
    rules: [
      selectorMatchesTemplate("CloneSet"),
      bothLimitsRule("self.updateStrategy", "updateStrategy", ".updateStrategy"),
      progressDeadlineRule,
    ],
  },
);

const alphaSpec = cloneSetSpec.properties;
const alphaScale = (alphaSpec.scaleStrategy as ObjectNode).properties;

/** v1beta1's in-place settings: the v1alpha1 image pre-download annotations became fields. */
const inPlaceUpdateStrategyV1beta1 = object(
  "Settings for in-place updates: the grace before images change, and pre-downloading the new images to the nodes.",
  {
    ...inPlaceUpdateStrategy("").properties,
    imagePreDownloadParallelism: {
      ...intOrPercent(
        "How many nodes pull the new images at once, before the update (needs the image pre-download feature). " +
          "v1alpha1: annotation apps.kruise.io/image-predownload-parallelism.",
      ),
    },
    imagePreDownloadTimeoutSeconds: int32(
      "Seconds each node may take to pull the new images. v1alpha1: annotation apps.kruise.io/image-predownload-timeout-seconds.",
      { minimum: 0 },
    ),
    imagePreDownloadMinUpdatedReadyPods: int32(
      "Updated and ready pods needed before the images are pre-downloaded. " +
        "v1alpha1: annotation apps.kruise.io/image-predownload-min-updated-ready-pods.",
      { minimum: 0 },
    ),
  },
  { tsName: "CloneSetInPlaceUpdateStrategyV1beta1" },
);

/**
 * v1beta1 (OpenKruise 1.9's development line): updateStrategy.type is RollingUpdate or OnDelete and the rest moves
 * under rollingUpdate, with v1alpha1's type as podUpdatePolicy; enablePVCReuse (default false) replaces
 * disablePVCReuse; excludePreparingDelete replaces a label; pre-download annotations become fields. Every other
 * field is v1alpha1's own node, so the two versions cannot drift apart.
 */
export const cloneSetSpecV1beta1 = object(
  "The desired state of the CloneSet.",
  {
    ...alphaSpec,
    scaleStrategy: object(
      "How the CloneSet creates and deletes pods when scaling.",
      {
        podsToDelete: alphaScale.podsToDelete!,
        maxUnavailable: alphaScale.maxUnavailable!,
        enablePVCReuse: bool(
          "Reuse the PersistentVolumeClaims left by a pod that was removed by someone else, so the replacement keeps the " +
            "same name and volumes. Defaults to false. v1alpha1: the inverse, disablePVCReuse.",
        ),
        excludePreparingDelete: bool(
          "Do not count pods in lifecycle state PreparingDelete as replicas when scaling. Defaults to false. " +
            "v1alpha1: label apps.kruise.io/cloneset-scaling-exclude-preparing-delete=true.",
        ),
      },
      { default: {}, tsName: "CloneSetScaleStrategyV1beta1" },
    ),
    updateStrategy: object(
      "How the CloneSet replaces pods when the template changes.",
      {
        type: rollingUpdateOrOnDelete(),
        rollingUpdate: object(
          "How pods are rolled to the new revision.",
          {
            podUpdatePolicy: enumOf(
              "How each pod is updated. ReCreate (default) deletes each old pod and creates a new one. InPlaceIfPossible " +
                "updates the container images of the existing pod when only images (or labels/annotations) changed, and " +
                "recreates it otherwise. InPlaceOnly always updates in place. v1alpha1: updateStrategy.type.",
              POD_UPDATE_TYPES,
              { default: "ReCreate" },
            ),
            ...cloneSetRolloutLimits.properties,
            inPlaceUpdateStrategy: inPlaceUpdateStrategyV1beta1,
          },
          {
            default: {},
            tsName: "CloneSetRollingUpdateStrategyV1beta1",
            tsExtends: cloneSetRolloutLimits,
            rules: [
              {
                rule: `!(has(self.podUpdatePolicy) && self.podUpdatePolicy == 'InPlaceOnly' && has(self.maxSurge) && ${isIntOrPercent("self.maxSurge")} && !${isZero("self.maxSurge")})`,
                message:
                  "maxSurge must be 0 with podUpdatePolicy InPlaceOnly: an in-place update never creates extra pods",
                fieldPath: ".maxSurge",
              },
            ],
          },
        ),
      },
      { default: {}, tsName: "CloneSetUpdateStrategyV1beta1" },
    ),
  },
  {
    required: ["selector", "template"],
    tsName: "CloneSetSpecV1beta1",
    rules: [
      selectorMatchesTemplate("CloneSet"),
      bothLimitsRule(
        "self.updateStrategy.rollingUpdate",
        "updateStrategy.rollingUpdate",
        ".updateStrategy.rollingUpdate",
      ),
      progressDeadlineRule,
    ],
  },
);

export const cloneSetStatus = object(
  "The observed state of the CloneSet, written by the controller.",
  {
    observedGeneration: int64("The most recent generation the controller has acted on."),
    replicas: int32("Number of pods the CloneSet owns."),
    readyReplicas: int32("Number of owned pods that are ready."),
    availableReplicas: int32(
      "Number of owned pods ready for at least minReadySeconds and in lifecycle state Normal.",
    ),
    updatedReplicas: int32("Number of owned pods at updateRevision."),
    updatedReadyReplicas: int32("Number of owned pods at updateRevision that are ready."),
    updatedAvailableReplicas: int32("Number of owned pods at updateRevision that are available."),
    expectedUpdatedReplicas: int32("Number of pods that should be updated: replicas - partition."),
    updateRevision: string("Name of the newest revision (ControllerRevision) of the template."),
    currentRevision: string("Name of the revision every pod was at before the update in progress."),
    collisionCount: int32("Count of hash collisions when naming ControllerRevisions."),
    conditions: conditionList(
      "CloneSetCondition",
      "Latest observations of the CloneSet's state (FailedScale, FailedUpdate, Progressing).",
      {
        lastTransitionTime: "Last time the condition changed status.",
        lastUpdateTime: "Last time the condition was updated.",
      },
    ),
    labelSelector: string(
      "The selector as a string, for the scale subresource and the HorizontalPodAutoscaler.",
    ),
  },
  { tsName: "CloneSetStatus" },
);

export const cloneSet: CrdSource = {
  kind: "CloneSet",
  plural: "clonesets",
  singular: "cloneset",
  shortNames: ["clone"],
  categories: [KRUISE_CATEGORY],
  scope: "Namespaced",
  description:
    "CloneSet runs a set of interchangeable pods and updates them in place or by recreation, in batches.",
  // v1alpha1 is stored: most CloneSet YAML and every stored CloneSet of an OpenKruise before 1.9's development line
  // is v1alpha1, and the controller reads it, so neither they nor `kubectl apply` of v1alpha1 ever wait for the
  // conversion webhook; only v1beta1 requests do. See src/conversion/cloneset.ts for what converts and how.
  versions: [
    { name: "v1alpha1", served: true, storage: true },
    {
      name: "v1beta1",
      served: true,
      storage: false,
      shape: { typeName: "CloneSetV1beta1", spec: cloneSetSpecV1beta1, status: cloneSetStatus },
    },
  ],
  spec: cloneSetSpec,
  status: cloneSetStatus,
  scale: REPLICAS_SCALE,
  rootRules: [
    nameAtMost(
      CLONESET_NAME_MAX,
      "CloneSet",
      "in the controller-revision-hash label of every pod (<name>-<hash>), which is limited to 63 characters",
    ),
  ],
  printerColumns: [
    DESIRED_REPLICAS_COLUMN,
    UPDATED_REPLICAS_COLUMN,
    {
      name: "UPDATED_READY",
      type: "integer",
      jsonPath: ".status.updatedReadyReplicas",
      description: "The number of pods updated and ready.",
    },
    {
      name: "UPDATED_AVAILABLE",
      type: "integer",
      jsonPath: ".status.updatedAvailableReplicas",
      description: "The number of pods updated and available.",
    },
    READY_REPLICAS_COLUMN,
    {
      name: "TOTAL",
      type: "integer",
      jsonPath: ".status.replicas",
      description: "The number of pods owned.",
    },
    AGE_COLUMN,
    ...POD_TEMPLATE_COLUMNS,
    {
      name: "SELECTOR",
      type: "string",
      jsonPath: ".status.labelSelector",
      description: "The pod selector.",
      priority: 1,
    },
  ],
};
