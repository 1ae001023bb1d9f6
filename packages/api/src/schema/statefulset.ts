import { array, bool, enumOf, int32, int64, intOrString, object, string } from "./builder.ts";
import { isIntOrPercent, isZero } from "./cel.ts";
import { AGE_COLUMN, KRUISE_CATEGORY, type CrdSource } from "./crd.ts";
import { conditionList } from "./shared/conditions.ts";
import { intOrPercent } from "./shared/int-or-percent.ts";
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
import { inPlaceUpdateStrategy, updatePriorityStrategy } from "./shared/update-order.ts";
import { POD_UPDATE_TYPES, rollingUpdateOrOnDelete } from "./shared/update-type.ts";
import { pvcTemplate } from "./shared/pvc-template.ts";

const ru = "self.updateStrategy.rollingUpdate";
const hasRollingUpdate = "has(self.updateStrategy) && has(self.updateStrategy.rollingUpdate)";
const isParallel = "(has(self.podManagementPolicy) && self.podManagementPolicy == 'Parallel')";

const specProperties = {
  replicas: desiredReplicas("Desired number of pods."),
  selector: podSelector("StatefulSet"),
  template: podTemplate(
    "Template of the pods. Pods are named <statefulset>-<ordinal>. In-place update policies need the readiness gate InPlaceUpdateReady here.",
    { kindName: "StatefulSet", restartPolicies: ["Always"], forbidActiveDeadline: true },
  ),
  volumeClaimTemplates: array(
    "PersistentVolumeClaims created for every ordinal, named <template>-<statefulset>-<ordinal>.",
    pvcTemplate("StatefulSet"),
    { maxItems: 64 },
  ),
  serviceName: string(
    "Name of the headless Service that gives the pods their network identity (pod subdomain). Cannot change.",
    {
      rules: [
        { rule: "self == oldSelf", message: "serviceName of a StatefulSet cannot change after creation" },
      ],
    },
  ),
  podManagementPolicy: enumOf(
    "How pods are created and deleted when scaling. OrderedReady (default) creates them one at a time in ordinal order and " +
      "waits for each to be ready; Parallel creates and deletes them all at once.",
    ["OrderedReady", "Parallel"],
    {
      default: "OrderedReady",
      rules: [
        {
          rule: "self == oldSelf",
          message: "podManagementPolicy of a StatefulSet cannot change after creation",
        },
      ],
    },
  ),
  updateStrategy: object(
    "How pods are replaced when the template changes.",
    {
      type: rollingUpdateOrOnDelete(),
      rollingUpdate: object(
        "Parameters of the RollingUpdate strategy.",
        {
          partition: int32("Pods with an ordinal below partition keep the old revision. Defaults to 0.", {
            default: 0,
            minimum: 0,
          }),
          maxUnavailable: intOrPercent(
            'The most pods that may be unavailable during the update: a number or a percentage ("10%", rounded down, at least 1). ' +
              "Defaults to 1. Values other than 1 need podManagementPolicy Parallel.",
            { default: 1 },
          ),
          podUpdatePolicy: enumOf(
            "How each pod is updated: ReCreate (default) deletes and recreates it; InPlaceIfPossible updates images in place when " +
              "only images changed; InPlaceOnly always updates in place.",
            POD_UPDATE_TYPES,
            { default: "ReCreate" },
          ),
          paused: bool("Stop updating pods. Defaults to false."),
          unorderedUpdate: object(
            "Update pods in priority order instead of by ordinal. Only with podManagementPolicy Parallel.",
            { priorityStrategy: updatePriorityStrategy("Order in which pods are updated.") },
            { tsName: "UnorderedUpdateStrategy" },
          ),
          inPlaceUpdateStrategy: inPlaceUpdateStrategy("Settings for in-place updates."),
          minReadySeconds: int32(
            "Seconds an updated pod must be ready before the update moves on, 0 to 300. Defaults to 0.",
            {
              minimum: 0,
              maximum: 300,
            },
          ),
        },
        { default: {}, tsName: "RollingUpdateStatefulSetStrategy" },
      ),
    },
    { default: {}, tsName: "StatefulSetUpdateStrategy" },
  ),
  revisionHistoryLimit: int32("How many old revisions to keep. Defaults to 10.", {
    default: 10,
    minimum: 0,
  }),
  reserveOrdinals: array(
    'Ordinals to skip: an integer (3) or a range ("3-5"). replicas still counts the pods that run.',
    intOrString("An ordinal or a range of ordinals.", {
      maxLength: 24,
      rules: [
        {
          rule: "type(self) == int ? self >= 0 : self.matches('^[0-9]+-[0-9]+$')",
          message: 'must be a non-negative ordinal (3) or a range ("3-5")',
        },
      ],
    }),
    { maxItems: 1024 },
  ),
  lifecycle: lifecycle(
    "Hooks that hold pods before they become Normal, before an in-place update and before deletion.",
  ),
  scaleStrategy: object(
    "How pods are created and deleted when scaling.",
    {
      maxUnavailable: intOrPercent(
        "The most pods that may be unavailable while scaling (Parallel only), a number or a percentage. Must be at least 1.",
      ),
    },
    {
      tsName: "StatefulSetScaleStrategy",
      rules: [
        {
          rule: `!has(self.maxUnavailable) || !${isIntOrPercent("self.maxUnavailable")} || !${isZero("self.maxUnavailable")}`,
          message: "scaleStrategy.maxUnavailable must be at least 1",
          fieldPath: ".maxUnavailable",
        },
      ],
    },
  ),
  persistentVolumeClaimRetentionPolicy: object(
    "What happens to the PersistentVolumeClaims when the StatefulSet is deleted or scaled down.",
    {
      whenDeleted: enumOf(
        "Retain (default) keeps the claims when the StatefulSet is deleted; Delete deletes them.",
        ["Retain", "Delete"],
        {
          default: "Retain",
        },
      ),
      whenScaled: enumOf(
        "Retain (default) keeps the claims of removed ordinals; Delete deletes them.",
        ["Retain", "Delete"],
        {
          default: "Retain",
        },
      ),
    },
    { tsName: "StatefulSetPersistentVolumeClaimRetentionPolicy" },
  ),
  ordinals: object(
    "Numbering of the pods.",
    { start: int32("The first ordinal. Defaults to 0.", { minimum: 0 }) },
    { tsName: "StatefulSetOrdinals" },
  ),
  volumeClaimUpdateStrategy: object(
    "How PersistentVolumeClaims follow volumeClaimTemplates changes.",
    {
      type: enumOf("OnDelete (default) or OnPodRollingUpdate (resize claims during the rolling update).", [
        "OnPodRollingUpdate",
        "OnDelete",
      ]),
    },
    { tsName: "VolumeClaimUpdateStrategy" },
  ),
};

