/**
 * The names a controller's NATS settings go by: its command-line flags and the environment variable of its password.
 * The one place for them: the standard flags, the errors that name a wrong setting, `npm start`, the chaos run and the
 * charts' tests all take them from here.
 */
export const NATS_SETTINGS = {
  /** `--nats-url`: comma-separated `nats://` or `tls://` servers, optionally naming the user. */
  urlFlag: "nats-url",
  /** `--nats-tls-ca`: PEM file of the CA that signs the server's certificate. */
  caFlag: "nats-tls-ca",
  /** `--nats-tls-cert`: PEM client certificate, for a server that verifies clients. */
  certFlag: "nats-tls-cert",
  /** `--nats-tls-key`: the client certificate's PEM private key. */
  keyFlag: "nats-tls-key",
  /** The user's password, kept out of the process list (a Secret supplies it). */
  passwordEnv: "NATS_PASSWORD",
} as const;
