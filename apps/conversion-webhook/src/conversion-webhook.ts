// The conversion webhook: @kruise/api's pure conversion functions behind the SDK's webhook server, and the CRDs'
// conversion clientConfig kept pointing at it with the CA that signs its certificate.
import { convertKruiseObject } from "@kruise/api";
import type { Client, Kind, Manager, WebhookAddress, WebhookServer } from "@kruise/sdk";
import { CONVERSION_WEBHOOK_SECRET_NAME, CONVERTED_CRDS } from "./rbac.ts";

export const CONVERSION_WEBHOOK_NAME = "kruise-conversion-webhook";
export const CONVERT_PATH = "/convert";

const CrdKind: Kind = {
  group: "apiextensions.k8s.io",
  version: "v1",
  kind: "CustomResourceDefinition",
  plural: "customresourcedefinitions",
  namespaced: false,
};

export interface ConversionWebhookOptions {
  /** Namespace of the certificate Secret (and of the Service, with a Service address). */
  namespace: string;
  address: WebhookAddress;
  bindAddress?: string;
  /** Serving certificate lifetime (tests renew quickly). */
  certValidityMs?: number;
}

/**
 * Serves ConversionReview v1 at /convert on the manager's webhook server and writes every converted CRD's
 * `spec.conversion.webhook.clientConfig` (address and caBundle) whenever the CA bundle changes.
 *
 * # Guarantees
 * - The CRDs are pointed at this server only once it serves with a certificate their caBundle trusts (the SDK's
 *   server publishes after listening, and a new CA is published before it signs a served certificate).
 * - Every replica serves; none needs to lead. Writing the same clientConfig twice changes nothing.
 *
 * # Caveats
 * - With a URL address the CRDs name one process: run one replica that way (tests, `npm start`). With a Service
 *   address (the chart) any number of replicas serve behind it.
 */
export function addConversionWebhook(mgr: Manager, options: ConversionWebhookOptions): WebhookServer {
  const webhook = mgr.webhookServer({
    name: CONVERSION_WEBHOOK_NAME,
    address: options.address,
    secret: { namespace: options.namespace, name: CONVERSION_WEBHOOK_SECRET_NAME },
    ...(options.bindAddress ? { bindAddress: options.bindAddress } : {}),
    ...(options.certValidityMs ? { certValidityMs: options.certValidityMs } : {}),
  });
  webhook.conversion(CONVERT_PATH, convertKruiseObject);
  const client = mgr.client.ungated();
  webhook.onCaBundle((caBundle) => pointCrds(client, clientConfig(options.address, webhook), caBundle));
  return webhook;
}

type ClientConfig =
  | { url: string; service: null }
  | {
      service: { namespace: string; name: string; port: number; path: string };
      url: null;
    };

function clientConfig(address: WebhookAddress, webhook: WebhookServer): ClientConfig {
  if ("service" in address) {
    const { namespace, name, port } = address.service;
    return { service: { namespace, name, port: port ?? 443, path: CONVERT_PATH }, url: null };
  }
  const host = address.url.host ?? "127.0.0.1";
  return {
    url: `https://${host.includes(":") ? `[${host}]` : host}:${webhook.port}${CONVERT_PATH}`,
    service: null,
  };
}

async function pointCrds(client: Client, config: ClientConfig, caBundle: string): Promise<void> {
  const patch = {
    spec: {
      conversion: {
        strategy: "Webhook",
        webhook: {
          conversionReviewVersions: ["v1"],
          clientConfig: { ...config, caBundle: Buffer.from(caBundle).toString("base64") },
        },
      },
    },
  };
  await Promise.all(CONVERTED_CRDS.map((name) => client.patch(CrdKind, name, undefined, "merge", patch)));
}