/** Rules that read only fields v1alpha1 has too. */
const sharedSpecRules = [
  selectorMatchesTemplate("StatefulSet"),
  {
    rule: `!(${hasRollingUpdate} && has(${ru}.maxUnavailable)) || ${isParallel} || (type(${ru}.maxUnavailable) == int && ${ru}.maxUnavailable == 1)`,
    message: "updateStrategy.rollingUpdate.maxUnavailable other than 1 needs podManagementPolicy: Parallel",
    fieldPath: ".updateStrategy.rollingUpdate.maxUnavailable",
  },
  {
    rule: `!(${hasRollingUpdate} && has(${ru}.maxUnavailable) && ${isIntOrPercent(`${ru}.maxUnavailable`)} && ${isZero(`${ru}.maxUnavailable`)})`,
    message: "updateStrategy.rollingUpdate.maxUnavailable must be at least 1",
    fieldPath: ".updateStrategy.rollingUpdate.maxUnavailable",
  },
  {
    rule: `!(${hasRollingUpdate} && has(${ru}.unorderedUpdate)) || ${isParallel}`,
    message: "updateStrategy.rollingUpdate.unorderedUpdate needs podManagementPolicy: Parallel",
    fieldPath: ".updateStrategy.rollingUpdate.unorderedUpdate",
  },
  {
    rule:
      `!(${hasRollingUpdate} && has(${ru}.podUpdatePolicy) && ${ru}.podUpdatePolicy != 'ReCreate') || ` +
      "(has(self.template.spec) && has(self.template.spec.readinessGates) && " +
      "self.template.spec.readinessGates.exists(g, has(g.conditionType) && g.conditionType == 'InPlaceUpdateReady'))",
    message:
      "in-place podUpdatePolicy needs the readiness gate InPlaceUpdateReady in spec.template.spec.readinessGates, so pods go not-ready while they update",
    fieldPath: ".template.spec.readinessGates",
  },
];

const scaleStrategyNeedsParallel = {
  rule:
    `!has(self.scaleStrategy) || !has(self.scaleStrategy.maxUnavailable) || ${isParallel} || ` +
    "(type(self.scaleStrategy.maxUnavailable) == int && self.scaleStrategy.maxUnavailable == 1)",
  message: "scaleStrategy.maxUnavailable other than 1 needs podManagementPolicy: Parallel",
  fieldPath: ".scaleStrategy.maxUnavailable",
};

/** v1beta1, the full API. */
export const statefulSetSpec = object("The desired state of the Advanced StatefulSet.", specProperties, {
  required: ["selector", "template"],
  tsName: "StatefulSetSpec",
  rules: [...sharedSpecRules, scaleStrategyNeedsParallel],
});

