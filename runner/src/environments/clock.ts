// Time as the lifecycle sees it. The manager schedules idle, maximum-run-time
// and clean-restart deadlines through this, so a test can move time forward
// by a day without waiting (see manual-clock.ts).

export interface ScheduledTimer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls fn once, delayMs from now. */
  schedule(fn: () => void, delayMs: number): ScheduledTimer;
}

/** Node's timers cap delays at 2^31-1 ms (~24.8 days); longer waits re-arm. */
const MAX_DELAY_MS = 2_147_483_647;

export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(fn, delayMs) {
    let handle: NodeJS.Timeout | undefined;
    const due = Date.now() + Math.max(0, delayMs);
    const arm = () => {
      const left = due - Date.now();
      handle = setTimeout(left > MAX_DELAY_MS ? arm : fn, Math.min(Math.max(0, left), MAX_DELAY_MS));
      handle.unref?.();
    };
    arm();
    return { cancel: () => clearTimeout(handle) };
  },
};
