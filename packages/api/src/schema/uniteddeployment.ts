import {
  array,
  bool,
  enumOf,
  freeform,
  int32,
  int64,
  map,
  object,
  shapeOnly,
  string,
  type ObjectNode,
} from "./builder.ts";
import { selectorMatchesLabels } from "./cel.ts";
import { cloneSetSpec } from "./cloneset.ts";
import { AGE_COLUMN, ALPHA_AND_BETA, KRUISE_CATEGORY, type CrdSource } from "./crd.ts";
import { conditionList } from "./shared/conditions.ts";
import { intOrPercent } from "./shared/int-or-percent.ts";
import { podSelector } from "./shared/label-selector.ts";
import { podTemplate } from "./shared/pod-template.ts";
import {
  DESIRED_REPLICAS_COLUMN,
  READY_REPLICAS_COLUMN,
  UPDATED_REPLICAS_COLUMN,
} from "./shared/printer-columns.ts";
import { desiredReplicas, REPLICAS_SCALE } from "./shared/scale.ts";
import { statefulSetSpec } from "./statefulset.ts";

const TEMPLATE_KINDS = [
  "statefulSetTemplate",
  "advancedStatefulSetTemplate",
  "cloneSetTemplate",
  "deploymentTemplate",
] as const;

/** A native workload spec kept schemaless, with the pod template declared so the selector rule can read its labels. */
function nativeWorkloadSpec(description: string, tsExternal: { name: string; module: string }): ObjectNode {
  return object(
    description,
    {
      template: shapeOnly(
        podTemplate("Template of the subset's pods.", {
          kindName: "subset",
          restartPolicies: ["Always"],
          forbidActiveDeadline: false,
        }),
      ),
    },
    { preserveUnknownFields: true, tsExternal },
  );
}

function subsetTemplate(description: string, tsName: string, spec: ObjectNode): ObjectNode {
  return object(
    description,
    {
      metadata: freeform("Labels and annotations of each subset workload.", {
        tsExternal: { name: "ObjectMeta", module: "meta/v1" },
      }),
      spec,
    },
    { required: ["spec"], tsName },
  );
}

const labelsMatch = TEMPLATE_KINDS.map((t) => {
  const tpl = `self.template.${t}.spec.template`;
  return (
    `(!has(self.template.${t}) || ` +
    selectorMatchesLabels(
      "self.selector",
      `${tpl}.metadata.labels`,
      `(has(${tpl}.metadata) && has(${tpl}.metadata.labels))`,
    ) +
    ")"
  );
}).join(" && ");

