import { NATS_SETTINGS } from "./nats-settings.ts";
import { natsTls, type NatsTlsOptions } from "./nats-tls.ts";

/** How the EventBus connects: server addresses, the user's credentials when the URL names one, and TLS. */
export interface NatsConnectionSettings {
  /** nats://host:port or tls://host:port, without credentials. */
  servers: string[];
  user?: string;
  pass?: string;
  /**
   * `_INBOX_<user>` when a user is set: replies (JetStream pulls included) then arrive on subjects only that user
   * may subscribe to, so one controller cannot read another's deliveries through the shared `_INBOX.>`.
   */
  inboxPrefix?: string;
  /** nats.js's `tls` option: present when the connection must be TLS (see natsTls). */
  tls?: NatsTlsOptions;
}

const flag = `--${NATS_SETTINGS.urlFlag}`;

/**
 * Reads `--nats-url`: comma-separated `nats://[user[:password]@]host:port` or `tls://…` (or bare host:port, which is
 * nats://). The password may instead come from the environment (`NATS_PASSWORD`), which keeps it out of the process
 * list and lets a Secret supply it. `tls` holds the `--nats-tls-*` files.
 *
 * # Guarantees
 * - TLS is required (nats.js refuses a server without it) for tls:// servers and whenever a CA or client certificate
 *   is given; a plain nats:// URL with no TLS files stays plain, as before.
 * - No servers: no settings to check, whatever `tls` holds (a controller that is not on the bus may still be
 *   handed the CA).
 *
 * # Caveats
 * - Every server must name the same user and use the same scheme; a mix is refused with an error, since one
 *   connection has one identity and one TLS setting.
 */
export function natsConnectionSettings(
  urls: string,
  env: NodeJS.ProcessEnv = process.env,
  tls: NatsTlsOptions = {},
): NatsConnectionSettings {
  const servers: string[] = [];
  let user: string | undefined;
  let pass: string | undefined;
  let scheme: string | undefined;
  for (const raw of urls
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const parsed = parse(raw);
    servers.push(parsed.server);
    if (servers.length > 1 && parsed.user !== user) {
      throw new Error(`${flag}: every server must name the same user, got ${JSON.stringify(redact(urls))}`);
    }
    if (servers.length > 1 && parsed.scheme !== scheme) {
      throw new Error(
        `${flag}: every server must use the same scheme (nats:// or tls://), got ${JSON.stringify(redact(urls))}`,
      );
    }
    user = parsed.user;
    scheme = parsed.scheme;
    pass = parsed.pass ?? pass;
  }
  if (servers.length === 0) return { servers };
  const tlsOption = natsTls(tls, scheme === "tls:");
  const withTls = tlsOption === undefined ? {} : { tls: tlsOption };
  if (user === undefined) return { servers, ...withTls };
  pass ??= env[NATS_SETTINGS.passwordEnv];
  return {
    servers,
    user,
    ...(pass !== undefined ? { pass } : {}),
    inboxPrefix: `_INBOX_${user}`,
    ...withTls,
  };
}

const redact = (url: string): string => url.replace(/:[^:@/]*@/g, ":***@");

function parse(raw: string): { server: string; scheme: string; user?: string; pass?: string } {
  const withScheme = /^[a-z]+:\/\//i.test(raw) ? raw : `nats://${raw}`;
  let url: URL | undefined;
  try {
    url = new URL(withScheme);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "nats:" && url.protocol !== "tls:")) {
    throw new Error(
      `${flag}: ${JSON.stringify(redact(raw))} is not host:port, nats://host:port or tls://host:port`,
    );
  }
  const server = `${url.protocol}//${url.host}`;
  if (url.username === "") return { server, scheme: url.protocol };
  return {
    server,
    scheme: url.protocol,
    user: decodeURIComponent(url.username),
    ...(url.password !== "" ? { pass: decodeURIComponent(url.password) } : {}),
  };
}
