/** metav1.Time as the API server stores it (RFC 3339, UTC, whole seconds), so a time we write reads back unchanged. */
export function formatKubeTime(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Milliseconds since the epoch of a metav1.Time (or MicroTime) string; undefined when it is absent or unparseable. */
export function parseKubeTime(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
