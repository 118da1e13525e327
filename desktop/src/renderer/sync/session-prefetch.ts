// Opening a session reads two things from this device: the cached end of its
// transcript (painted first) and its whole document. Both reads start as soon
// as the person heads for the session (the pointer goes down on a link to it,
// or the address changes), so they overlap with rendering the page instead of
// waiting for it.
import { sessionDocName } from '@orrery/shared';
import type { ViewCache } from '../../platform/common/platform.js';
import type { DocHub } from './doc-hub.js';
import { readTail, type TranscriptTail } from './transcript-tail.js';

/** A read nobody picks up within this time (the click never came) is dropped. */
const KEEP_MS = 3_000;

export class SessionPrefetch {
  private readonly tails = new Map<string, Promise<TranscriptTail | null>>();

  constructor(
    private readonly hub: DocHub,
    private readonly cache: ViewCache | undefined,
  ) {}

  /** Starts reading what opening this session needs; cheap to call again. */
  start(sessionId: string): void {
    this.hub.prefetch(sessionDocName(sessionId));
    if (!this.cache || this.tails.has(sessionId)) return;
    this.tails.set(sessionId, readTail(this.cache, sessionId));
    setTimeout(() => this.tails.delete(sessionId), KEEP_MS);
  }

  /** The cached end of the transcript: the read already started, or a new one. */
  tail(sessionId: string): Promise<TranscriptTail | null> {
    const started = this.tails.get(sessionId);
    this.tails.delete(sessionId);
    if (started) return started;
    return this.cache ? readTail(this.cache, sessionId) : Promise.resolve(null);
  }
}

/**
 * Prefetches a session when a link to it is pressed or the address moves to it.
 * Listens at the window, ahead of the router, so the reads are under way before
 * the page renders. Returns the function that stops listening.
 */
export function prefetchOnIntent(prefetch: SessionPrefetch, sessionIdOf: (hash: string) => string | null) {
  const fromHash = () => {
    const id = sessionIdOf(location.hash);
    if (id) prefetch.start(id);
  };
  const fromPointer = (event: PointerEvent) => {
    if (event.button !== 0 || !(event.target instanceof Element)) return;
    const link = event.target.closest('a[href^="#/s/"]');
    const id = link && sessionIdOf(link.getAttribute('href') ?? '');
    if (id) prefetch.start(id);
  };
  window.addEventListener('hashchange', fromHash, { capture: true });
  window.addEventListener('pointerdown', fromPointer, { capture: true, passive: true });
  return () => {
    window.removeEventListener('hashchange', fromHash, { capture: true });
    window.removeEventListener('pointerdown', fromPointer, { capture: true });
  };
}
