// Writes a Mutating- or ValidatingWebhookConfiguration from the webhooks an app declares, filling in where the
// API server reaches us (Service or URL) and the CA bundle. A hash annotation of what we wrote makes a converged
// publish a single read with no write, whatever defaults the API server added.
import { createHash } from "node:crypto";
import type {
  MutatingWebhook,
  MutatingWebhookConfiguration,
  ValidatingWebhook,
  ValidatingWebhookConfiguration,
  WebhookClientConfig,
} from "kubernetes-types/admissionregistration/v1.js";
import type { Logger } from "pino";
import type { Client } from "../client/types.ts";
import { isAlreadyExists, isConflict, isNotFound } from "../client/errors.ts";
import type { Kind } from "../kind.ts";
import { MutatingWebhookConfigurationKind, ValidatingWebhookConfigurationKind } from "../kinds/core.ts";

/** Annotation on a configuration we manage: hash of the webhooks, client configs and CA bundle we last wrote. */
export const WEBHOOK_SPEC_HASH_ANNOTATION = "webhook.kruise.io/spec-hash";

type Declared<W> = Omit<W, "clientConfig" | "admissionReviewVersions" | "sideEffects"> & {
  /** Path on our server that serves this webhook (registered with mutating()/validating()). */
  path: string;
  /** Default "None". */
  sideEffects?: string;
};

/** A mutating webhook as an app declares it: everything but where to reach it. */
export type MutatingWebhookSpec = Declared<MutatingWebhook>;
/** A validating webhook as an app declares it. */
export type ValidatingWebhookSpec = Declared<ValidatingWebhook>;

type AnyConfiguration = MutatingWebhookConfiguration | ValidatingWebhookConfiguration;

/** The declared webhook type of each flavour of configuration. */
export interface WebhookSpecOf {
  mutating: MutatingWebhookSpec;
  validating: ValidatingWebhookSpec;
}
/** Which configuration object: Mutating- or ValidatingWebhookConfiguration. */
export type WebhookFlavour = keyof WebhookSpecOf;

const CONFIGURATION_KIND: Record<WebhookFlavour, Kind<AnyConfiguration>> = {
  mutating: MutatingWebhookConfigurationKind,
  validating: ValidatingWebhookConfigurationKind,
};

/** Where the API server reaches the webhook server: a client config without the CA bundle. */
export type ClientConfigFor = (path: string) => Omit<WebhookClientConfig, "caBundle">;

/** One webhook configuration object that the server keeps in line with the declared webhooks and the CA bundle. */
export class WebhookConfigurationPublisher<S extends MutatingWebhookSpec | ValidatingWebhookSpec> {
  private webhooks: readonly S[] = [];
  private chain: Promise<void> = Promise.resolve();
  private lastBundle: string | undefined;
  private active = false;
  /** Nothing is written before the first set(): an app whose webhooks come from a cache must not publish an empty list. */
  private declared = false;

  private readonly client: Client;
  private readonly kind: Kind<AnyConfiguration>;
  readonly name: string;
  private readonly clientConfigFor: ClientConfigFor;
  private readonly log: Logger;
  private readonly labels: Record<string, string>;

  constructor(
    client: Client,
    kind: Kind<AnyConfiguration>,
    name: string,
    clientConfigFor: ClientConfigFor,
    log: Logger,
    labels: Record<string, string> = {},
  ) {
    this.client = client;
    this.kind = kind;
    this.name = name;
    this.clientConfigFor = clientConfigFor;
    this.log = log;
    this.labels = labels;
  }

  /** The publisher of a `flavour` configuration: its kind (Mutating- or ValidatingWebhookConfiguration) and spec type. */
  static of<F extends WebhookFlavour>(
    flavour: F,
    client: Client,
    name: string,
    clientConfigFor: ClientConfigFor,
    log: Logger,
    labels?: Record<string, string>,
  ): WebhookConfigurationPublisher<WebhookSpecOf[F]> {
    return new WebhookConfigurationPublisher<WebhookSpecOf[F]>(
      client,
      CONFIGURATION_KIND[flavour],
      name,
      clientConfigFor,
      log,
      labels,
    );
  }

  /**
   * Replaces the declared webhooks. Written to the API server once the webhook server is serving (at once if it
   * already is); resolves when that write (or the read that found nothing to write) is done. Until the first call
   * the configuration is left as it is on the server.
   */
  set(webhooks: readonly S[]): Promise<void> {
    this.webhooks = webhooks;
    this.declared = true;
    return this.active && this.lastBundle !== undefined ? this.publish(this.lastBundle) : Promise.resolve();
  }

  /** Called by the server: from now on, write. */
  activate(): void {
    this.active = true;
  }

  /** Called by the server on stop(): later set() calls only remember the webhooks. */
  deactivate(): void {
    this.active = false;
  }

  /** Writes the configuration with `caBundle` if it differs from what is stored. Publishes run one at a time. */
  publish(caBundle: string): Promise<void> {
    this.lastBundle = caBundle;
    if (!this.declared || !this.active) return Promise.resolve();
    const run = this.chain.then(() => this.write(caBundle));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** The object we would write, for tests and for `kubectl diff`-style inspection. */
  render(caBundle: string): AnyConfiguration {
    const bundle = Buffer.from(caBundle).toString("base64");
    const webhooks = this.webhooks.map(({ path, sideEffects, ...rest }) => ({
      ...rest,
      sideEffects: sideEffects ?? "None",
      admissionReviewVersions: ["v1"],
      clientConfig: { ...this.clientConfigFor(path), caBundle: bundle },
    }));
    const hash = createHash("sha256").update(JSON.stringify(webhooks)).digest("hex").slice(0, 16);
    return {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: this.kind.kind as "MutatingWebhookConfiguration",
      metadata: {
        name: this.name,
        labels: { "app.kubernetes.io/managed-by": "kruise-webhook-server", ...this.labels },
        annotations: { [WEBHOOK_SPEC_HASH_ANNOTATION]: hash },
      },
      webhooks: webhooks as MutatingWebhook[],
    };
  }

  private async write(caBundle: string): Promise<void> {
    const desired = this.render(caBundle);
    const hash = desired.metadata!.annotations![WEBHOOK_SPEC_HASH_ANNOTATION];
    for (let attempt = 0; attempt < 5; attempt++) {
      let current: AnyConfiguration | undefined;
      try {
        current = await this.client.get(this.kind, this.name);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      if (current?.metadata?.annotations?.[WEBHOOK_SPEC_HASH_ANNOTATION] === hash) return;
      try {
        if (current) {
          await this.client.update(this.kind, {
            ...desired,
            metadata: {
              ...current.metadata,
              labels: { ...current.metadata?.labels, ...desired.metadata!.labels },
              annotations: { ...current.metadata?.annotations, ...desired.metadata!.annotations },
            },
          });
        } else {
          await this.client.create(this.kind, desired);
        }
        this.log.info(
          { configuration: this.name, kind: this.kind.kind, webhooks: desired.webhooks?.length ?? 0 },
          "webhook configuration written",
        );
        return;
      } catch (err) {
        if (!isConflict(err) && !isAlreadyExists(err)) throw err;
      }
    }
    throw new Error(`${this.kind.kind} ${this.name} kept changing under us`);
  }
}
