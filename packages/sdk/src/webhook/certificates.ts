// A self-managed certificate authority and the serving certificates it signs, for the webhook server. ECDSA P-256
// keys, SHA-256 signatures: what the API server (Go's crypto/x509) and Node's TLS both accept.
import {
  X509Certificate,
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  randomBytes,
  sign,
} from "node:crypto";
import type { KeyObject } from "node:crypto";
import { isIP } from "node:net";
import {
  bitString,
  boolean,
  explicit,
  implicit,
  objectIdentifier,
  octetString,
  sequence,
  set,
  smallInteger,
  time,
  unsignedInteger,
  utf8String,
} from "./der.ts";

/** A certificate and its private key, both PEM. */
export interface KeyPair {
  certPem: string;
  keyPem: string;
}

export interface CertificateRequest {
  commonName: string;
  /** Start of validity; one minute earlier is written so that a slightly slow clock still accepts it. */
  now: Date;
  validityMs: number;
}

export interface ServingCertificateRequest extends CertificateRequest {
  /** DNS subject alternative names (e.g. `<service>.<namespace>.svc`). */
  dnsNames: readonly string[];
  /** IP subject alternative names (e.g. `127.0.0.1` for a webhook addressed by URL). */
  ipAddresses: readonly string[];
}

const ECDSA_WITH_SHA256 = sequence(objectIdentifier("1.2.840.10045.4.3.2"));
/** notBefore is written this much before the issue time, so that a slightly slow clock still accepts a new certificate. */
export const SKEW_MS = 60_000;

/** Creates a self-signed CA certificate (basicConstraints CA, keyCertSign). */
export function issueCertificateAuthority(request: CertificateRequest): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const spki = publicKey.export({ type: "spki", format: "der" });
  const keyId = subjectKeyId(spki);
  const name = distinguishedName(request.commonName);
  const extensions = [
    extension("2.5.29.19", true, sequence(boolean(true))),
    // digitalSignature, keyCertSign, cRLSign: bits 0, 5 and 6 (one unused bit).
    extension("2.5.29.15", true, keyUsage(0x86, 1)),
    extension("2.5.29.14", false, octetString(keyId)),
  ];
  return signCertificate({ issuer: name, subject: name, spki, extensions, request, signer: privateKey });
}

/** Creates a serving certificate signed by `ca`, valid for the given DNS names and IP addresses. */
export function issueServingCertificate(ca: KeyPair, request: ServingCertificateRequest): KeyPair {
  for (const ip of request.ipAddresses)
    if (isIP(ip) === 0) throw new Error(`serving certificate: ${JSON.stringify(ip)} is not an IP address`);
  const caCert = new X509Certificate(ca.certPem);
  const caSpki = caCert.publicKey.export({ type: "spki", format: "der" });
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const spki = publicKey.export({ type: "spki", format: "der" });
  const names = [
    ...request.dnsNames.map((d) => implicit(2, new TextEncoder().encode(d))),
    ...request.ipAddresses.map((ip) => implicit(7, ipBytes(ip))),
  ];
  const extensions = [
    extension("2.5.29.19", true, sequence()),
    // digitalSignature only (one used bit, seven unused): ECDHE key exchange needs nothing else.
    extension("2.5.29.15", true, keyUsage(0x80, 7)),
    extension("2.5.29.37", false, sequence(objectIdentifier("1.3.6.1.5.5.7.3.1"))),
    extension("2.5.29.17", false, sequence(...names)),
    extension("2.5.29.35", false, sequence(implicit(0, subjectKeyId(caSpki)))),
  ];
  return signCertificate({
    issuer: distinguishedName(commonNameOf(caCert)),
    subject: distinguishedName(request.commonName),
    spki,
    extensions,
    request,
    signer: createPrivateKey(ca.keyPem),
    keyPemOf: privateKey,
  });
}

