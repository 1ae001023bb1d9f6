/**
 * metav1.MicroTime as the API server expects it: RFC 3339 with exactly six fractional digits. A Date only
 * knows milliseconds, so the last three digits are always zero.
 */
export function toMicroTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}
