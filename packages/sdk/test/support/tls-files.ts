// Certificates for TLS tests, made by the host's openssl: a CA, a server certificate it signs (localhost and
// 127.0.0.1), a client certificate it signs, and a second CA that signed nothing the server has.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export interface TlsFiles {
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** A CA that signed neither certificate. */
  otherCaFile: string;
}

const openssl = (args: string[]): void => {
  execFileSync("openssl", args, { stdio: "ignore" });
};

function selfSigned(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  openssl(
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"].concat([
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "1",
      "-subj",
      `/CN=${name}`,
    ]),
  );
  return { cert, key };
}

function signed(
  dir: string,
  ca: { cert: string; key: string },
  name: string,
  extensions: string,
): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, extensions);
  openssl(
    ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"].concat([
      "-keyout",
      key,
      "-out",
      csr,
      "-subj",
      `/CN=${name}`,
    ]),
  );
  openssl(
    ["x509", "-req", "-in", csr, "-CA", ca.cert, "-CAkey", ca.key, "-CAcreateserial"].concat([
      "-out",
      cert,
      "-days",
      "1",
      "-extfile",
      ext,
    ]),
  );
  return { cert, key };
}

export function makeTlsFiles(dir: string): TlsFiles {
  const ca = selfSigned(dir, "ca");
  const server = signed(
    dir,
    ca,
    "server",
    "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
  );
  const client = signed(dir, ca, "client", "extendedKeyUsage=clientAuth\n");
  return {
    caFile: ca.cert,
    serverCertFile: server.cert,
    serverKeyFile: server.key,
    clientCertFile: client.cert,
    clientKeyFile: client.key,
    otherCaFile: selfSigned(dir, "other-ca").cert,
  };
}
