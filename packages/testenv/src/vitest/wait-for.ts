import { messageOf } from "../errors.ts";

/** What a probe returns while the state it waits for has not arrived yet. */
type NotYet = undefined | false;

/**
 * Polls `probe` every `intervalMs` until it returns something other than undefined/false, and resolves with that.
 * A probe that throws is polled again (the state may simply not exist yet). After `timeoutMs` it rejects naming
 * `what` and the last thing the probe returned or threw, so a failed test says what it last saw.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | NotYet> | T | NotYet,
  timeoutMs = 30_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastSeen = "";
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      lastSeen = `last result: ${String(value)}`;
    } catch (error) {
      lastSeen = `last error: ${messageOf(error)}`;
    }
    if (Date.now() >= deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${lastSeen})`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