/**
 * When a certificate we issued should be replaced: once less than `fraction` of its intended lifetime is left (the
 * back-dated notBefore does not count as lifetime).
 */
export function renewalTime(certPem: string, fraction: number): number {
  const cert = new X509Certificate(certPem);
  const from = Date.parse(cert.validFrom) + SKEW_MS;
  const to = Date.parse(cert.validTo);
  return to - Math.max(0, to - from) * fraction;
}

/** notAfter of a PEM certificate, in epoch ms. */
export function certificateExpiry(certPem: string): number {
  return Date.parse(new X509Certificate(certPem).validTo);
}

/** True when `certPem` was signed by the CA `caPem` and is valid for every host in `hosts` at `now`. */
export function certificateFits(
  certPem: string,
  caPem: string,
  hosts: readonly string[],
  now: number,
): boolean {
  try {
    const cert = new X509Certificate(certPem);
    const ca = new X509Certificate(caPem);
    if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return false;
    if (now < Date.parse(cert.validFrom) || now >= Date.parse(cert.validTo)) return false;
    return hosts.every((h) => (isIP(h) ? cert.checkIP(h) !== undefined : cert.checkHost(h) !== undefined));
  } catch {
    return false;
  }
}

function signCertificate(parts: {
  issuer: Uint8Array;
  subject: Uint8Array;
  spki: Uint8Array;
  extensions: Uint8Array[];
  request: CertificateRequest;
  signer: KeyObject;
  keyPemOf?: KeyObject;
}): KeyPair {
  const serial = randomBytes(16);
  serial[0]! &= 0x7f;
  const start = parts.request.now.getTime() - SKEW_MS;
  const tbs = sequence(
    explicit(0, smallInteger(2)), // v3
    unsignedInteger(serial),
    ECDSA_WITH_SHA256,
    parts.issuer,
    sequence(time(new Date(start)), time(new Date(parts.request.now.getTime() + parts.request.validityMs))),
    parts.subject,
    parts.spki,
    explicit(3, sequence(...parts.extensions)),
  );
  const signature = sign("sha256", tbs, { key: parts.signer, dsaEncoding: "der" });
  const der = sequence(tbs, ECDSA_WITH_SHA256, bitString(signature));
  const key = parts.keyPemOf ?? parts.signer;
  return {
    certPem: toPem("CERTIFICATE", der),
    keyPem: key.export({ type: "pkcs8", format: "pem" }).toString(),
  };
}

function extension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical
    ? sequence(objectIdentifier(oid), boolean(true), octetString(value))
    : sequence(objectIdentifier(oid), octetString(value));
}

function keyUsage(bits: number, unused: number): Uint8Array {
  // A BIT STRING whose last byte has `unused` padding bits, as DER's minimal encoding requires.
  return Uint8Array.of(0x03, 0x02, unused, bits);
}

function distinguishedName(commonName: string): Uint8Array {
  return sequence(set(sequence(objectIdentifier("2.5.4.3"), utf8String(commonName))));
}

function commonNameOf(cert: X509Certificate): string {
  const line = cert.subject.split("\n").find((l) => l.startsWith("CN="));
  if (!line) throw new Error("CA certificate has no common name");
  return line.slice(3);
}

/** SHA-1 of the whole SubjectPublicKeyInfo: it only has to be stable and equal on the CA and in the leaf AKI. */
function subjectKeyId(spki: Uint8Array): Uint8Array {
  return createHash("sha1").update(spki).digest();
}

function ipBytes(ip: string): Uint8Array {
  if (isIP(ip) === 4) return Uint8Array.from(ip.split(".").map(Number));
  const [head = "", tail = ""] = ip.split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = ip.includes("::") ? [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t] : h;
  return Uint8Array.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
}

function toPem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString("base64");
  return `-----BEGIN ${label}-----\n${b64.replace(/(.{64})/g, "$1\n").replace(/\n$/, "")}\n-----END ${label}-----\n`;
}
