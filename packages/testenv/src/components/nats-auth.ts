import { randomBytes } from "node:crypto";

/** What one NATS user may do, in the bus's own terms: the subjects it publishes and the ones it consumes. */
export interface NatsUserGrant {
  /** Subjects (wildcards allowed) the user publishes events on, e.g. `kruise.cloneset.>`. */
  publishes: readonly string[];
  /** Subjects the user consumes from the stream through a JetStream consumer filtered to exactly that subject. */
  consumes: readonly string[];
}

/** A NATS user of the control plane, with its generated password. */
export interface NatsUser {
  user: string;
  password: string;
}

/** The user testenv itself (and tests) connect as: every permission, including managing the stream. */
export const NATS_ADMIN_USER = "testenv";

/**
 * The nats-server `permissions` block for a user of a JetStream bus on `stream`: publish only `publishes` (and the
 * JetStream API calls a publisher and a filtered consumer need), subscribe only to its own inbox prefix
 * (`_INBOX_<user>.>`; the SDK's EventBus connects with that prefix). Consumers may only be created filtered to one
 * of `consumes`, so the user cannot read anything else out of the stream; stream create, update, purge and delete
 * are not granted, so only the admin manages the stream.
 *
 * # Caveats
 * - Consumer info, next-message and delete are granted for any consumer name on the stream (NATS permissions
 *   match whole tokens, and consumer names are chosen by the client).
 */
export function natsPermissions(user: string, grant: NatsUserGrant, stream: string): object {
  const api = "$JS.API";
  const publish = [
    ...grant.publishes,
    `${api}.INFO`,
    `${api}.STREAM.INFO.${stream}`,
    ...(grant.consumes.length === 0
      ? []
      : [
          ...grant.consumes.map((subject) => `${api}.CONSUMER.CREATE.${stream}.*.${subject}`),
          `${api}.CONSUMER.INFO.${stream}.*`,
          `${api}.CONSUMER.DELETE.${stream}.*`,
          `${api}.CONSUMER.MSG.NEXT.${stream}.*`,
          `$JS.ACK.${stream}.>`,
        ]),
  ];
  return { publish: { allow: publish }, subscribe: { allow: [`_INBOX_${user}.>`] } };
}

/**
 * What the one identity that manages `stream` may publish beyond a user's own grant: the JetStream API calls that
 * create the stream and change its subjects or limits (the SDK's EventBus makes them as it connects). Purge and
 * delete are never granted.
 */
export function natsStreamManagement(stream: string): string[] {
  return [`$JS.API.STREAM.CREATE.${stream}`, `$JS.API.STREAM.UPDATE.${stream}`];
}

/** The `authorization` block: the admin plus one user per grant, each with a fresh random password. */
export function natsAuthorization(
  grants: Readonly<Record<string, NatsUserGrant>>,
  stream: string,
): { config: object; admin: NatsUser; users: Record<string, NatsUser> } {
  const password = (): string => randomBytes(18).toString("base64url");
  const admin = { user: NATS_ADMIN_USER, password: password() };
  const users: Record<string, NatsUser> = {};
  const entries: object[] = [
    { user: admin.user, password: admin.password, permissions: { publish: ">", subscribe: ">" } },
  ];
  for (const [user, grant] of Object.entries(grants)) {
    if (user === NATS_ADMIN_USER) throw new Error(`natsUsers: "${user}" is reserved for testenv itself`);
    users[user] = { user, password: password() };
    entries.push({ user, password: users[user].password, permissions: natsPermissions(user, grant, stream) });
  }
  return { config: { users: entries }, admin, users };
}

/** nats://user:password@127.0.0.1:port */
export function natsUserUrl(user: NatsUser, port: number): string {
  return `nats://${encodeURIComponent(user.user)}:${encodeURIComponent(user.password)}@127.0.0.1:${port}`;
}

/** nats.js connect options for a `natsUrl`/`natsUserUrl` (nats.js does not read credentials from the URL). */
export function natsConnectOptions(url: string): { servers: string; user?: string; pass?: string } {
  const parsed = new URL(url);
  const servers = `${parsed.protocol}//${parsed.host}`;
  if (parsed.username === "") return { servers };
  return { servers, user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) };
}
