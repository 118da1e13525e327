// The end of a session's transcript, kept in the view cache so a session opens
// showing its newest entries before its whole document has loaded.
import type { TranscriptEntry } from '@orrery/shared';
import type { ViewCache } from '../../platform/common/platform.js';

/** Enough entries to fill a tall window. */
export const TAIL_LENGTH = 40;

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
    return Array.isArray(parsed.entries) ? parsed : null;
  } catch {
    // A damaged cache entry only costs the fast first paint.
    return null;
  }
}

export async function writeTail(
  cache: ViewCache,
  sessionId: string,
  transcript: TranscriptEntry[],
): Promise<void> {
  const tail: TranscriptTail = { total: transcript.length, entries: transcript.slice(-TAIL_LENGTH) };
  await cache.set(tailKey(sessionId), JSON.stringify(tail));
}
