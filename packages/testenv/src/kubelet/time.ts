/** metav1.Time: RFC 3339 at second precision. The server truncates anything finer, and a status we
 * compare against what it stored must use the same precision, or we would rewrite it forever. */
export function kubeTime(ms: number = Date.now()): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** metav1.MicroTime (Lease renewTime). */
export function kubeMicroTime(ms: number = Date.now()): string {
  return new Date(ms).toISOString().replace("Z", "000Z");
}
