import { createConnection } from "node:net";
import { connect, type ConnectionOptions } from "@nats-io/transport-node";
import { messageOf } from "../errors.ts";

/** Why a NATS server turned each credential-less attempt away ("connected" if it let one in). */
export interface NatsCredentialRefusals {
  /** A client that names no user at all. */
  anonymous: string;
  /** A client that names a real user with a guessed password. */
  guessedPassword: string;
}

/**
 * The "no credentials" probe of a NATS server with users: connects once anonymously and once as `user` with a
 * guessed password, each without reconnecting, and returns the reason each was refused, for the test to match
 * (`/Authorization Violation/`). `options` carries what every client of that server needs anyway, such as `tls`.
 *
 * # Guarantees
 * - Never throws for a refusal, and closes any connection the server did accept (the result then says "connected").
 *
 * # Caveats
 * - A refusal for another reason (the server down, a TLS failure) is returned as it is: match the reason, not only
 *   its presence.
 */
export async function natsCredentialRefusals(
  servers: string,
  user: string,
  options: Omit<ConnectionOptions, "servers" | "user" | "pass" | "reconnect"> = {},
): Promise<NatsCredentialRefusals> {
  return {
    anonymous: await natsRefusal(servers, {}, options),
    guessedPassword: await natsRefusal(servers, { user, pass: "guess" }, options),
  };
}

/**
 * One attempt of natsCredentialRefusals: connects once with `credentials` (none, or a user and password), without
 * reconnecting, and returns why the server refused ("connected" if it let the client in, which is then closed).
 *
 * # Guarantees
 * - Never throws; a connection the server accepted is closed before it returns.
 */
export async function natsRefusal(
  servers: string,
  credentials: { user?: string; pass?: string },
  options: Omit<ConnectionOptions, "servers" | "user" | "pass" | "reconnect"> = {},
): Promise<string> {
  try {
    const nc = await connect({ timeout: 3_000, ...options, ...credentials, servers, reconnect: false });
    await nc.close();
    return "connected";
  } catch (error) {
    return messageOf(error);
  }
}

/** A connection the NATS server closed, as its monitor lists it (`/connz?state=closed&auth=true`). */
export interface NatsClosedConnection {
  ip?: string;
  /** The user the client named, when it named one (set even when its password was refused). */
  authorized_user?: string;
  /** Why the server closed it: "Authentication Failure" for refused credentials. */
  reason?: string;
}

/**
 * The closed connections a NATS server remembers (its monitor at `monitorUrl`, for example `http://127.0.0.1:8222`):
 * the server's own account of why it turned a client away, which no proxy between the client and the server can
 * lose (a proxy may drop the `-ERR` line the server sends before it closes).
 *
 * # Caveats
 * - The server keeps the most recent closed connections only (10,000 by default).
 */
export async function natsClosedConnections(monitorUrl: string): Promise<NatsClosedConnection[]> {
  const reply = await fetch(`${monitorUrl}/connz?state=closed&auth=true&limit=1024`);
  if (!reply.ok) throw new Error(`${monitorUrl}/connz: HTTP ${reply.status}`);
  return ((await reply.json()) as { connections?: NatsClosedConnection[] }).connections ?? [];
}

/** What a NATS server said to a client speaking the protocol in plain text. */
export interface NatsPlaintextReply {
  /** The server's INFO, which it sends before any TLS handshake (`tls_required` says whether it insists). */
  info: Record<string, unknown> | undefined;
  /** Whether the server answered the client's PING: only a server that let a plain-text client in does. */
  ponged: boolean;
  /** Whether the server closed the connection within the wait. */
  closed: boolean;
}

/**
 * The plain-text probe of a NATS server: over a bare TCP socket, reads the INFO line, sends `CONNECT` and `PING` in
 * clear, and reports whether the server answered (PONG) or closed the connection, within `timeoutMs`.
 *
 * # Guarantees
 * - Speaks no TLS at all (a NATS client library would upgrade on its own when the server asks), so a server that
 *   requires TLS can only refuse it.
 * - Never throws; the socket is closed when it returns.
 */
export async function natsPlaintextReply(
  host: string,
  port: number,
  timeoutMs = 5_000,
): Promise<NatsPlaintextReply> {
  const socket = createConnection({ host, port });
  let text = "";
  let sent = false;
  let closed = false;
  await new Promise<void>((done) => {
    const timer = setTimeout(done, timeoutMs);
    const finish = (): void => {
      clearTimeout(timer);
      done();
    };
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString("utf8");
      if (!sent && text.includes("\r\n")) {
        sent = true;
        socket.write('CONNECT {"verbose":false,"pedantic":false}\r\nPING\r\n');
      }
      if (text.includes("PONG")) finish();
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      closed = true;
      finish();
    });
  });
  socket.destroy();
  const infoLine = /^INFO (\{.*\})/m.exec(text)?.[1];
  let info: Record<string, unknown> | undefined;
  try {
    info = infoLine === undefined ? undefined : (JSON.parse(infoLine) as Record<string, unknown>);
  } catch {
    info = undefined;
  }
  return { info, ponged: text.includes("PONG"), closed };
}
