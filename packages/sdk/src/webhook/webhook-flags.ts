import type { ExtraFlag, FlagValue } from "../manager/flags.ts";
import type { WebhookAddress } from "./webhook-server.ts";

/**
 * The flags of a binary that serves a webhook, declared once: spread into its program's `extra`. With a Service
 * (in a cluster) the API server calls the webhook through it; without one, through a URL on the host and the port
 * the server bound.
 */
export const WEBHOOK_FLAGS = {
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
    description: "host:port the webhook listens on. Default :9443 with a Service, <webhook-host>:0 without.",
    default: "",
  },
} as const satisfies Record<string, ExtraFlag>;

/** The parsed values of WEBHOOK_FLAGS (a program's `flags.extra` fits). */
export type WebhookFlagValues = {
  readonly [K in keyof typeof WEBHOOK_FLAGS]: FlagValue<(typeof WEBHOOK_FLAGS)[K]>;
};

/** The webhook's namespace, where the API server reaches it, and where it listens (absent: the server's default, :9443). */
export interface WebhookServing {
  /** Of the certificate Secret, and of the Service with --webhook-service-name. */
  readonly namespace: string;
  readonly address: WebhookAddress;
  readonly bindAddress?: string;
}

/** The namespace a webhook binary without a --namespace value runs in when $POD_NAMESPACE is unset too. */
export const DEFAULT_WEBHOOK_NAMESPACE = "kruise-system";

/**
 * The webhook's namespace, address and bind address from WEBHOOK_FLAGS' values and the binary's own `--namespace`
 * (its description is the binary's: what else lives there differs).
 *
 * Guarantees: the namespace is `--namespace`, else $POD_NAMESPACE, else DEFAULT_WEBHOOK_NAMESPACE. Without a Service
 * and without --webhook-bind-address it listens on `<webhook-host>:0`, so the URL it publishes names a port it
 * really bound.
 */
export function webhookServing(
  values: WebhookFlagValues & { readonly namespace: string },
  env: NodeJS.ProcessEnv = process.env,
): WebhookServing {
  const namespace = values.namespace || env.POD_NAMESPACE || DEFAULT_WEBHOOK_NAMESPACE;
  const service = values["webhook-service-name"];
  const host = values["webhook-host"];
  const bind = values["webhook-bind-address"];
  const bindAddress = bind !== "" ? bind : service ? undefined : `${host}:0`;
  return {
    namespace,
    address: service
      ? { service: { namespace, name: service, port: values["webhook-service-port"] } }
      : { url: { host } },
    ...(bindAddress === undefined ? {} : { bindAddress }),
  };
}
