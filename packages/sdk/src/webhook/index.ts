export { WebhookServer } from "./webhook-server.ts";
export type { WebhookServerOptions, WebhookAddress } from "./webhook-server.ts";
export { allow, deny, patched, jsonPointerSegment, toAdmissionResponse } from "./admission.ts";
export type {
  AdmissionContext,
  AdmissionOperation,
  AdmissionRequest,
  AdmissionResponse,
  AdmissionReview,
  AdmissionUserInfo,
  Allowed,
  Denied,
  GroupVersionKind,
  GroupVersionResource,
  JsonPatchOperation,
  MutatingHandler,
  MutatingResult,
  Patched,
  ValidatingHandler,
  ValidatingResult,
} from "./admission.ts";
export { convertReview } from "./conversion.ts";
export type {
  ConversionHandler,
  ConversionRequest,
  ConversionResponse,
  ConversionReview,
} from "./conversion.ts";
export { WebhookConfigurationPublisher, WEBHOOK_SPEC_HASH_ANNOTATION } from "./webhook-configuration.ts";
export type {
  MutatingWebhookSpec,
  ValidatingWebhookSpec,
  WebhookFlavour,
  WebhookSpecOf,
} from "./webhook-configuration.ts";
export { CertKeeper, SECRET_KEYS, readMaterial } from "./cert-keeper.ts";
export type { CertKeeperOptions, CertMaterial } from "./cert-keeper.ts";
export {
  certificateExpiry,
  certificateFits,
  issueCertificateAuthority,
  issueServingCertificate,
} from "./certificates.ts";
export type { KeyPair } from "./certificates.ts";
export { webhookMetrics } from "./webhook-metrics.ts";
export type { WebhookMetrics } from "./webhook-metrics.ts";
export { DEFAULT_WEBHOOK_NAMESPACE, WEBHOOK_FLAGS, webhookServing } from "./webhook-flags.ts";
export type { WebhookFlagValues, WebhookServing } from "./webhook-flags.ts";
