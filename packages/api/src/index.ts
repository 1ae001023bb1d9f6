// @kruise/api: the apps.kruise.io CRDs as TypeScript types, Kind descriptors, well-known keys and defaults.
export type * from "./generated/types.ts";
export * from "./generated/kinds.ts";
export type { Kind } from "./kind.ts";
export * from "./constants/index.ts";
export { applyDefaults } from "./defaults/apply-defaults.ts";
export { cloneSetFromV1beta1, cloneSetToV1beta1 } from "./conversion/cloneset.ts";
export { convertedVersions, convertKruiseObject } from "./conversion/convert.ts";
export { crdSources, GROUP, type CrdSource, type PrinterColumn } from "./schema/index.ts";
export { CONVERSION_WEBHOOK, needsConversionWebhook } from "./schema/crd.ts";
export {
  DeleteProtection,
  DELETION_PROTECTION_POLICY_NAME,
  deletionProtectionBinding,
  deletionProtectionPolicy,
} from "./policies/deletion-protection.ts";
export * from "./bus/index.ts";
export {
  formatRuntimeContainerMetaSet,
  readRuntimeContainerMetaSet,
  type RuntimeContainerHashes,
  type RuntimeContainerMeta,
  type RuntimeContainerMetaSet,
} from "./pod/runtime-containers-meta.ts";
