// The bus contracts between controllers: event names (the subject's last token), who publishes them, their
// payload types and step keys, and who may publish or consume what (BUS_PARTIES).
export { BUS_PARTIES, type BusParty } from "./parties.ts";
export { consumedSubjects } from "./topics.ts";
export {
  IMAGE_PREDOWNLOAD_PUBLISHERS,
  IMAGE_PREDOWNLOAD_REQUESTED_EVENT,
  imagePredownloadRequestedId,
  type ImagePredownloadRequest,
} from "./image-predownload.ts";
export {
  JOB_FINISHED_EVENT,
  JOB_FINISHED_PUBLISHERS,
  jobFinishedId,
  type JobFinished,
} from "./job-finished.ts";
export {
  SUBSET_STATUS_CHANGED_EVENT,
  SUBSET_STATUS_PUBLISHERS,
  subsetStatusChangedId,
  type SubsetStatusChanged,
} from "./subset-status.ts";
export {
  SIDECARSET_CHANGED_EVENT,
  SIDECARSET_CHANGED_PUBLISHERS,
  sidecarSetChangedId,
  type SidecarSetChanged,
} from "./sidecarset-changed.ts";
