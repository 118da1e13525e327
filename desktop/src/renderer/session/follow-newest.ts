// Keeps a conversation scrolled to its newest entry while the reader is there:
// when it opens, when entries arrive or stream, and when rows settle to their
// measured heights (which moves the bottom without any scrolling). Only the
// reader scrolling away (wheel, touch, keys, the scrollbar) stops following;
// scrolling back to the bottom starts it again.
import { useEffect, useLayoutEffect, useRef, type RefObject } from 'react';

/** Within this distance of the bottom counts as at the bottom. */
const NEAR_BOTTOM_PX = 48;
/** A scroll this soon after a wheel, touch or key press is the reader's. */
const INTENT_MS = 400;
const SCROLL_KEYS = new Set(['ArrowUp', 'ArrowDown', 'PageUp', 'PageDown', 'Home', 'End', ' ']);

export interface Following {
  /** Whether the view is kept at the newest entry. */
  following: RefObject<boolean>;
  /** When the reader last scrolled (wheel, touch, keys, scrollbar), on performance.now()'s clock. */
  readerScrolledAt: RefObject<number>;
}

export function useFollowNewest(scrollRef: RefObject<HTMLElement | null>): Following {
  const following = useRef(true);
  const readerScrolledAt = useRef(-Infinity);

  // After every render: rows measured or added since the last one moved the bottom.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (following.current && el) el.scrollTop = el.scrollHeight;
  });

  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    let intentUntil = 0;
    let draggingScrollbar = false;
    const intent = () => {
      readerScrolledAt.current = performance.now();
      intentUntil = readerScrolledAt.current + INTENT_MS;
    };
    const onKey = (e: KeyboardEvent) => {
      if (SCROLL_KEYS.has(e.key)) intent();
    };
    // A press on the scroller itself, not on a row, is on its scrollbar.
    const onPointerDown = (e: PointerEvent) => {
      draggingScrollbar = e.target === el;
      if (draggingScrollbar) readerScrolledAt.current = performance.now();
    };
    const onPointerUp = () => {
      draggingScrollbar = false;
    };
    const onScroll = () => {
      const distance = el.scrollHeight - el.scrollTop - el.clientHeight;
      if (draggingScrollbar) readerScrolledAt.current = performance.now();
      if (distance <= NEAR_BOTTOM_PX) following.current = true;
      else if (draggingScrollbar || performance.now() < intentUntil) following.current = false;
    };
    const passive = { passive: true };
    // Captured, so the decision is made before the virtualiser re-renders for the same scroll.
    const first = { passive: true, capture: true };
    el.addEventListener('wheel', intent, passive);
    el.addEventListener('touchmove', intent, passive);
    el.addEventListener('keydown', onKey);
    el.addEventListener('pointerdown', onPointerDown);
    window.addEventListener('pointerup', onPointerUp);
    el.addEventListener('scroll', onScroll, first);
    return () => {
      el.removeEventListener('wheel', intent);
      el.removeEventListener('touchmove', intent);
      el.removeEventListener('keydown', onKey);
      el.removeEventListener('pointerdown', onPointerDown);
      window.removeEventListener('pointerup', onPointerUp);
      el.removeEventListener('scroll', onScroll, { capture: true });
    };
  }, [scrollRef]);

  return { following, readerScrolledAt };
}
