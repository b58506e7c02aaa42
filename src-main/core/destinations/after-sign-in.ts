import { isFault } from '../faults.ts';

/** Waits between tries: a second, then longer, about half a minute in all. */
const PAUSES_MS = [1000, 2000, 4000, 8000, 15_000];

/**
 * A request made right after a sign-in succeeded (reading the account, its drive): the new
 * credentials are already stored, so a passing failure — a 5xx, a time-out, a lost connection,
 * the server pacing us — is tried again rather than reported as a failed sign-in. Anything else,
 * or a failure that outlasts the pauses, is thrown as it came.
 */
export async function afterSignIn<T>(request: () => Promise<T>, signal: AbortSignal): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await request();
    } catch (error) {
      const pause = PAUSES_MS[attempt];
      const passing = isFault(error, 'retriable') || isFault(error, 'network') || isFault(error, 'throttled');
      if (!passing || pause === undefined || signal.aborted) throw error;
      const retryAfterMs = isFault(error) ? (error.retryAfterMs ?? 0) : 0;
      await sleep(Math.min(Math.max(pause, retryAfterMs), 30_000), signal);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
