// Keeps the webhook's CA and serving certificate in one Secret, shared by every replica: creates them, renews them
// before they expire, heals a deleted or damaged Secret, and tells the server when to swap its TLS context and
// when the CA bundle it publishes changed.
import { X509Certificate, createPrivateKey } from "node:crypto";
import type { Secret } from "kubernetes-types/core/v1.js";
import type { Logger } from "pino";
import type { Client } from "../client/types.ts";
import { isAlreadyExists, isConflict, isNotFound } from "../client/errors.ts";
import type { Clock } from "../clock/clock.ts";
import { SecretKind } from "../kinds/core.ts";
import type { KeyPair } from "./certificates.ts";
import {
  certificateExpiry,
  certificateFits,
  issueCertificateAuthority,
  issueServingCertificate,
  renewalTime,
} from "./certificates.ts";

const DAY_MS = 86_400_000;
/** Secret keys. `ca-bundle.crt` holds the current CA and, during a CA change, the previous one. */
export const SECRET_KEYS = {
  caCert: "ca.crt",
  caKey: "ca.key",
  caBundle: "ca-bundle.crt",
  tlsCert: "tls.crt",
  tlsKey: "tls.key",
} as const;

export interface CertKeeperOptions {
  client: Client;
  secretNamespace: string;
  secretName: string;
  /** Common name of the serving certificate (and prefix of the CA's). */
  commonName: string;
  dnsNames: readonly string[];
  ipAddresses: readonly string[];
  /** Default 10 years. */
  caValidityMs?: number;
  /** Default 1 year. */
  certValidityMs?: number;
  /** Renew when less than this fraction of a certificate's lifetime is left. Default 1/3. */
  renewFraction?: number;
  /** How often the Secret is re-read even without a watch event. Default 60 s. */
  resyncMs?: number;
  clock: Clock;
  log: Logger;
}

/** What the server serves and publishes, as read from (or written to) the Secret. */
export interface CertMaterial {
  serving: KeyPair;
  ca: KeyPair;
  /** PEM concatenation of the CAs the API server must trust right now. */
  caBundle: string;
}

export interface CertKeeperHooks {
  /** Called with a new CA bundle before any certificate signed by a new CA is served or stored. */
  publishBundle(caBundle: string): Promise<void>;
  /** Called when the serving certificate or the bundle changed (another replica may have renewed them). */
  serve(material: CertMaterial): void;
}

export class CertKeeper {
  private readonly o: Required<Omit<CertKeeperOptions, "client" | "clock" | "log">> & CertKeeperOptions;
  private material: CertMaterial | undefined;
  private syncing: Promise<void> | undefined;
  private again = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly stopper = new AbortController();

  private readonly hooks: CertKeeperHooks;

  constructor(options: CertKeeperOptions, hooks: CertKeeperHooks) {
    this.hooks = hooks;
    this.o = {
      caValidityMs: 3650 * DAY_MS,
      certValidityMs: 365 * DAY_MS,
      renewFraction: 1 / 3,
      resyncMs: 60_000,
      ...options,
    };
  }

  /** The material now served, once the first sync has finished. */
  get current(): CertMaterial | undefined {
    return this.material;
  }

  /** First sync (rejects if the Secret can be neither read nor written), then keep it right until stop(). */
  async start(): Promise<CertMaterial> {
    await this.sync();
    void this.watchLoop();
    return this.material!;
  }

  stop(): void {
    this.stopper.abort();
    if (this.timer) clearTimeout(this.timer);
  }

