import type { PolicyRule } from "kubernetes-types/rbac/v1.js";
import { crdSources, GROUP, needsConversionWebhook } from "@kruise/api";

/** The Secret every replica shares its CA and serving certificate through. */
export const CONVERSION_WEBHOOK_SECRET_NAME = "kruise-conversion-webhook-certs";

/** The CRDs whose conversion this webhook serves (and whose clientConfig it writes). */
export const CONVERTED_CRDS: readonly string[] = crdSources
  .filter(needsConversionWebhook)
  .map((s) => `${s.plural}.${GROUP}`);

/**
 * Everything the conversion webhook may touch: its own certificate Secret and the conversion settings of the CRDs
 * it converts, by name. It reads no Kruise object: the API server sends them in the review.
 */
export const rbacRules: readonly PolicyRule[] = [
  { apiGroups: [""], resources: ["secrets"], verbs: ["create"] },
  {
    apiGroups: [""],
    resources: ["secrets"],
    resourceNames: [CONVERSION_WEBHOOK_SECRET_NAME],
    verbs: ["get", "list", "watch", "update"],
  },
  {
    apiGroups: ["apiextensions.k8s.io"],
    resources: ["customresourcedefinitions"],
    resourceNames: [...CONVERTED_CRDS],
    verbs: ["get", "patch"],
  },
];
