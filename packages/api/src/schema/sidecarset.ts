import {
  array,
  bool,
  enumOf,
  freeform,
  int32,
  int64,
  map,
  object,
  string,
  type ObjectNode,
} from "./builder.ts";
import { isIntOrPercent, isZero } from "./cel.ts";
import { AGE_COLUMN, ALPHA_AND_BETA, KRUISE_CATEGORY, type CrdSource } from "./crd.ts";
import { conditionList } from "./shared/conditions.ts";
import { intOrPercent } from "./shared/int-or-percent.ts";
import { labelSelector } from "./shared/label-selector.ts";
import { updatePriorityStrategy, updateScatterStrategy } from "./shared/update-order.ts";

/** A core Container plus the SidecarSet's injection settings; core fields are kept schemaless, as in OpenKruise. */
function sidecarContainer(description: string): ObjectNode {
  return object(
    description,
    {
      name: string("Name of the container, unique in the pod.", { maxLength: 63 }),
      image: string("Container image."),
      podInjectPolicy: enumOf(
        "Where the sidecar goes among the pod's containers: BeforeAppContainer (default) or AfterAppContainer. Ignored for init containers.",
        ["BeforeAppContainer", "AfterAppContainer"],
        { default: "BeforeAppContainer" },
      ),
      upgradeStrategy: object(
        "How the sidecar is upgraded in running pods.",
        {
          upgradeType: enumOf(
            "ColdUpgrade (default) restarts the container with the new image; HotUpgrade runs a twin container and switches over.",
            ["ColdUpgrade", "HotUpgrade"],
            {
              default: "ColdUpgrade",
              rules: [
                { rule: "self == oldSelf", message: "upgradeType of a sidecar container cannot change" },
              ],
            },
          ),
          hotUpgradeEmptyImage: string(
            "For HotUpgrade: the image the idle twin runs. It must behave like the sidecar but do no work.",
          ),
        },
        { default: {}, tsName: "SidecarContainerUpgradeStrategy" },
      ),
      shareVolumePolicy: object(
        "Whether the sidecar mounts every volume the pod's other containers mount.",
        { type: enumOf("enabled or disabled (default).", ["enabled", "disabled"], { default: "disabled" }) },
        { default: {}, tsName: "ShareVolumePolicy" },
      ),
      transferEnv: array(
        "Environment variables copied from an application container into the sidecar.",
        object(
          "An environment variable (or several) to copy from another container.",
          {
            sourceContainerName: string("Container to copy from."),
            sourceContainerNameFrom: freeform(
              "Read the source container's name from a pod field (fieldRef).",
            ),
            envName: string("Variable to copy."),
            envNames: array("Variables to copy.", string("A variable name.")),
          },
          { tsName: "TransferEnvVar" },
        ),
      ),
    },
    { required: ["name"], preserveUnknownFields: true, tsName: "SidecarContainer" },
  );
}

