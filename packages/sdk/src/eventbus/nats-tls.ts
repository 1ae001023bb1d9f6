import { accessSync, constants } from "node:fs";
import { describeError } from "../leader/api-status.ts";
import { NATS_SETTINGS } from "./nats-settings.ts";

/** TLS to NATS: the CA that signs the server's certificate and, for a server that verifies clients, our own. */
export interface NatsTlsOptions {
  /** PEM file of the CA(s) that sign the server's certificate (`--nats-tls-ca`). Default: Node's public CAs. */
  caFile?: string;
  /** PEM client certificate (`--nats-tls-cert`), for a server with `tls { verify: true }`. With keyFile. */
  certFile?: string;
  /** The client certificate's PEM private key (`--nats-tls-key`). With certFile. */
  keyFile?: string;
}

/**
 * The nats.js `tls` option for these settings: undefined (plain NATS) unless `required` (a tls:// server) or a file
 * is given; `{}` for TLS with Node's public CAs.
 *
 * # Guarantees
 * - With a `tls` option nats.js refuses a server that offers no TLS, so a password or an event never goes out in
 *   clear to a server that was meant to have TLS.
 * - Each file is checked readable now, so a wrong path stops the controller at start with the flag named, not with
 *   a reconnect loop. nats.js reads the files again at every connect, so a rotated certificate or CA (a Secret
 *   volume updated in place) is used from the next reconnect on.
 *
 * # Caveats
 * - The server's certificate must name the host the URL gives (DNS or IP subject alternative name).
 */
export function natsTls(options: NatsTlsOptions, required: boolean): NatsTlsOptions | undefined {
  if ((options.certFile === undefined) !== (options.keyFile === undefined))
    throw new Error(
      `--${NATS_SETTINGS.certFlag} and --${NATS_SETTINGS.keyFlag} go together: a client certificate needs its key`,
    );
  const files: Array<[keyof NatsTlsOptions, string]> = [
    ["caFile", NATS_SETTINGS.caFlag],
    ["certFile", NATS_SETTINGS.certFlag],
    ["keyFile", NATS_SETTINGS.keyFlag],
  ];
  const tls: NatsTlsOptions = {};
  for (const [key, flag] of files) {
    const path = options[key];
    if (path === undefined || path === "") continue;
    try {
      accessSync(path, constants.R_OK);
    } catch (error) {
      throw new Error(`--${flag} ${JSON.stringify(path)}: cannot read it (${describeError(error)})`);
    }
    tls[key] = path;
  }
  return required || Object.keys(tls).length > 0 ? tls : undefined;
}
