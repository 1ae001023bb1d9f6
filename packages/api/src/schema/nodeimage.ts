import { array, enumOf, freeform, int32, int64, map, object, string } from "./builder.ts";
import { AGE_COLUMN, KRUISE_CATEGORY, ALPHA_AND_BETA, type CrdSource } from "./crd.ts";
import { IMAGE_PULL_POLICIES, sandboxConfig } from "./imagepulljob.ts";

const TIME = (description: string) => string(description, { format: "date-time" });

const imageSpec = object(
  "What to pull for one image name.",
  {
    pullSecrets: array(
      "Secrets used to pull this image.",
      object(
        "A Secret reference.",
        { namespace: string("Namespace of the Secret."), name: string("Name of the Secret.") },
        { required: ["namespace", "name"], tsName: "ReferenceObject" },
      ),
    ),
    tags: array(
      "Tags to pull, each with its own policy.",
      object(
        "One tag to pull.",
        {
          tag: string("The tag (or digest).", { minLength: 1 }),
          createdAt: TIME("When the tag was added."),
          pullPolicy: object(
            "How this tag is pulled.",
            {
              timeoutSeconds: int32("Timeout of one pull attempt. Defaults to 600.", {
                default: 600,
                minimum: 1,
              }),
              backoffLimit: int32("Retries before the pull counts as failed. Defaults to 3.", {
                default: 3,
                minimum: 0,
              }),
              ttlSecondsAfterFinished: int32("Seconds after the pull finished at which the tag is removed.", {
                minimum: 0,
              }),
              activeDeadlineSeconds: int64("Seconds after which the pull is abandoned.", { minimum: 1 }),
            },
            { tsName: "ImageTagPullPolicy" },
          ),
          ownerReferences: array(
            "The ImagePullJobs that asked for this tag.",
            freeform("An owner reference.", { tsExternal: { name: "ObjectReference", module: "core/v1" } }),
          ),
          version: int64("Bumped each time the tag is asked to be pulled again.", { minimum: 0 }),
          imagePullPolicy: enumOf("Always or IfNotPresent.", IMAGE_PULL_POLICIES),
        },
        { required: ["tag"], tsName: "ImageTagSpec" },
      ),
      { listType: "map", listMapKeys: ["tag"] },
    ),
    sandboxConfig: sandboxConfig("Metadata passed to the CRI PullImage call."),
  },
  { tsName: "ImageSpec" },
);

export const nodeImageSpec = object(
  "The images the node agent should pull on this node.",
  { images: map("Images to pull, keyed by image name without tag.", imageSpec, { maxProperties: 256 }) },
  { tsName: "NodeImageSpec" },
);

export const nodeImageStatus = object(
  "What the node agent reports about its pulls.",
  {
    desired: int32("Number of tags to pull."),
    succeeded: int32("Number of tags pulled."),
    failed: int32("Number of tags that failed."),
    pulling: int32("Number of tags being pulled."),
    waiting: int32("Number of tags waiting to be pulled."),
    imageStatuses: map(
      "Per image name, the status of each tag.",
      object(
        "Status of one image's tags.",
        {
          tags: array(
            "Status of each tag.",
            object(
              "Status of one tag.",
              {
                tag: string("The tag."),
                phase: enumOf("Phase of the pull.", ["Waiting", "Pulling", "Succeeded", "Failed"]),
                progress: int32("Progress in percent.", { minimum: 0, maximum: 100 }),
                startTime: TIME("When the pull started."),
                completionTime: TIME("When the pull finished."),
                version: int64("The spec version this status is for."),
                imageID: string("Image ID reported by the runtime."),
                message: string("Details, e.g. the pull error."),
              },
              { required: ["tag", "phase"], tsName: "ImageTagStatus" },
            ),
          ),
        },
        { tsName: "ImageStatus" },
      ),
    ),
    firstSyncStatus: object(
      "Result of the agent's first sync on this node.",
      { syncAt: TIME("When the first sync ran."), status: string("Result."), message: string("Details.") },
      { tsName: "SyncStatus" },
    ),
  },
  { tsName: "NodeImageStatus" },
);

export const nodeImage: CrdSource = {
  kind: "NodeImage",
  plural: "nodeimages",
  singular: "nodeimage",
  shortNames: [],
  categories: [KRUISE_CATEGORY],
  scope: "Cluster",
  description: "NodeImage lists the images to pre-pull on one node; its name is the node's name.",
  // OpenKruise serves v1alpha1 and v1beta1 with the same fields, so both carry one schema and conversion is None.
  versions: ALPHA_AND_BETA,
  spec: nodeImageSpec,
  status: nodeImageStatus,
  printerColumns: [
    { name: "DESIRED", type: "integer", jsonPath: ".status.desired", description: "Number of tags to pull." },
    {
      name: "PULLING",
      type: "integer",
      jsonPath: ".status.pulling",
      description: "Number of tags being pulled.",
    },
    {
      name: "SUCCEED",
      type: "integer",
      jsonPath: ".status.succeeded",
      description: "Number of tags pulled.",
    },
    {
      name: "FAILED",
      type: "integer",
      jsonPath: ".status.failed",
      description: "Number of tags that failed.",
    },
    AGE_COLUMN,
  ],
};
