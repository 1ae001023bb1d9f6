/**
 * The HTTP status of a failed API call, read by shape rather than by class so that any Client
 * implementation's errors work (the SDK's ApiError carries it as `code`).
 */
export function httpStatusOf(err: unknown): number | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const candidate = err as { code?: unknown; status?: unknown; statusCode?: unknown };
  for (const value of [candidate.code, candidate.status, candidate.statusCode]) {
    if (typeof value === "number") return value;
  }
  return undefined;
}

/** A short description of an error for logs. */
export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
