/** Kubernetes metav1.Time text: RFC 3339 in UTC with whole seconds, as the API server stores it. */
export function formatTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Milliseconds since the epoch of a metav1.Time string, or undefined when absent or unparseable. */
export function parseTime(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