export const unitedDeploymentSpec = object(
  "The desired state of the UnitedDeployment.",
  {
    replicas: desiredReplicas("Total desired pods over all subsets."),
    selector: podSelector("UnitedDeployment"),
    template: object(
      "The workload each subset runs: exactly one of the four templates.",
      {
        statefulSetTemplate: subsetTemplate(
          "An apps/v1 StatefulSet per subset.",
          "StatefulSetTemplateSpec",
          nativeWorkloadSpec("An apps/v1 StatefulSetSpec.", { name: "StatefulSetSpec", module: "apps/v1" }),
        ),
        advancedStatefulSetTemplate: subsetTemplate(
          "An Advanced StatefulSet per subset.",
          "AdvancedStatefulSetTemplateSpec",
          shapeOnly(statefulSetSpec),
        ),
        cloneSetTemplate: subsetTemplate(
          "A CloneSet per subset.",
          "CloneSetTemplateSpec",
          shapeOnly(cloneSetSpec),
        ),
        deploymentTemplate: subsetTemplate(
          "An apps/v1 Deployment per subset.",
          "DeploymentTemplateSpec",
          nativeWorkloadSpec("An apps/v1 DeploymentSpec.", { name: "DeploymentSpec", module: "apps/v1" }),
        ),
      },
      {
        tsName: "SubsetTemplate",
        rules: [
          {
            rule: TEMPLATE_KINDS.map((t) => `(has(self.${t}) ? 1 : 0)`).join(" + ") + " == 1",
            message: `set exactly one of template.${TEMPLATE_KINDS.join(", template.")}`,
          },
        ],
      },
    ),
    topology: object(
      "How pods are spread over subsets.",
      {
        subsets: array(
          "The subsets; each becomes one workload named <uniteddeployment>-<subset>-<suffix>.",
          object(
            "One subset.",
            {
              name: string("Subset name (DNS label), unique in the UnitedDeployment.", {
                maxLength: 63,
                pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
              }),
              nodeSelectorTerm: freeform(
                "Node selector term added to the subset's pods' required node affinity. Immutable.",
                {
                  tsExternal: { name: "NodeSelectorTerm", module: "core/v1" },
                  rules: [
                    {
                      rule: "self == oldSelf",
                      message: "a subset's nodeSelectorTerm cannot change; add a new subset instead",
                    },
                  ],
                },
              ),
              tolerations: array(
                "Tolerations added to the subset's pods. Immutable.",
                freeform("A toleration.", { tsExternal: { name: "Toleration", module: "core/v1" } }),
                {
                  rules: [
                    {
                      rule: "self == oldSelf",
                      message: "a subset's tolerations cannot change; add a new subset instead",
                    },
                  ],
                },
              ),
              replicas: intOrPercent(
                'Pods in this subset: a number or a percentage of spec.replicas ("10%"). Unset shares the rest evenly.',
                { upTo100Percent: true },
              ),
              minReplicas: intOrPercent(
                "Lower bound of the subset's pods when replicas is not set. Defaults to 0.",
                { upTo100Percent: true },
              ),
              maxReplicas: intOrPercent(
                "Upper bound of the subset's pods when replicas is not set. Unset means no limit.",
                { upTo100Percent: true },
              ),
              patch: freeform("A strategic-merge patch applied to the subset's workload template."),
            },
            {
              required: ["name"],
              tsName: "Subset",
              rules: [
                {
                  rule: "!has(self.replicas) || (!has(self.minReplicas) && !has(self.maxReplicas))",
                  message: "replicas cannot be combined with minReplicas or maxReplicas",
                  fieldPath: ".replicas",
                },
              ],
            },
          ),
          { listType: "map", listMapKeys: ["name"], maxItems: 64 },
        ),
        scheduleStrategy: object(
          "How pods move between subsets when they cannot be scheduled.",
          {
            type: enumOf(
              "Fixed (default) keeps pods in their subset; Adaptive moves replicas away from subsets whose pods cannot be scheduled.",
              ["Adaptive", "Fixed", ""],
            ),
            adaptive: object(
              "Parameters of the Adaptive strategy.",
              {
                rescheduleCriticalSeconds: int32(
                  "Seconds a pod may stay unschedulable before its replica moves. Defaults to 30.",
                  { minimum: 0 },
                ),
                unschedulableLastSeconds: int32(
                  "Seconds a subset stays marked unschedulable. Defaults to 300.",
                  { minimum: 0 },
                ),
                reserveUnschedulablePods: bool(
                  "Keep unschedulable pods pending and create temporary substitutes in other subsets (CloneSet and Deployment templates only).",
                ),
              },
              { tsName: "AdaptiveUnitedDeploymentStrategy" },
            ),
          },
          { tsName: "UnitedDeploymentScheduleStrategy" },
        ),
      },
      { tsName: "Topology" },
    ),
    updateStrategy: object(
      "How subsets are updated when the template changes.",
      {
        type: enumOf("Manual (default): partitions per subset control the rollout.", ["Manual"], {
          default: "Manual",
        }),
        manualUpdate: object(
          "Parameters of the Manual strategy.",
          {
            partitions: map(
              "Per subset name, pods kept at the old revision.",
              int32("A partition.", { minimum: 0 }),
            ),
          },
          { tsName: "ManualUpdate" },
        ),
      },
      { default: {}, tsName: "UnitedDeploymentUpdateStrategy" },
    ),
    revisionHistoryLimit: int32("How many old revisions to keep. Defaults to 10.", {
      default: 10,
      minimum: 0,
    }),
  },
  {
    required: ["selector"],
    tsName: "UnitedDeploymentSpec",
    rules: [
      {
        rule: `!has(self.template) || (${labelsMatch})`,
        message:
          "selector does not match template labels: the subset template's pod labels must be selected by spec.selector",
        fieldPath: ".selector",
      },

      {
        // The reserve mode deletes stand-ins and keeps pending pods: only kinds whose pods are interchangeable.
        rule:
          "!has(self.topology) || !has(self.topology.scheduleStrategy) || !has(self.topology.scheduleStrategy.adaptive) || " +
          "!has(self.topology.scheduleStrategy.adaptive.reserveUnschedulablePods) || " +
          "!self.topology.scheduleStrategy.adaptive.reserveUnschedulablePods || !has(self.template) || " +
          "has(self.template.cloneSetTemplate) || has(self.template.deploymentTemplate)",
        message: "reserveUnschedulablePods is only supported with cloneSetTemplate or deploymentTemplate",
        fieldPath: ".topology.scheduleStrategy.adaptive.reserveUnschedulablePods",
      },
    ],
  },
);

