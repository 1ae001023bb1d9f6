import { isAlreadyExists } from "./kube/api-error.ts";
import type { KubeHttpClient } from "./kube/http-client.ts";

/** The default StorageClass's name, as kind and most local clusters call it. */
export const DEFAULT_STORAGE_CLASS = "standard";

/**
 * Creates the default StorageClass, served by kube-controller-manager's host-path provisioner: a claim
 * without a class gets it (DefaultStorageClass admission), binds at once, and its volume is a real
 * directory on this host that simulated and real nodes alike can use. Deleting the claim deletes it.
 */
export async function ensureDefaultStorageClass(client: KubeHttpClient): Promise<void> {
  try {
    await client.create("/apis/storage.k8s.io/v1/storageclasses", {
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: {
        name: DEFAULT_STORAGE_CLASS,
        annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
      },
      provisioner: "kubernetes.io/host-path",
      reclaimPolicy: "Delete",
      volumeBindingMode: "Immediate",
    });
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
  }
}
