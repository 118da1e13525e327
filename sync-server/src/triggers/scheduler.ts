// Fires schedule triggers when their time comes. The clock is injected, and
// tick() is what a timer calls, so tests step time instead of waiting for it.
// Every instance ticks; a schedule's due time is claimed in the database, so it fires once.
import { nextRun } from '@orrery/shared';
import type { Services } from '../services.js';
import { fire } from './fire.js';

export class TriggerScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly s: Services) {}

  /** Checks every `intervalMs` (and once now); a minute-granular cron needs no finer. */
  start(intervalMs = 15_000): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Fires every due schedule once and moves it to its next time. Runs one at a time. */
  tick(): Promise<void> {
    this.running ??= this.fireDue().finally(() => (this.running = null));
    return this.running;
  }

  private async fireDue(): Promise<void> {
    const now = this.s.clock();
    for (const { trigger, dueAt } of await this.s.triggers.due(now)) {
      if (trigger.kind !== 'schedule') continue;
      // Moved on first, and only by one instance: whoever moves it from this due time fires it.
      // A crash mid-fire skips this run rather than repeating it forever.
      const next = safeNextRun(trigger.cron, trigger.timezone, now);
      if (!(await this.s.triggers.claimRun(trigger.id, dueAt, next))) continue;
      await fire(
        this.s,
        trigger,
        trigger.prompt,
        JSON.stringify({ schedule: trigger.cron, firedAt: new Date(now).toISOString() }),
      );
    }
  }
}

function safeNextRun(cron: string, timezone: string, after: number): number | null {
  try {
    return nextRun(cron, timezone, after);
  } catch {
    return null;
  }
}
