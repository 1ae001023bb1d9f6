/**
 * An error a retry cannot fix (controller-runtime's TerminalError): bad input stored before validation, a spec
 * that contradicts itself. Throw it from a reconcile and the controller logs it, counts it in
 * `controller_runtime_terminal_reconcile_errors_total` and does NOT requeue the key with backoff; the next change
 * to the object (or a watch resync) brings it back.
 *
 * Guarantees: the key's backoff is reset, so a later event is reconciled at once.
 * Caveats: report the problem on the object too (a condition or an Event); the log alone is easy to miss.
 */
export class TerminalError extends Error {
  override readonly name = "TerminalError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** True when err is (or wraps, through `cause`) a TerminalError. */
export function isTerminalError(err: unknown): err is TerminalError {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++)
    if (e instanceof TerminalError) return true;
  return false;
}
