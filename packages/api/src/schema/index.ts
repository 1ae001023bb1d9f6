// Every CRD of the apps.kruise.io group, in the order the generator writes them.
import { advancedCronJob } from "./advancedcronjob.ts";
import { broadcastJob } from "./broadcastjob.ts";
import { cloneSet } from "./cloneset.ts";
import type { CrdSource } from "./crd.ts";
import { daemonSet } from "./daemonset.ts";
import { imagePullJob } from "./imagepulljob.ts";
import { nodeImage } from "./nodeimage.ts";
import { sidecarSet } from "./sidecarset.ts";
import { statefulSet } from "./statefulset.ts";
import { unitedDeployment } from "./uniteddeployment.ts";

export const crdSources: readonly CrdSource[] = [
  cloneSet,
  statefulSet,
  sidecarSet,
  unitedDeployment,
  broadcastJob,
  daemonSet,
  advancedCronJob,
  imagePullJob,
  nodeImage,
];

export { GROUP, type CrdSource, type PrinterColumn } from "./crd.ts";
