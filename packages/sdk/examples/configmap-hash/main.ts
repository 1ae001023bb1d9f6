// configmap-hash: stamps every ConfigMap with a hash of its data, so pods can roll when config changes.
import { createHash } from "node:crypto";
import type { ConfigMap } from "kubernetes-types/core/v1.js";
import { isNotFound, runController } from "@kruise/sdk";
import type { Kind, Reconciler } from "@kruise/sdk";

export const ConfigMapKind: Kind<ConfigMap> = {
  group: "",
  version: "v1",
  kind: "ConfigMap",
  plural: "configmaps",
  namespaced: true,
};
export const HASH_ANNOTATION = "example.kruise.io/data-hash";

export const reconcile: Reconciler = async ({ namespace, name }, { cache, client, log }) => {
  const cm = cache.get(ConfigMapKind, namespace, name);
  if (!cm) return; // deleted: nothing to do
  const hash = createHash("sha256")
    .update(JSON.stringify([cm.data ?? {}, cm.binaryData ?? {}]))
    .digest("hex")
    .slice(0, 16);
  if (cm.metadata?.annotations?.[HASH_ANNOTATION] === hash) return; // converged: write nothing
  try {
    await client.patch(ConfigMapKind, name, namespace, "merge", {
      metadata: { annotations: { [HASH_ANNOTATION]: hash } },
    });
    log.info({ hash }, "stamped data hash");
  } catch (err) {
    if (!isNotFound(err)) throw err; // a throw is logged and retried with backoff
  }
};

if (import.meta.main) {
  await runController({ name: "configmap-hash", summary: "stamps ConfigMaps with a data hash" }, (mgr) => {
    mgr.controller("configmap-hash").for(ConfigMapKind).workers(2).reconcile(reconcile);
  });
}
