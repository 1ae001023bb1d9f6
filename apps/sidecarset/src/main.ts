// The SidecarSet controller binary: flags, then the manager. Everything else lives in controller.ts.
import pino from "pino";
import { parseControllerFlags, runManager, type WebhookAddress } from "@kruise/sdk";
import { addSidecarSetController, CONTROLLER_NAME } from "./controller.ts";

let flags: ReturnType<typeof parseControllerFlags>;
try {
  flags = parseControllerFlags(process.argv.slice(2), {
    name: CONTROLLER_NAME,
    summary:
      "injects the sidecars of apps.kruise.io SidecarSets into matching pods at creation (admission webhook) and upgrades their images in place",
    extra: {
      namespace: {
        type: "string",
        description:
          "The controller's namespace: SidecarSet revisions and the webhook certificate Secret live here, and its pods are never injected. Default $POD_NAMESPACE, then kruise-system.",
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
      workers: { type: "string", description: "Concurrent SidecarSet reconciles.", default: "3" },
    },
  });
} catch (err) {
  process.stderr.write(`${CONTROLLER_NAME}: ${(err as Error).message}\nRun with --help for the flags.\n`);
  process.exit(2);
}

const workers = Number(flags.extra["workers"]);
const servicePort = Number(flags.extra["webhook-service-port"]);
if (
  !Number.isInteger(workers) ||
  workers < 1 ||
  !Number.isInteger(servicePort) ||
  servicePort < 1 ||
  servicePort > 65535
) {
  process.stderr.write(
    `${CONTROLLER_NAME}: --workers must be a positive integer and --webhook-service-port a port\n`,
  );
  process.exit(2);
}
const namespace = String(flags.extra["namespace"] || process.env.POD_NAMESPACE || "kruise-system");
const service = String(flags.extra["webhook-service-name"] ?? "");
const host = String(flags.extra["webhook-host"] ?? "127.0.0.1");
const webhookAddress: WebhookAddress = service
  ? { service: { namespace, name: service, port: servicePort } }
  : { url: { host } };
const bind = String(flags.extra["webhook-bind-address"] ?? "");
const logger = pino({ level: flags.logLevel }).child({ app: CONTROLLER_NAME });

await runManager({ name: CONTROLLER_NAME, ...flags.manager, logger }, (mgr) => {
  addSidecarSetController(mgr, {
    namespace,
    webhookAddress,
    workers,
    ...(bind ? { webhookBindAddress: bind } : service ? {} : { webhookBindAddress: `${host}:0` }),
  });
});
