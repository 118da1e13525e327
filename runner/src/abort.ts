// Waiting and stopping against long-lived signals without leaving listeners
// behind: the daemon's stop signal outlives thousands of retries and turns.
import { setTimeout as delay } from 'node:timers/promises';

/** Resolves after `ms`, or at once when the signal aborts (never rejects). */
export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}

/** Aborts `inner` when `outer` aborts, until the returned function is called. */
export function abortWith(outer: AbortSignal | undefined, inner: AbortController): () => void {
  if (!outer) return () => undefined;
  if (outer.aborted) {
    inner.abort(outer.reason);
    return () => undefined;
  }
  const onAbort = () => inner.abort(outer.reason);
  outer.addEventListener('abort', onAbort, { once: true });
  return () => outer.removeEventListener('abort', onAbort);
}
