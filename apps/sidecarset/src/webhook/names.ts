/** The MutatingWebhookConfiguration holding one entry per SidecarSet. */
export const WEBHOOK_CONFIGURATION_NAME = "kruise-sidecarset-injection";
/** The Secret (in the controller's namespace) with the webhook's CA and serving certificate. */
export const WEBHOOK_SECRET_NAME = "sidecarset-webhook-certs";