const subsetCondition = conditionList(
  "UnitedDeploymentSubsetCondition",
  "Conditions of the subset (Schedulable).",
  {
    lastTransitionTime: "Last time the condition changed status.",
  },
);

export const unitedDeploymentStatus = object(
  "The observed state of the UnitedDeployment, written by the controller.",
  {
    observedGeneration: int64("The most recent generation the controller has acted on."),
    readyReplicas: int32("Number of ready pods over all subsets."),
    replicas: int32("Number of pods over all subsets."),
    updatedReplicas: int32("Number of pods at the current revision."),
    updatedReadyReplicas: int32("Number of ready pods at the current revision."),
    reservedPods: int32("Number of pods kept pending by the Adaptive strategy's reserve mode."),
    collisionCount: int32("Count of hash collisions when naming ControllerRevisions."),
    currentRevision: string("Current revision of the UnitedDeployment."),
    updatedRevision: string("The newest revision (v1beta1's place for updateStatus.updatedRevision)."),
    subsetReplicas: map("Per subset, the replicas allotted to it.", int32("Replicas.")),
    subsetStatuses: array(
      "Per subset state.",
      object(
        "State of one subset.",
        {
          name: string("Subset name."),
          replicas: int32("Replicas allotted to the subset."),
          readyReplicas: int32("Ready pods of the subset."),
          partition: int32("Partition pushed into the subset workload."),
          reservedPods: int32("Pods kept pending by the reserve mode."),
          conditions: subsetCondition,
        },
        { tsName: "UnitedDeploymentSubsetStatus" },
      ),
    ),
    conditions: conditionList(
      "UnitedDeploymentCondition",
      "Latest observations (SubsetProvisioned, SubsetUpdated, SubsetFailure).",
      {
        lastTransitionTime: "Last time the condition changed status.",
      },
    ),
    updateStatus: object(
      "Progress of the update.",
      {
        updatedRevision: string("The newest revision."),
        currentPartitions: map("Per subset, its current partition.", int32("Partition.")),
      },
      { tsName: "UpdateStatus" },
    ),
    labelSelector: string(
      "The selector as a string, for the scale subresource and the HorizontalPodAutoscaler.",
    ),
  },
  { tsName: "UnitedDeploymentStatus" },
);

export const unitedDeployment: CrdSource = {
  kind: "UnitedDeployment",
  plural: "uniteddeployments",
  singular: "uniteddeployment",
  shortNames: ["ud"],
  categories: [KRUISE_CATEGORY],
  scope: "Namespaced",
  description:
    "UnitedDeployment runs one workload per subset (zone, node pool) and splits replicas between them.",
  // OpenKruise serves v1alpha1 and v1beta1. Both carry one schema here: v1alpha1's `subsetReplicas` and
  // `updateStatus` beside v1beta1's `updatedRevision` (the controller writes both), so conversion is `None`.
  versions: ALPHA_AND_BETA,
  spec: unitedDeploymentSpec,
  status: unitedDeploymentStatus,
  scale: REPLICAS_SCALE,
  printerColumns: [
    DESIRED_REPLICAS_COLUMN,
    { name: "CURRENT", type: "integer", jsonPath: ".status.replicas", description: "The number of pods." },
    UPDATED_REPLICAS_COLUMN,
    READY_REPLICAS_COLUMN,
    AGE_COLUMN,
  ],
};
