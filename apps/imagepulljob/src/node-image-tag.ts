// Writing a job's pull request into one NodeImage: the tag under spec.images[name], with the job appended to its
// owners and its version bumped so the agent pulls again for this job.
import type { ImagePullJob, ImageTagSpec, NodeImage } from "@kruise/api";
import { apiVersionOf, type ReadOnly, thaw } from "@kruise/sdk";
import { ImagePullJobKind, KRUISE_DAEMON_CONFIG_NAMESPACE } from "@kruise/api";
import type { ImageNameTag } from "./image-name.ts";

/** Tag TTL when the job sets none, and for Never jobs (OpenKruise: about a day). */
export const DEFAULT_TAG_TTL_SECONDS = 24 * 3600;
/** Per-tag deadline of a Never job (OpenKruise's 1800 s). */
export const NEVER_ACTIVE_DEADLINE_SECONDS = 1800;

/** The NodeImage with the job's request for `image` in it. */
export function withJobTag(
  nodeImage: ReadOnly<NodeImage>,
  job: ReadOnly<ImagePullJob>,
  image: ImageNameTag,
  now: number,
  /** Names of the job's pull secret copies in `KRUISE_DAEMON_CONFIG_NAMESPACE`. */
  secrets: readonly string[] = [],
): NodeImage {
  const next = thaw<NodeImage>(nodeImage);
  const images = (next.spec ??= {}).images ?? {};
  next.spec.images = images;
  const entry = (images[image.name] ??= {});
  const tags = (entry.tags ??= []);
  const never = job.spec.completionPolicy?.type === "Never";
  const ttl = never
    ? DEFAULT_TAG_TTL_SECONDS
    : (job.spec.completionPolicy?.ttlSecondsAfterFinished ?? DEFAULT_TAG_TTL_SECONDS);
  const deadline = never ? NEVER_ACTIVE_DEADLINE_SECONDS : job.spec.completionPolicy?.activeDeadlineSeconds;
  const owner = {
    apiVersion: apiVersionOf(ImagePullJobKind),
    kind: "ImagePullJob",
    namespace: job.metadata?.namespace ?? "",
    name: job.metadata?.name ?? "",
    uid: job.metadata?.uid ?? "",
  };
  const existing = tags.find((t) => t.tag === image.tag);
  const tag: ImageTagSpec = {
    tag: image.tag,
    createdAt: new Date(now).toISOString().replace(/\.\d+Z$/, "Z"),
    pullPolicy: {
      timeoutSeconds: job.spec.pullPolicy?.timeoutSeconds ?? 600,
      backoffLimit: job.spec.pullPolicy?.backoffLimit ?? 3,
      ttlSecondsAfterFinished: ttl,
      ...(deadline === undefined ? {} : { activeDeadlineSeconds: deadline }),
    },
    ownerReferences: [...(existing?.ownerReferences ?? []).filter((o) => o.uid !== owner.uid), owner],
    version: existing === undefined ? 0 : (existing.version ?? 0) + 1,
    imagePullPolicy: job.spec.imagePullPolicy ?? "IfNotPresent",
  };
  if (existing === undefined) tags.push(tag);
  else tags.splice(tags.indexOf(existing), 1, tag);
  if (job.spec.sandboxConfig !== undefined) entry.sandboxConfig = thaw(job.spec.sandboxConfig);
  const refs = entry.pullSecrets ?? [];
  for (const name of secrets)
    if (!refs.some((r) => r.namespace === KRUISE_DAEMON_CONFIG_NAMESPACE && r.name === name))
      refs.push({ namespace: KRUISE_DAEMON_CONFIG_NAMESPACE, name });
  if (refs.length > 0) entry.pullSecrets = refs;
  return next;
}
