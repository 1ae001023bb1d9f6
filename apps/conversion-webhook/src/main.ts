// The conversion webhook binary: flags, then the manager. Everything else lives in conversion-webhook.ts.
import { runController, WEBHOOK_FLAGS, webhookServing } from "@kruise/sdk";
import { addConversionWebhook, CONVERSION_WEBHOOK_NAME } from "./conversion-webhook.ts";

await runController(
  {
    name: CONVERSION_WEBHOOK_NAME,
    summary:
      "converts apps.kruise.io objects between their versions for the API server (CRD conversion webhook, ConversionReview v1 at /convert), and keeps the CRDs' conversion clientConfig and CA bundle pointing at itself",
    extra: {
      namespace: {
        type: "string",
        description:
          "Where the certificate Secret (kruise-conversion-webhook-certs) lives, and the Service with --webhook-service-name. Default $POD_NAMESPACE, then kruise-system.",
        default: "",
      },
      ...WEBHOOK_FLAGS,
    },
  },
  (mgr, flags) => {
    addConversionWebhook(mgr, webhookServing(flags.extra));
  },
);
