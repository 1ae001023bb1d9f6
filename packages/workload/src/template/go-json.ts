/**
 * JSON as Go's encoding/json writes a value decoded into generic maps: object keys sorted at every level,
 * and `<`, `>`, `&`, U+2028 and U+2029 escaped as \u003c, \u003e, \u0026, \u2028 and \u2029 (HTML-safe
 * output is encoding/json's default). These are the bytes a Go controller hashes.
 *
 * Caveats: numbers are written as JavaScript writes them, which equals Go's float64 output for every
 * integer below 2^53 and for ordinary decimals; lone UTF-16 surrogates are not replaced as Go replaces
 * invalid UTF-8.
 */
import { canonicalJson } from "../util/json.ts";

const GO_ESCAPES: Readonly<Record<string, string>> = {
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

export function goJson(value: unknown): string {
  // The characters only ever occur inside strings of the serialized text, so replacing them there is exact.
  return canonicalJson(value).replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c] ?? c);
}
