// The end of a session's transcript, kept in the view cache so a session opens
// showing its newest entries before its whole document has loaded.
import type { TranscriptEntry } from '@orrery/shared';
import type { ViewCache } from '../../platform/common/platform.js';

/** Enough entries to fill a tall window. */
export const TAIL_LENGTH = 40;
/** And no more text than this, so a few huge tool outputs keep the cache light. */
export const TAIL_MAX_CHARS = 64 * 1024;

export interface TranscriptTail {
  total: number;
  entries: TranscriptEntry[];
  /** Where the reader was when they left the session; absent at the newest entry. */
  place?: ReadingPlace;
}

/** A place in a conversation: the entry at the top of the view and how far down into it. */
export interface ReadingPlace {
  entryId: string;
  /** Pixels from the entry's top to the top of the view. */
  offset: number;
}

export function isReadingPlace(value: unknown): value is ReadingPlace {
  const v = value as Partial<ReadingPlace> | null | undefined;
  return typeof v?.entryId === 'string' && typeof v.offset === 'number' && Number.isFinite(v.offset);
}

export const tailKey = (sessionId: string) => `tail:${sessionId}`;

export async function readTail(cache: ViewCache, sessionId: string): Promise<TranscriptTail | null> {
  try {
    const raw = await cache.get(tailKey(sessionId));
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<TranscriptTail>;
    if (!Array.isArray(parsed.entries) || typeof parsed.total !== 'number') return null;
    const place = isReadingPlace(parsed.place) ? parsed.place : undefined;
    if (!parsed.entries.length && !place) return null;
    return { total: parsed.total, entries: parsed.entries, ...(place ? { place } : {}) };
  } catch {
    // A damaged cache entry only costs the fast first paint.
    return null;
  }
}

/** The newest entries that fit the limits; none when even the last one is too big. */
export function tailOf(transcript: readonly TranscriptEntry[], place?: ReadingPlace | null): TranscriptTail {
  const entries: TranscriptEntry[] = [];
  let chars = 0;
  for (let i = transcript.length - 1; i >= 0 && entries.length < TAIL_LENGTH; i -= 1) {
    const entry = transcript[i]!;
    chars +=
      entry.kind === 'tool'
        ? entry.input.length + entry.output.length
        : entry.kind === 'pull_request'
          ? entry.title.length + entry.url.length
          : entry.text.length;
    if (chars > TAIL_MAX_CHARS) break;
    entries.push(entry);
  }
  return { total: transcript.length, entries: entries.reverse(), ...(place ? { place } : {}) };
}

export async function writeTail(cache: ViewCache, sessionId: string, tail: TranscriptTail): Promise<void> {
  if (tail.entries.length || tail.place) await cache.set(tailKey(sessionId), JSON.stringify(tail));
  else await cache.delete(tailKey(sessionId));
}
