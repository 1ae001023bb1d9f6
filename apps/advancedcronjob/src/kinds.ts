import type { Job } from "kubernetes-types/batch/v1.js";
import type { Kind } from "@kruise/sdk";

// The SDK knows no kinds; batch/v1 Job is the one core kind this controller creates.
export const JobKind: Kind<Job> = {
  group: "batch",
  version: "v1",
  kind: "Job",
  plural: "jobs",
  namespaced: true,
};
