// The few DER (ASN.1 Distinguished Encoding Rules) shapes an X.509 certificate needs. Node can sign and export
// keys but cannot build a certificate, and a self-managed webhook CA is small enough not to need a library.

/** A DER element: tag byte, definite length, contents. */
function element(tag: number, contents: Uint8Array): Uint8Array {
  const n = contents.length;
  let length: number[];
  if (n < 0x80) length = [n];
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    length = [0x80 | bytes.length, ...bytes];
  }
  const out = new Uint8Array(1 + length.length + n);
  out[0] = tag;
  out.set(length, 1);
  out.set(contents, 1 + length.length);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const sequence = (...items: Uint8Array[]): Uint8Array => element(0x30, concat(items));
export const set = (...items: Uint8Array[]): Uint8Array => element(0x31, concat(items));
export const octetString = (bytes: Uint8Array): Uint8Array => element(0x04, bytes);
export const utf8String = (s: string): Uint8Array => element(0x0c, new TextEncoder().encode(s));
export const boolean = (v: boolean): Uint8Array => element(0x01, Uint8Array.of(v ? 0xff : 0));
/** A BIT STRING with no unused bits (keys and signatures). */
export const bitString = (bytes: Uint8Array): Uint8Array => element(0x03, concat([Uint8Array.of(0), bytes]));
/** [n] EXPLICIT: wraps a whole element. */
export const explicit = (n: number, inner: Uint8Array): Uint8Array => element(0xa0 | n, inner);
/** [n] IMPLICIT primitive: replaces the tag of a primitive value (SAN dNSName, iPAddress). */
export const implicit = (n: number, contents: Uint8Array): Uint8Array => element(0x80 | n, contents);

/** A positive INTEGER from big-endian bytes (a leading zero keeps the sign bit clear). */
export function unsignedInteger(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  return element(0x02, (trimmed[0] ?? 0) & 0x80 ? concat([Uint8Array.of(0), trimmed]) : trimmed);
}

export const smallInteger = (n: number): Uint8Array => unsignedInteger(Uint8Array.of(n));

export function objectIdentifier(dotted: string): Uint8Array {
  const arcs = dotted.split(".").map(Number);
  const bytes: number[] = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const chunk: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    bytes.push(...chunk);
  }
  return element(0x06, Uint8Array.from(bytes));
}

/** UTCTime before 2050 and GeneralizedTime from then on, as RFC 5280 requires. */
export function time(date: Date): Uint8Array {
  const iso = date.toISOString(); // 2026-12-01T21:58:00.000Z
  const digits = iso.slice(0, 19).replace(/[-T:]/g, "") + "Z"; // 20261201215800Z
  return date.getUTCFullYear() < 2050
    ? element(0x17, new TextEncoder().encode(digits.slice(2)))
    : element(0x18, new TextEncoder().encode(digits));
}
