import { array, enumOf, int32, int64, map, object, string, type ObjectNode } from "./builder.ts";
import { AGE_COLUMN, KRUISE_CATEGORY, ALPHA_AND_BETA, type CrdSource } from "./crd.ts";
import { intOnly } from "./shared/int-or-percent.ts";
import { labelSelector } from "./shared/label-selector.ts";

export const IMAGE_PULL_POLICIES = ["Always", "IfNotPresent"] as const;

export function sandboxConfig(description: string): ObjectNode {
  return object(
    description,
    {
      labels: map("Labels passed to the CRI PullImage sandbox config.", string("Label value.")),
      annotations: map(
        "Annotations passed to the CRI PullImage sandbox config.",
        string("Annotation value."),
      ),
    },
    { tsName: "SandboxConfig" },
  );
}

const nodeSelector = labelSelector("Nodes (NodeImages) to pull on. Unset means every node.");

export const imagePullJobSpec = object(
  "The desired state of the ImagePullJob.",
  {
    image: string("The image to pull, e.g. nginx:1.25 or an image with a digest.", { minLength: 1 }),
    pullSecrets: array(
      "Names of Secrets, in the job's namespace, used to pull the image.",
      string("A Secret name."),
    ),
    selector: object(
      "Nodes to pull on: by name, or by labels (NodeImages carry their node's labels). Unset means every node.",
      { names: array("Names of the nodes to pull on.", string("A node name.")), ...nodeSelector.properties },
      {
        tsName: "ImagePullJobNodeSelector",
        rules: [
          {
            rule: "!(has(self.names) && size(self.names) > 0 && (has(self.matchLabels) || has(self.matchExpressions)))",
            message: "selector.names cannot be combined with matchLabels or matchExpressions",
          },
        ],
      },
    ),
    podSelector: object(
      "Pull on the nodes running the pods matching these labels, in the job's namespace.",
      { ...nodeSelector.properties },
      {
        tsName: "ImagePullJobPodSelector",
      },
    ),
    parallelism: intOnly("The most nodes pulling at once. 0 pauses the job. Defaults to 1.", { default: 1 }),
    pullPolicy: object(
      "Per-node pull settings.",
      {
        timeoutSeconds: int32("Timeout of one pull attempt. Defaults to 600.", { default: 600, minimum: 1 }),
        backoffLimit: int32("Retries before a node's pull counts as failed. Defaults to 3.", {
          default: 3,
          minimum: 0,
        }),
      },
      { default: {}, tsName: "PullPolicy" },
    ),
    completionPolicy: object(
      "When the job counts as finished.",
      {
        type: enumOf(
          "Always (default): the job completes once every node has pulled. Never: it keeps pulling on new matching nodes.",
          ["Always", "Never"],
          { default: "Always" },
        ),
        activeDeadlineSeconds: int64(
          "Seconds after which the job stops and remaining nodes count as failed. Must exceed timeoutSeconds.",
          {
            minimum: 1,
          },
        ),
        ttlSecondsAfterFinished: int32("Seconds after completion at which the job is deleted.", {
          minimum: 0,
        }),
      },
      { default: {}, tsName: "ImagePullJobCompletionPolicy" },
    ),
    sandboxConfig: sandboxConfig("Metadata passed to the CRI PullImage call."),
    imagePullPolicy: enumOf(
      "Always pulls even when the image is present; IfNotPresent (default) skips nodes that have it.",
      IMAGE_PULL_POLICIES,
      {
        default: "IfNotPresent",
      },
    ),
  },
  {
    required: ["image"],
    tsName: "ImagePullJobSpec",
    rules: [
      {
        rule: "!(has(self.selector) && has(self.podSelector))",
        message: "use either selector or podSelector, not both",
        fieldPath: ".podSelector",
      },
      {
        rule: "!has(self.completionPolicy.activeDeadlineSeconds) || self.completionPolicy.activeDeadlineSeconds > self.pullPolicy.timeoutSeconds",
        message: "completionPolicy.activeDeadlineSeconds must be greater than pullPolicy.timeoutSeconds",
        fieldPath: ".completionPolicy.activeDeadlineSeconds",
      },
      {
        rule: "self.completionPolicy.type != 'Never' || (!has(self.completionPolicy.activeDeadlineSeconds) && !has(self.completionPolicy.ttlSecondsAfterFinished))",
        message:
          "activeDeadlineSeconds and ttlSecondsAfterFinished only apply to completionPolicy.type Always",
        fieldPath: ".completionPolicy",
      },
    ],
  },
);

export const imagePullJobStatus = object(
  "The observed state of the ImagePullJob, written by the controller.",
  {
    startTime: string("When the controller started the job.", { format: "date-time" }),
    completionTime: string("When the job completed.", { format: "date-time" }),
    desired: int32("Number of nodes to pull on."),
    active: int32("Number of nodes pulling now."),
    succeeded: int32("Number of nodes that pulled the image."),
    failed: int32("Number of nodes that failed to pull the image."),
    message: string("Summary of the job's progress."),
    failedNodes: array("Nodes that failed to pull the image.", string("A node name.")),
  },
  { tsName: "ImagePullJobStatus" },
);

export const imagePullJob: CrdSource = {
  kind: "ImagePullJob",
  plural: "imagepulljobs",
  singular: "imagepulljob",
  shortNames: [],
  categories: [KRUISE_CATEGORY],
  scope: "Namespaced",
  description: "ImagePullJob pulls an image ahead of time on a set of nodes, through their NodeImages.",
  // OpenKruise serves v1alpha1 and v1beta1 with the same fields, so both carry one schema and conversion is None.
  versions: ALPHA_AND_BETA,
  spec: imagePullJobSpec,
  status: imagePullJobStatus,
  specRequired: true,
  printerColumns: [
    {
      name: "TOTAL",
      type: "integer",
      jsonPath: ".status.desired",
      description: "Number of nodes matched by this job.",
    },
    {
      name: "ACTIVE",
      type: "integer",
      jsonPath: ".status.active",
      description: "Number of nodes pulling now.",
    },
    {
      name: "SUCCEED",
      type: "integer",
      jsonPath: ".status.succeeded",
      description: "Number of nodes that pulled the image.",
    },
    {
      name: "FAILED",
      type: "integer",
      jsonPath: ".status.failed",
      description: "Number of nodes that failed to pull the image.",
    },
    AGE_COLUMN,
    {
      name: "MESSAGE",
      type: "string",
      jsonPath: ".status.message",
      description: "Summary of the job's progress.",
    },
  ],
};
