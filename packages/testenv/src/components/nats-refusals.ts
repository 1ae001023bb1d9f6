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
  const attempt = async (credentials: { user?: string; pass?: string }): Promise<string> => {
    try {
      const nc = await connect({ timeout: 3_000, ...options, ...credentials, servers, reconnect: false });
      await nc.close();
      return "connected";
    } catch (error) {
      return messageOf(error);
    }
  };
  return {
    anonymous: await attempt({}),
    guessedPassword: await attempt({ user, pass: "guess" }),
  };
}
