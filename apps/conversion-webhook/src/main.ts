// The conversion webhook binary: flags, then the manager. Everything else lives in conversion-webhook.ts.
import pino from "pino";
import { parseControllerFlags, runManager, type WebhookAddress } from "@kruise/sdk";
import { addConversionWebhook, CONVERSION_WEBHOOK_NAME } from "./conversion-webhook.ts";

let flags: ReturnType<typeof parseControllerFlags>;
try {
  flags = parseControllerFlags(process.argv.slice(2), {
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
      "webhook-service-name": {
        type: "string",
        description:
          "In a cluster: the Service (in --namespace) the API server calls the webhook through. Empty: a URL on --webhook-host and the bound port.",
        default: "",
      },
      "webhook-service-port": { type: "string", description: "Port of that Service.", default: "443" },
      "webhook-host": {
        type: "string",
        description: "Without a Service: the host in the webhook URL (the API server must reach it).",
        default: "127.0.0.1",
      },
      "webhook-bind-address": {
        type: "string",
        description:
          "host:port the webhook listens on. Default :9443 with a Service, <webhook-host>:0 without.",
        default: "",
      },
    },
  });
} catch (err) {
  process.stderr.write(
    `${CONVERSION_WEBHOOK_NAME}: ${(err as Error).message}\nRun with --help for the flags.\n`,
  );
  process.exit(2);
}

const servicePort = Number(flags.extra["webhook-service-port"]);
if (!Number.isInteger(servicePort) || servicePort < 1 || servicePort > 65535) {
  process.stderr.write(`${CONVERSION_WEBHOOK_NAME}: --webhook-service-port must be a port (1-65535)\n`);
  process.exit(2);
}
const namespace = String(flags.extra["namespace"] || process.env.POD_NAMESPACE || "kruise-system");
const service = String(flags.extra["webhook-service-name"] ?? "");
const host = String(flags.extra["webhook-host"] ?? "127.0.0.1");
const address: WebhookAddress = service
  ? { service: { namespace, name: service, port: servicePort } }
  : { url: { host } };
const bind = String(flags.extra["webhook-bind-address"] ?? "");
const logger = pino({ level: flags.logLevel }).child({ app: CONVERSION_WEBHOOK_NAME });

await runManager({ name: CONVERSION_WEBHOOK_NAME, ...flags.manager, logger }, (mgr) => {
  addConversionWebhook(mgr, {
    namespace,
    address,
    ...(bind ? { bindAddress: bind } : service ? {} : { bindAddress: `${host}:0` }),
  });
});
