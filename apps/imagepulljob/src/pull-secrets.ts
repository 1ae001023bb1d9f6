// A job's pull secrets, copied into the agents' namespace (kruise-daemon-config) so that the node agent can read
// them without access to every namespace. One copy per source Secret, shared by every job that names it and
// reference-counted in an annotation; deleted when its last job lets go (as OpenKruise does).
import type { Secret } from "kubernetes-types/core/v1.js";
import { type ImagePullJob, KRUISE_DAEMON_CONFIG_NAMESPACE } from "@kruise/api";
import { type Client, isNotFound, jsonEqual, type ReadOnly, SecretKind } from "@kruise/sdk";

export const SOURCE_KEY_ANNOTATION = "imagepulljobs.kruise.io/source-key";
export const REFERENCES_ANNOTATION = "imagepulljobs.kruise.io/references";
export const MODE_ANNOTATION = "imagepulljobs.kruise.io/mode";

function jobKey(job: ReadOnly<ImagePullJob>): string {
  return `${job.metadata?.namespace ?? ""}/${job.metadata?.name ?? ""}`;
}
function referencesOf(secret: ReadOnly<Secret>): string[] {
  return (secret.metadata?.annotations?.[REFERENCES_ANNOTATION] ?? "").split(",").filter((r) => r !== "");
}
async function copiesOf(client: Client, sourceKey: string): Promise<Secret[]> {
  const all = (await client.list(SecretKind, { namespace: KRUISE_DAEMON_CONFIG_NAMESPACE })).items;
  return all.filter((s) => s.metadata?.annotations?.[SOURCE_KEY_ANNOTATION] === sourceKey);
}

/**
 * Makes a current copy of each of the job's pull secrets, with the job among its references; returns the copies'
 * names in order. A missing source Secret is skipped (the pull then goes without it, and fails if it needed it).
 */
export async function syncPullSecrets(client: Client, job: ReadOnly<ImagePullJob>): Promise<string[]> {
  const names: string[] = [];
  const namespace = job.metadata?.namespace ?? "";
  for (const name of job.spec.pullSecrets ?? []) {
    let source: Secret;
    try {
      source = await client.get(SecretKind, name, namespace);
    } catch (err) {
      if (isNotFound(err)) continue;
      throw err;
    }
    const sourceKey = `${namespace}/${name}`;
    const [copy] = await copiesOf(client, sourceKey);
    const references = [...new Set([...(copy === undefined ? [] : referencesOf(copy)), jobKey(job)])].sort();
    const annotations = {
      [SOURCE_KEY_ANNOTATION]: sourceKey,
      [REFERENCES_ANNOTATION]: references.join(","),
      [MODE_ANNOTATION]: "batch",
    };
    if (copy === undefined) {
      const created = await client.create(SecretKind, {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { generateName: `${name}-`, namespace: KRUISE_DAEMON_CONFIG_NAMESPACE, annotations },
        ...(source.type === undefined ? {} : { type: source.type }),
        data: { ...(source.data ?? {}) },
      });
      names.push(created.metadata?.name ?? "");
      continue;
    }
    if (
      !jsonEqual(copy.data ?? {}, source.data ?? {}) ||
      referencesOf(copy).join(",") !== annotations[REFERENCES_ANNOTATION]
    )
      await client.update(SecretKind, {
        ...copy,
        metadata: {
          ...copy.metadata,
          annotations: { ...(copy.metadata?.annotations ?? {}), ...annotations },
        },
        data: { ...(source.data ?? {}) },
      });
    names.push(copy.metadata?.name ?? "");
  }
  return names;
}

/** Takes the job off every copy that references it; a copy left with no reference is deleted. */
export async function releasePullSecrets(client: Client, job: ReadOnly<ImagePullJob>): Promise<void> {
  const namespace = job.metadata?.namespace ?? "";
  for (const name of job.spec.pullSecrets ?? []) {
    for (const copy of await copiesOf(client, `${namespace}/${name}`)) {
      const references = referencesOf(copy).filter((r) => r !== jobKey(job));
      if (references.length === referencesOf(copy).length) continue;
      if (references.length === 0) {
        await client
          .delete(SecretKind, copy.metadata?.name ?? "", KRUISE_DAEMON_CONFIG_NAMESPACE, {
            preconditions: { resourceVersion: copy.metadata?.resourceVersion ?? "" },
          })
          .catch((err: unknown) => {
            if (!isNotFound(err)) throw err;
          });
        continue;
      }
      await client.update(SecretKind, {
        ...copy,
        metadata: {
          ...copy.metadata,
          annotations: {
            ...(copy.metadata?.annotations ?? {}),
            [REFERENCES_ANNOTATION]: references.join(","),
          },
        },
      });
    }
  }
}
