/**
 * The label, annotation, condition and env keys this package uses. Kruise's own keys come from
 * @kruise/api (one place for each constant); the names here are the ones this package's code reads.
 * Only Kubernetes' ControllerRevision hash label is defined here, since it is not a Kruise key.
 */
export {
  CLONESET_INSTANCE_ID_LABEL,
  CLONESET_SCALING_EXCLUDE_PREPARING_DELETE_LABEL,
  CONTAINER_BARRIER_ENV,
  CONTAINER_LAUNCH_PRIORITY_ANNOTATION,
  CONTAINER_PRIORITY_ENV,
  CONTROLLER_REVISION_HASH_LABEL,
  INPLACE_UPDATE_GRACE_ANNOTATION,
  INPLACE_UPDATE_GRACE_ANNOTATION_OLD,
  INPLACE_UPDATE_STATE_ANNOTATION,
  INPLACE_UPDATE_STATE_ANNOTATION_OLD,
  IN_PLACE_UPDATE_READY as INPLACE_UPDATE_READY_CONDITION,
  KRUISE_POD_READY as KRUISE_POD_READY_CONDITION,
  LIFECYCLE_STATE_LABEL,
  LIFECYCLE_TIMESTAMP_ANNOTATION,
  POD_DELETION_COST_ANNOTATION,
  POD_TEMPLATE_HASH_LABEL,
  RUNTIME_CONTAINERS_META_ANNOTATION,
  SPECIFIED_DELETE_LABEL,
  CLONESET_VOLUME_CLAIM_TEMPLATE_HASH_ANNOTATION as VOLUME_CLAIM_TEMPLATE_HASH_ANNOTATION,
} from "@kruise/api";

/** ControllerRevision label holding the data hash, as Kubernetes' history package writes it. */
export const CONTROLLER_REVISION_DATA_HASH_LABEL = "controller.kubernetes.io/hash";