/** The spec fields OpenKruise's v1alpha1 StatefulSet has; v1beta1 added the others. */
const V1ALPHA1_SPEC_FIELDS = [
  "replicas",
  "selector",
  "template",
  "volumeClaimTemplates",
  "serviceName",
  "podManagementPolicy",
  "updateStrategy",
  "revisionHistoryLimit",
] as const;

/** v1alpha1: the lossy subset OpenKruise serves (no reserveOrdinals, lifecycle, scaleStrategy, PVC retention, ordinals). */
export const statefulSetSpecV1alpha1 = object(
  "The desired state of the Advanced StatefulSet (v1alpha1: fields added in v1beta1 are dropped).",
  Object.fromEntries(V1ALPHA1_SPEC_FIELDS.map((f) => [f, specProperties[f]])),
  { required: ["selector", "template"], rules: sharedSpecRules },
);

const statusProperties = {
  observedGeneration: int64("The most recent generation the controller has acted on."),
  replicas: int32("Number of pods the StatefulSet owns."),
  readyReplicas: int32("Number of owned pods that are ready."),
  availableReplicas: int32("Number of owned pods ready for at least minReadySeconds."),
  currentReplicas: int32("Number of pods at currentRevision."),
  updatedReplicas: int32("Number of pods at updateRevision."),
  updatedReadyReplicas: int32("Number of pods at updateRevision that are ready."),
  updatedAvailableReplicas: int32("Number of pods at updateRevision that are available."),
  currentRevision: string("Revision of the pods before the update in progress."),
  updateRevision: string("Newest revision of the template."),
  collisionCount: int32("Count of hash collisions when naming ControllerRevisions."),
  conditions: conditionList(
    "StatefulSetCondition",
    "Latest observations of the StatefulSet's state (FailedCreatePod, FailedUpdatePod).",
    {
      lastTransitionTime: "Last time the condition changed status.",
    },
  ),
  labelSelector: string(
    "The selector as a string, for the scale subresource and the HorizontalPodAutoscaler.",
  ),
  volumeClaims: array(
    "Per volumeClaimTemplate, how many pods have claims compatible with the current template.",
    object(
      "Status of one volumeClaimTemplate.",
      {
        volumeClaimName: string("Name of the volumeClaimTemplate."),
        compatibleReplicas: int32("Pods whose claim matches the template."),
        compatibleReadyReplicas: int32("Pods whose claim matches the template and is ready."),
      },
      { required: ["volumeClaimName"], tsName: "VolumeClaimStatus" },
    ),
  ),
};

export const statefulSetStatus = object(
  "The observed state of the StatefulSet, written by the controller.",
  statusProperties,
  { tsName: "StatefulSetStatus" },
);

/** v1alpha1 status has no availableReplicas, updatedReadyReplicas, updatedAvailableReplicas or volumeClaims. */
const V1ALPHA1_STATUS_FIELDS = [
  "observedGeneration",
  "replicas",
  "readyReplicas",
  "currentReplicas",
  "updatedReplicas",
  "currentRevision",
  "updateRevision",
  "collisionCount",
  "conditions",
  "labelSelector",
] as const;

export const statefulSetStatusV1alpha1 = object(
  "The observed state of the StatefulSet, written by the controller (v1alpha1 subset).",
  Object.fromEntries(V1ALPHA1_STATUS_FIELDS.map((f) => [f, statusProperties[f]])),
);

export const statefulSet: CrdSource = {
  kind: "StatefulSet",
  plural: "statefulsets",
  singular: "statefulset",
  shortNames: ["sts", "asts"],
  categories: [KRUISE_CATEGORY],
  scope: "Namespaced",
  description:
    "Advanced StatefulSet: pods with stable names and storage, with in-place update, partitions, maxUnavailable and reserved ordinals.",
  // v1beta1 is stored, as in OpenKruise: it is the full API, so nothing a v1beta1 user writes is lost. v1alpha1 is
  // served as OpenKruise serves it, a lossy subset: conversion strategy None (the apiserver rewrites apiVersion) and
  // pruning by the v1alpha1 schema drop the v1beta1-only fields, which is exactly what OpenKruise's conversion
  // webhook does for this kind. So no conversion webhook is needed; see the README of @kruise/api.
  versions: [
    {
      name: "v1alpha1",
      served: true,
      storage: false,
      subset: { spec: statefulSetSpecV1alpha1, status: statefulSetStatusV1alpha1 },
    },
    { name: "v1beta1", served: true, storage: true },
  ],
  spec: statefulSetSpec,
  status: statefulSetStatus,
  scale: REPLICAS_SCALE,
  printerColumns: [
    DESIRED_REPLICAS_COLUMN,
    {
      name: "CURRENT",
      type: "integer",
      jsonPath: ".status.replicas",
      description: "The number of pods owned.",
    },
    UPDATED_REPLICAS_COLUMN,
    READY_REPLICAS_COLUMN,
    AGE_COLUMN,
    ...POD_TEMPLATE_COLUMNS,
  ],
};
