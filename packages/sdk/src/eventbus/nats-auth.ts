/** How the EventBus connects: server addresses and, when the URL names a user, that user's credentials. */
export interface NatsConnectionSettings {
  /** host:port (or nats://host:port) without credentials. */
  servers: string[];
  user?: string;
  pass?: string;
  /**
   * `_INBOX_<user>` when a user is set: replies (JetStream pulls included) then arrive on subjects only that user
   * may subscribe to, so one controller cannot read another's deliveries through the shared `_INBOX.>`.
   */
  inboxPrefix?: string;
}

/**
 * Reads `--nats-url`: comma-separated `nats://[user[:password]@]host:port`. The password may instead come from
 * the environment (`NATS_PASSWORD`), which keeps it out of the process list and lets a Secret supply it.
 *
 * # Caveats
 * - Every server must name the same user; a mix is refused with an error, since one connection has one identity.
 */
export function natsConnectionSettings(
  urls: string,
  env: NodeJS.ProcessEnv = process.env,
): NatsConnectionSettings {
  const servers: string[] = [];
  let user: string | undefined;
  let pass: string | undefined;
  for (const raw of urls
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const parsed = parse(raw);
    servers.push(parsed.server);
    if (servers.length > 1 && parsed.user !== user) {
      throw new Error(
        `--nats-url: every server must name the same user, got ${JSON.stringify(urls.replace(/:[^:@/]*@/g, ":***@"))}`,
      );
    }
    user = parsed.user;
    pass = parsed.pass ?? pass;
  }
  if (user === undefined) return { servers };
  pass ??= env["NATS_PASSWORD"];
  return { servers, user, ...(pass !== undefined ? { pass } : {}), inboxPrefix: `_INBOX_${user}` };
}

function parse(raw: string): { server: string; user?: string; pass?: string } {
  const withScheme = /^[a-z]+:\/\//i.test(raw) ? raw : `nats://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(
      `--nats-url: ${JSON.stringify(raw.replace(/:[^:@/]*@/, ":***@"))} is not host:port or nats://host:port`,
    );
  }
  const server = `${url.protocol}//${url.host}`;
  if (url.username === "") return { server };
  return {
    server,
    user: decodeURIComponent(url.username),
    ...(url.password !== "" ? { pass: decodeURIComponent(url.password) } : {}),
  };
}
