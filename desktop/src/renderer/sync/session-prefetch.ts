// Opening a session reads two things from this device: the end of its
// transcript (painted first) and its whole document. Both reads start as soon
// as the person heads for the session (the pointer goes down on a link to it,
// or the address changes), so they overlap with rendering the page instead of
// following it. The ends of the sessions a person is likely to open next (the
// recent and pinned ones) are also held in memory, so those open with their
// newest entries in the very first frame.
import { sessionDocName, type TranscriptEntry } from '@orrery/shared';
import type { ViewCache } from '../../platform/common/platform.js';
import type { DocHub } from './doc-hub.js';
import {
  readTail,
  tailKey,
  tailOf,
  writeTail,
  type ReadingPlace,
  type TranscriptTail,
} from './transcript-tail.js';

/** A read nobody picks up within this time (the click never came) is dropped. */
const KEEP_MS = 3_000;
/** How many tails are held in memory; the least recently used go first. */
export const HELD_TAILS = 30;

export class SessionPrefetch {
  private readonly reads = new Map<string, Promise<TranscriptTail | null>>();
  private readonly held = new Map<string, TranscriptTail>();
  /** Sessions whose copy was dropped (access gone): nothing is kept for them until opened again. */
  private readonly forgotten = new Set<string>();

  constructor(
    private readonly hub: DocHub,
    private readonly cache: ViewCache | undefined,
  ) {}

  /** Starts reading what opening this session needs; cheap to call again. */
  start(sessionId: string): void {
    this.forgotten.delete(sessionId);
    this.hub.prefetch(sessionDocName(sessionId));
    if (!this.cache || this.held.has(sessionId) || this.reads.has(sessionId)) return;
    this.reads.set(sessionId, readTail(this.cache, sessionId));
    setTimeout(() => this.reads.delete(sessionId), KEEP_MS);
  }

  /** The end of the transcript when it is in memory, for the first render. */
  peek(sessionId: string): TranscriptTail | null {
    const tail = this.held.get(sessionId);
    if (tail) this.hold(sessionId, tail);
    return tail ?? null;
  }

  /** The end of the transcript: from memory, the read already started, or a new read. */
  tail(sessionId: string): Promise<TranscriptTail | null> {
    const held = this.peek(sessionId);
    if (held) return Promise.resolve(held);
    const started = this.reads.get(sessionId);
    this.reads.delete(sessionId);
    if (started) return started;
    return this.cache ? readTail(this.cache, sessionId) : Promise.resolve(null);
  }

  /** Brings the stored ends of these sessions into memory, one read at a time. */
  async holdTails(sessionIds: readonly string[]): Promise<void> {
    const cache = this.cache;
    if (!cache) return;
    for (const id of sessionIds.slice(0, HELD_TAILS)) {
      if (this.held.has(id)) continue;
      const tail = await readTail(cache, id);
      if (tail && !this.held.has(id)) this.hold(id, tail);
    }
  }

  /** Keeps the end of a session's transcript, in memory and on this device. */
  async save(sessionId: string, transcript: readonly TranscriptEntry[]): Promise<void> {
    await this.keep(sessionId, tailOf(transcript, this.held.get(sessionId)?.place));
  }

  /**
   * The reader left the session at this place (null: at its newest entry); kept
   * with the end of the transcript (the document's when loaded, else the one held).
   */
  async leave(
    sessionId: string,
    transcript: readonly TranscriptEntry[] | null,
    place: ReadingPlace | null,
  ): Promise<void> {
    const held = this.held.get(sessionId) ?? (this.cache ? await readTail(this.cache, sessionId) : null);
    const entries = transcript ?? held?.entries;
    if (!entries) return;
    const tail = tailOf(entries, place);
    await this.keep(sessionId, { ...tail, total: transcript?.length ?? held?.total ?? tail.total });
  }

  private async keep(sessionId: string, tail: TranscriptTail): Promise<void> {
    if (this.forgotten.has(sessionId)) return;
    if (tail.entries.length || tail.place) this.hold(sessionId, tail);
    else this.held.delete(sessionId);
    if (this.cache) await writeTail(this.cache, sessionId, tail);
  }

  /** Drops what is kept of a session (access gone, removed from the list). */
  async forget(sessionId: string): Promise<void> {
    this.forgotten.add(sessionId);
    this.held.delete(sessionId);
    this.reads.delete(sessionId);
    await this.cache?.delete(tailKey(sessionId));
  }

  private hold(sessionId: string, tail: TranscriptTail): void {
    this.held.delete(sessionId);
    this.held.set(sessionId, tail);
    for (const oldest of this.held.keys()) {
      if (this.held.size <= HELD_TAILS) break;
      this.held.delete(oldest);
    }
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
