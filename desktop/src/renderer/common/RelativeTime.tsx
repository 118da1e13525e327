// A time as people say it ("3 min ago"), kept current while on screen, with
// the exact date and time on hover (title) and on keyboard focus, and in
// <time dateTime> for assistive technology and copying.
import { useSyncExternalStore } from 'react';
import { relativeTime } from './time.js';

// One ticker for every shown time: relative times change at most once a minute.
const TICK_MS = 30_000;
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (!listeners.size && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

export function exactTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function RelativeTime({ ms, focusable = false }: { ms: number; focusable?: boolean }) {
  // Read afresh on each render too, so a time that just appeared is not a tick behind.
  const tick = useSyncExternalStore(subscribe, () => now);
  const exact = exactTime(ms);
  return (
    <time
      className="relative-time"
      dateTime={new Date(ms).toISOString()}
      title={exact}
      data-exact={exact}
      tabIndex={focusable ? 0 : undefined}
    >
      {relativeTime(ms, Math.max(tick, Date.now()))}
    </time>
  );
}
