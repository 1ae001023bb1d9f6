import { array, bool, enumOf, int32, int64, object, string } from "./builder.ts";
import { isIntOrPercent, isZero, unsetOrValid, unsetOrZero } from "./cel.ts";
import { AGE_COLUMN, KRUISE_CATEGORY, nameAtMost, V1ALPHA1_ONLY, type CrdSource } from "./crd.ts";
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
import { POD_UPDATE_TYPES } from "./shared/update-type.ts";

const u = "self.updateStrategy";
const mu = `${u}.maxUnavailable`;
const ms = `${u}.maxSurge`;
// OpenKruise compares both limits as pods, percentages rounded up: with replicas > 0 a limit is below 1 pod exactly
// when it is 0 or 0%. Comparing that way never multiplies, so a huge value cannot overflow into a wrong message,
// and an invalid value (or negative replicas) is left to its own field's error instead of adding this one.
const bothLimitsBelowOnePod = `has(self.replicas) && self.replicas > 0 && ${unsetOrValid(mu)} && ${unsetOrValid(ms)} && ${unsetOrZero(mu)} && ${unsetOrZero(ms)}`;

/**
 * A CloneSet's name is in the `controller-revision-hash` label of its pods (`<name>-<10-character hash>`), which
 * Kubernetes limits to 63 characters: a longer name could never get a pod created.
 */
export const CLONESET_NAME_MAX = 52;

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
            "InPlaceOnly always updates in place and refuses template changes that cannot be done in place.",
          POD_UPDATE_TYPES,
          { default: "ReCreate" },
        ),
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
        inPlaceUpdateStrategy: inPlaceUpdateStrategy(
          "Settings for in-place updates: how long to wait, after marking the pod not ready, before changing its images.",
        ),
      },
      {
        default: {},
        tsName: "CloneSetUpdateStrategy",
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
      {
        rule: `!(${bothLimitsBelowOnePod})`,
        message:
          "updateStrategy.maxUnavailable and updateStrategy.maxSurge are both below 1 pod for these replicas, so no pod could ever be updated; raise one of them",
        fieldPath: ".updateStrategy",
      },
      {
        rule: "!has(self.progressDeadlineSeconds) || self.progressDeadlineSeconds == 2147483647 || self.progressDeadlineSeconds > (has(self.minReadySeconds) ? self.minReadySeconds : 0)",
        message: "progressDeadlineSeconds must be greater than minReadySeconds",
        fieldPath: ".progressDeadlineSeconds",
      },
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
  versions: V1ALPHA1_ONLY,
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