  /** Reads the Secret and repairs whatever is missing, damaged or due; coalesces concurrent calls. */
  sync(): Promise<void> {
    if (this.syncing) {
      this.again = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      try {
        do {
          this.again = false;
          await this.syncOnce();
        } while (this.again);
      } finally {
        this.syncing = undefined;
        this.schedule();
      }
    })();
    return this.syncing;
  }

  private async syncOnce(): Promise<void> {
    const { client, secretNamespace: ns, secretName: name } = this.o;
    for (let attempt = 0; attempt < 5; attempt++) {
      let secret: Secret | undefined;
      try {
        secret = await client.get(SecretKind, name, ns);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      const stored = secret ? readMaterial(secret) : undefined;
      const desired = this.repair(stored);
      if (desired === stored) {
        this.adopt(stored);
        return;
      }
      // A new CA must be trusted by the API server before anything it signed is stored or served.
      if (desired.caBundle !== (stored?.caBundle ?? this.material?.caBundle))
        await this.hooks.publishBundle(desired.caBundle);
      try {
        if (secret) {
          await client.update(SecretKind, {
            ...secret,
            type: secret.type ?? "kubernetes.io/tls",
            data: { ...secret.data, ...encodeMaterial(desired) },
          });
        } else {
          await client.create(SecretKind, {
            apiVersion: "v1",
            kind: "Secret",
            metadata: {
              name,
              namespace: ns,
              labels: { "app.kubernetes.io/component": "webhook-certificates" },
            },
            type: "kubernetes.io/tls",
            data: encodeMaterial(desired),
          });
        }
        this.o.log.info(
          {
            secret: `${ns}/${name}`,
            expires: new Date(certificateExpiry(desired.serving.certPem)).toISOString(),
          },
          secret ? "webhook certificate renewed" : "webhook certificates created",
        );
        this.adopt(desired);
        return;
      } catch (err) {
        // Another replica wrote first: read its material and adopt that instead.
        if (!isConflict(err) && !isAlreadyExists(err)) throw err;
      }
    }
    throw new Error(`webhook certificate Secret ${ns}/${name} kept changing under us`);
  }

  /** `stored` itself when it is fine, else fresh material (keeping what is still good). */
  private repair(stored: CertMaterial | undefined): CertMaterial {
    const now = this.o.clock.now();
    const hosts = [...this.o.dnsNames, ...this.o.ipAddresses];
    const caGood = stored !== undefined && validCa(stored.ca, now, this.o.renewFraction);
    const servingGood =
      caGood &&
      certificateFits(stored.serving.certPem, stored.ca.certPem, hosts, now) &&
      !due(stored.serving.certPem, now, this.o.renewFraction);
    if (caGood && servingGood && stored.caBundle.includes(stored.ca.certPem.trim())) return stored;
    const at = new Date(now);
    const ca = caGood
      ? stored.ca
      : issueCertificateAuthority({
          commonName: `${this.o.commonName}-ca`,
          now: at,
          validityMs: this.o.caValidityMs,
        });
    const serving = issueServingCertificate(ca, {
      commonName: this.o.commonName,
      dnsNames: this.o.dnsNames,
      ipAddresses: this.o.ipAddresses,
      now: at,
      validityMs: this.o.certValidityMs,
    });
    // Keep trusting the CA that signed what is served now (ours in memory, or the stored one), while it lasts.
    const previous = [stored?.ca.certPem, this.material?.ca.certPem].filter(
      (p): p is string => p !== undefined && p !== ca.certPem && certificateExpiry(p) > now,
    );
    const caBundle =
      [...new Set([ca.certPem, ...previous.slice(0, 1)].map((p) => p.trim()))].join("\n") + "\n";
    return { ca, serving, caBundle };
  }

  private adopt(material: CertMaterial): void {
    const before = this.material;
    this.material = material;
    if (before?.serving.certPem !== material.serving.certPem || before.caBundle !== material.caBundle)
      this.hooks.serve(material);
  }

  /** Next sync: when the serving certificate becomes due, or the resync period, whichever is sooner. */
  private schedule(): void {
    if (this.stopper.signal.aborted) return;
    if (this.timer) clearTimeout(this.timer);
    let delay = this.o.resyncMs;
    if (this.material) {
      const dueAt = renewalTime(this.material.serving.certPem, this.o.renewFraction);
      delay = Math.min(delay, Math.max(0, dueAt - this.o.clock.now()) + 10);
    }
    this.timer = setTimeout(
      () =>
        void this.sync().catch((err: unknown) => this.o.log.warn({ err }, "webhook certificate sync failed")),
      Math.min(delay, 2 ** 31 - 1),
    );
    this.timer.unref?.();
  }

  /** Watches the one Secret, so a deletion or an edit heals at once; reconnects forever. */
  private async watchLoop(): Promise<void> {
    const signal = this.stopper.signal;
    while (!signal.aborted) {
      try {
        for await (const ev of this.o.client.watch(SecretKind, {
          namespace: this.o.secretNamespace,
          fieldSelector: `metadata.name=${this.o.secretName}`,
          timeoutSeconds: 300,
          signal,
        })) {
          if (ev.type === "BOOKMARK") continue;
          const stored = ev.type === "DELETED" ? undefined : readMaterial(ev.object);
          if (
            !stored ||
            stored.serving.certPem !== this.material?.serving.certPem ||
            stored.caBundle !== this.material.caBundle
          )
            await this.sync().catch((err: unknown) =>
              this.o.log.warn({ err }, "webhook certificate sync failed"),
            );
        }
      } catch (err) {
        if (signal.aborted) return;
        this.o.log.debug({ err }, "webhook certificate watch ended; reconnecting");
      }
      await new Promise((r) => setTimeout(r, 1000).unref?.());
    }
  }
}

function due(certPem: string, now: number, fraction: number): boolean {
  return now >= renewalTime(certPem, fraction);
}

function validCa(ca: KeyPair, now: number, fraction: number): boolean {
  try {
    const cert = new X509Certificate(ca.certPem);
    return cert.ca && cert.checkPrivateKey(createPrivateKey(ca.keyPem)) && !due(ca.certPem, now, fraction);
  } catch {
    return false;
  }
}

/** The material in a Secret, or undefined when a key is missing or unreadable (the keeper then replaces it). */
export function readMaterial(secret: Secret): CertMaterial | undefined {
  const d = secret.data ?? {};
  const text = (k: string): string | undefined => (d[k] ? Buffer.from(d[k], "base64").toString() : undefined);
  const caCert = text(SECRET_KEYS.caCert);
  const caKey = text(SECRET_KEYS.caKey);
  const tlsCert = text(SECRET_KEYS.tlsCert);
  const tlsKey = text(SECRET_KEYS.tlsKey);
  if (!caCert || !caKey || !tlsCert || !tlsKey) return undefined;
  try {
    if (!new X509Certificate(tlsCert).checkPrivateKey(createPrivateKey(tlsKey))) return undefined;
  } catch {
    return undefined;
  }
  return {
    ca: { certPem: caCert, keyPem: caKey },
    serving: { certPem: tlsCert, keyPem: tlsKey },
    caBundle: text(SECRET_KEYS.caBundle) ?? caCert,
  };
}

function encodeMaterial(m: CertMaterial): Record<string, string> {
  const b64 = (s: string): string => Buffer.from(s).toString("base64");
  return {
    [SECRET_KEYS.caCert]: b64(m.ca.certPem),
    [SECRET_KEYS.caKey]: b64(m.ca.keyPem),
    [SECRET_KEYS.caBundle]: b64(m.caBundle),
    [SECRET_KEYS.tlsCert]: b64(m.serving.certPem),
    [SECRET_KEYS.tlsKey]: b64(m.serving.keyPem),
  };
}
