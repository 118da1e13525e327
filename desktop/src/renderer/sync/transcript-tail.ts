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
}

export const tailKey = (sessionId: string) => `tail:${sessionId}`;

export async function readTail(cache: ViewCache, sessionId: string): Promise<TranscriptTail | null> {
  try {
    const raw = await cache.get(tailKey(sessionId));
    if (!raw) return null;
    const parsed = JSON.parse(raw) as TranscriptTail;
    return Array.isArray(parsed.entries) && parsed.entries.length ? parsed : null;
  } catch {
    // A damaged cache entry only costs the fast first paint.
    return null;
  }
}

/** The newest entries that fit the limits; none when even the last one is too big. */
export function tailOf(transcript: readonly TranscriptEntry[]): TranscriptTail {
  const entries: TranscriptEntry[] = [];
  let chars = 0;
  for (let i = transcript.length - 1; i >= 0 && entries.length < TAIL_LENGTH; i -= 1) {
    const entry = transcript[i]!;
    chars += entry.kind === 'tool' ? entry.input.length + entry.output.length : entry.text.length;
    if (chars > TAIL_MAX_CHARS) break;
    entries.push(entry);
  }
  return { total: transcript.length, entries: entries.reverse() };
}

export async function writeTail(cache: ViewCache, sessionId: string, tail: TranscriptTail): Promise<void> {
  if (tail.entries.length) await cache.set(tailKey(sessionId), JSON.stringify(tail));
  else await cache.delete(tailKey(sessionId));
}
