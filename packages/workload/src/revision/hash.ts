/**
 * Revision hashes the way Kubernetes' controller history computes them: 32-bit FNV-1 (not FNV-1a) over
 * the revision data bytes, then the collision count's decimal digits, printed in decimal and mapped onto
 * an alphabet without vowels so that no hash spells a word.
 */

/** The alphabet of Kubernetes' rand.String and SafeEncodeString: no vowels, no 0/1/3 (confusable). */
export const SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

const FNV_OFFSET_BASIS_32 = 0x811c9dc5;
const FNV_PRIME_32 = 0x01000193;

export function fnv1Hash32(bytes: Uint8Array, seed = FNV_OFFSET_BASIS_32): number {
  let hash = seed >>> 0;
  for (const byte of bytes) {
    hash = Math.imul(hash, FNV_PRIME_32) >>> 0;
    hash = (hash ^ byte) >>> 0;
  }
  return hash;
}

/** 32-bit FNV-1a (xor, then multiply), Go's `fnv.New32a`. */
export function fnv1aHash32(bytes: Uint8Array, seed = FNV_OFFSET_BASIS_32): number {
  let hash = seed >>> 0;
  for (const byte of bytes) {
    hash = (hash ^ byte) >>> 0;
    hash = Math.imul(hash, FNV_PRIME_32) >>> 0;
  }
  return hash;
}

/** Maps each character of `s` onto SAFE_ALPHABET by its code, as Kubernetes' rand.SafeEncodeString does. */
export function safeEncodeString(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHABET[s.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

const encoder = new TextEncoder();

/** How Kubernetes' DeepHashObject (go-spew's `%#v`, as dump.ForHash) prints a []byte: its type, then each byte. */
export function deepHashPrint(bytes: Uint8Array): string {
  return `([]uint8)[${Array.from(bytes).join(" ")}]`;
}

/**
 * The short hash for serialized revision data. A collision count, when given, is mixed in so that a
 * workload whose new revision collides with an unrelated existing name can pick another.
 */
export function hashRevisionData(serializedData: string, collisionCount?: number): string {
  let hash = fnv1Hash32(encoder.encode(serializedData));
  if (collisionCount !== undefined) hash = fnv1Hash32(encoder.encode(String(collisionCount)), hash);
  return safeEncodeString(String(hash));
}