export const sidecarSetSpec = object(
  "The desired state of the SidecarSet.",
  {
    selector: {
      ...labelSelector("Pods to inject the sidecars into and keep upgraded."),
      rules: [
        {
          rule: "(has(self.matchLabels) && size(self.matchLabels) > 0) || (has(self.matchExpressions) && size(self.matchExpressions) > 0)",
          message:
            "an empty selector would inject into every pod of the cluster; set matchLabels or matchExpressions",
          reason: "FieldValueRequired",
        },
      ],
    },
    namespace: string(
      "Only inject into pods of this namespace. Unset means every namespace. v1alpha1's field, kept on v1beta1 (see the SidecarSet README); namespaceSelector is the v1beta1 way.",
    ),
    namespaceSelector: labelSelector(
      "Only inject into pods of namespaces matching these labels. Unset means every namespace.",
    ),
    customVersion: string(
      "A user-chosen version of this SidecarSet, copied to its revisions' apps.kruise.io/sidecarset-custom-version label, so injectionStrategy.revision.customVersion can pick it. On v1alpha1 objects the label of that name on the SidecarSet works too.",
    ),
    initContainers: array(
      "Init containers injected into new pods (never upgraded in running pods).",
      sidecarContainer("An injected init container."),
      { listType: "map", listMapKeys: ["name"] },
    ),
    containers: array(
      "Sidecar containers injected into new pods and upgraded in place in running pods.",
      sidecarContainer("An injected sidecar container."),
      {
        listType: "map",
        listMapKeys: ["name"],
      },
    ),
    volumes: array(
      "Volumes the sidecars may mount; added to a pod when a sidecar mounts them and the pod has no volume of that name.",
      freeform("A core/v1 Volume.", { tsExternal: { name: "Volume", module: "core/v1" } }),
    ),
    updateStrategy: object(
      "How running pods get a new sidecar image.",
      {
        type: enumOf(
          "RollingUpdate (default) upgrades injected pods; NotUpdate only injects new pods.",
          ["NotUpdate", "RollingUpdate"],
          {
            default: "RollingUpdate",
          },
        ),
        paused: bool("Stop upgrading pods. Defaults to false."),
        selector: labelSelector("Only upgrade pods matching this selector. Not with a non-zero partition."),
        partition: intOrPercent(
          'Number or percentage ("10%") of matched pods kept at the old sidecar. Defaults to 0.',
          { default: 0 },
        ),
        maxUnavailable: intOrPercent(
          "The most pods that may be unavailable while upgrading: a number or a percentage. Defaults to 1; cannot be 0.",
          {
            default: 1,
          },
        ),
        priorityStrategy: updatePriorityStrategy("Order in which pods are upgraded."),
        scatterStrategy: updateScatterStrategy(
          "Spread pods with these labels evenly over the upgrade order.",
        ),
      },
      {
        default: {},
        tsName: "SidecarSetUpdateStrategy",
        rules: [
          {
            rule: `!has(self.maxUnavailable) || !${isIntOrPercent("self.maxUnavailable")} || !${isZero("self.maxUnavailable")}`,
            message: "maxUnavailable cannot be 0: no pod could ever be upgraded",
            fieldPath: ".maxUnavailable",
          },
          {
            rule: `!(has(self.selector) && has(self.partition) && ${isIntOrPercent("self.partition")} && !${isZero("self.partition")})`,
            message: "use either updateStrategy.selector or a non-zero updateStrategy.partition, not both",
            fieldPath: ".partition",
          },
        ],
      },
    ),
    injectionStrategy: object(
      "How new pods are injected.",
      {
        paused: bool("Stop injecting into new pods. Defaults to false."),
        revision: object(
          "Inject a past revision of the SidecarSet instead of the latest.",
          {
            customVersion: string(
              "Select the revision by its apps.kruise.io/sidecarset-custom-version label.",
            ),
            revisionName: string("Select the revision by ControllerRevision name."),
            policy: enumOf(
              "Always (default) or Partial (see OpenKruise's SidecarSet documentation).",
              ["Always", "Partial"],
              { default: "Always" },
            ),
          },
          { tsName: "SidecarSetInjectRevision" },
        ),
      },
      { tsName: "SidecarSetInjectionStrategy" },
    ),
    imagePullSecrets: array(
      "Secrets for pulling the sidecar images, merged into the pod.",
      object("A Secret reference.", { name: string("Secret name.") }, { tsName: "LocalObjectReference" }),
    ),
    revisionHistoryLimit: int32("How many old revisions to keep. Defaults to 10.", {
      default: 10,
      minimum: 0,
    }),
    patchPodMetadata: array(
      "Annotations written to pods on injection and on each in-place sidecar upgrade.",
      object(
        "Annotations to write and how.",
        {
          annotations: map("The annotations.", string("Annotation value.")),
          patchPolicy: enumOf(
            "Retain (default): only when the pod lacks the key. Overwrite: always. MergePatchJson: JSON-merge into the existing value.",
            ["Retain", "Overwrite", "MergePatchJson"],
            { default: "Retain" },
          ),
        },
        { tsName: "SidecarSetPatchPodMetadata" },
      ),
    ),
  },
  {
    required: ["selector"],
    tsName: "SidecarSetSpec",
    rules: [
      {
        rule: "(has(self.containers) && size(self.containers) > 0) || (has(self.initContainers) && size(self.initContainers) > 0)",
        message: "a SidecarSet needs at least one entry in containers or initContainers",
        fieldPath: ".containers",
        reason: "FieldValueRequired",
      },
    ],
  },
);

export const sidecarSetStatus = object(
  "The observed state of the SidecarSet, written by the controller.",
  {
    observedGeneration: int64("The most recent generation the controller has acted on."),
    matchedPods: int32("Pods matched and injected by this SidecarSet."),
    updatedPods: int32("Matched pods running the latest sidecars."),
    readyPods: int32("Matched pods that are ready."),
    updatedReadyPods: int32("Matched pods running the latest sidecars and ready."),
    latestRevision: string("Name of the newest ControllerRevision of the SidecarSet."),
    collisionCount: int32("Count of hash collisions when naming ControllerRevisions."),
    conditions: conditionList(
      "SidecarSetCondition",
      "Observations of the SidecarSet's state, e.g. Conflict when another SidecarSet injects a container of the same name into the same pods.",
      { lastTransitionTime: "Last time the condition changed status." },
    ),
  },
  { tsName: "SidecarSetStatus" },
);

export const sidecarSet: CrdSource = {
  kind: "SidecarSet",
  plural: "sidecarsets",
  singular: "sidecarset",
  shortNames: [],
  categories: [KRUISE_CATEGORY],
  scope: "Cluster",
  description:
    "SidecarSet injects sidecar containers into matching pods at creation and upgrades their images in place.",
  // OpenKruise 1.9 serves v1alpha1 and v1beta1. Both carry the same schema (v1alpha1's `namespace` plus v1beta1's
  // `customVersion`), so no conversion webhook is needed and `kubectl apply` never waits for one.
  versions: ALPHA_AND_BETA,
  spec: sidecarSetSpec,
  status: sidecarSetStatus,
  printerColumns: [
    {
      name: "MATCHED",
      type: "integer",
      jsonPath: ".status.matchedPods",
      description: "The number of pods matched.",
    },
    {
      name: "UPDATED",
      type: "integer",
      jsonPath: ".status.updatedPods",
      description: "The number of pods matched and updated.",
    },
    {
      name: "READY",
      type: "integer",
      jsonPath: ".status.readyPods",
      description: "The number of pods matched and ready.",
    },
    AGE_COLUMN,
  ],
};
