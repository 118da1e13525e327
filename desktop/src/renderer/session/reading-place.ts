// Where a reader was in a conversation, so coming back to a session picks up
// there: the entry at the top of the view and how far down into it. A reader
// at the newest entry has no place; the session opens at its end again.
import type { TranscriptEntry } from '@orrery/shared';
import type { Virtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, type RefObject } from 'react';
import type { ReadingPlace } from '../sync/transcript-tail.js';

export type { ReadingPlace };

/** The place is noted once scrolling has stopped for this long. */
const SETTLE_MS = 800;
/** How long the view holds the place it returned to while rows settle. */
const HOLD_MS = 500;

export function useReadingPlace(options: {
  virtualizer: Virtualizer<HTMLDivElement, Element>;
  entries: TranscriptEntry[];
  scrollRef: RefObject<HTMLDivElement | null>;
  following: RefObject<boolean>;
  readerScrolledAt: RefObject<number>;
  /**
   * Where to open; applied once, as soon as its entry is in the list. It may be
   * known only after the conversation is shown (read from this device while the
   * document loads): then it still applies, unless the reader has scrolled.
   */
  place: ReadingPlace | null;
  /** Told where the reader is (null: at the newest entry) when they stop scrolling and when it closes. */
  onPlace?: (place: ReadingPlace | null) => void;
}): void {
  const { virtualizer, entries, scrollRef, following, readerScrolledAt, place, onPlace } = options;
  const pending = useRef(place);
  const placeTaken = useRef(place !== null);
  const mountedAt = useRef(performance.now());
  if (place && !placeTaken.current) {
    placeTaken.current = true;
    if (readerScrolledAt.current < mountedAt.current) pending.current = place;
  }
  /**
   * The place being returned to, held while rows settle and until the reader
   * scrolls: when it was returned to, since when the entries are as many as `count`.
   */
  const returning = useRef<(ReadingPlace & { returnedAt: number; since: number; count: number }) | null>(
    null,
  );
  const scrollTop = useRef<number | null>(null);
  const report = useRef(onPlace);
  report.current = onPlace;
  const latest = useRef({ virtualizer, entries });
  latest.current = { virtualizer, entries };

  // Back to where the reader was, once that entry is here (the cached end of a
  // conversation may not have it; the whole document then does). Rows around it
  // settle to their measured heights over the next frames, so the place is held
  // until then, unless the reader scrolls first.
  useLayoutEffect(() => {
    const now = performance.now();
    const target = pending.current;
    if (target) {
      if (!entries.some((e) => e.id === target.entryId)) return;
      pending.current = null;
      following.current = false;
      returning.current = { ...target, returnedAt: now, since: now, count: entries.length };
    }
    const back = returning.current;
    if (!back) return;
    // More entries (the whole document after its cached end) move the place: hold it longer.
    if (entries.length !== back.count) Object.assign(back, { since: now, count: entries.length });
    const index = entries.findIndex((e) => e.id === back.entryId);
    if (index < 0 || readerScrolledAt.current > back.returnedAt || now - back.since > HOLD_MS) {
      returning.current = null;
      return;
    }
    const start = virtualizer.getOffsetForIndex(index, 'start')?.[0] ?? 0;
    const el = scrollRef.current;
    if (el && Math.abs(el.scrollTop - (start + back.offset)) > 1)
      virtualizer.scrollToOffset(start + back.offset);
  });

  // Where the reader is now. The element is gone by the time an unmount cleanup
  // runs, so the position is noted as it changes.
  const current = useRef(() => {
    const { virtualizer, entries } = latest.current;
    const top = scrollTop.current;
    // Never scrolled, or still waiting to return: the place it opened with stands.
    if (pending.current) return pending.current;
    if (following.current || top === null) return null;
    const item = virtualizer.getVirtualItemForOffset(top);
    const entry = item && entries[item.index];
    return entry ? { entryId: entry.id, offset: Math.round(top - item.start) } : null;
  });

  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    let settled: ReturnType<typeof setTimeout> | null = null;
    const onScroll = () => {
      scrollTop.current = el.scrollTop;
      if (settled) clearTimeout(settled);
      settled = setTimeout(() => report.current?.(current.current()), SETTLE_MS);
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      el.removeEventListener('scroll', onScroll);
      if (settled) clearTimeout(settled);
      report.current?.(current.current());
    };
  }, [scrollRef]);
}
