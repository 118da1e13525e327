// A clock that only moves when told to: the testing implementation of Clock.
// advance() fires every timer that falls due, in order; the work those
// timers start runs asynchronously afterwards, as it would with real time.
import type { Clock, ScheduledTimer } from './clock.js';

interface Pending {
  due: number;
  seq: number;
  fn: () => void;
}

export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private readonly pending = new Set<Pending>();

  constructor(start = Date.now()) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  schedule(fn: () => void, delayMs: number): ScheduledTimer {
    // Already due (e.g. re-armed after the clock moved past it): fire soon, as a real clock would.
    if (delayMs <= 0) {
      let cancelled = false;
      setImmediate(() => cancelled || fn());
      return { cancel: () => void (cancelled = true) };
    }
    const entry: Pending = { due: this.current + delayMs, seq: this.seq++, fn };
    this.pending.add(entry);
    return { cancel: () => this.pending.delete(entry) };
  }

  /** Moves time forward by ms, firing due timers one by one. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const next = [...this.pending]
        .filter((p) => p.due <= target)
        .sort((a, b) => a.due - b.due || a.seq - b.seq)[0];
      if (!next) break;
      this.pending.delete(next);
      this.current = Math.max(this.current, next.due);
      next.fn();
    }
    this.current = target;
  }

  /** How many timers wait to fire; tests use it to see that a deadline is armed. */
  pendingTimers(): number {
    return this.pending.size;
  }
}
