// The SidecarSet controller binary: flags → manager → controller. Everything else lives in controller.ts.
import { runController, type WebhookAddress } from "@kruise/sdk";
import { addSidecarSetController, CONTROLLER_NAME } from "./controller.ts";

await runController(
  {
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
      "webhook-service-port": {
        type: "integer",
        description: "Port of that Service.",
        default: 443,
        min: 1,
        max: 65535,
      },
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
      workers: { type: "integer", description: "Concurrent SidecarSet reconciles.", default: 3 },
    },
  },
  (mgr, flags) => {
    const namespace = flags.extra.namespace || process.env.POD_NAMESPACE || "kruise-system";
    const service = flags.extra["webhook-service-name"];
    const host = flags.extra["webhook-host"];
    const webhookAddress: WebhookAddress = service
      ? { service: { namespace, name: service, port: flags.extra["webhook-service-port"] } }
      : { url: { host } };
    const bind = flags.extra["webhook-bind-address"];
    addSidecarSetController(mgr, {
      namespace,
      webhookAddress,
      workers: flags.extra.workers,
      ...(bind ? { webhookBindAddress: bind } : service ? {} : { webhookBindAddress: `${host}:0` }),
    });
  },
);
