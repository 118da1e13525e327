// Unplanned ends of a session's container (removed by someone else, broken,
// out of memory, stopped by itself, failed to start) and how the manager
// answers them: one notice naming the cause for each, a restart that waits
// longer after each further loss (capped), and past a few losses within a
// window the Environment is failed until the next message, so a container
// that something keeps killing is not brought back in a loop.
import type { EnvironmentStatus } from '@orrery/shared';
import type { Core } from './core.js';
import { EnvironmentError } from './errors.js';
import type { SessionEntry } from './session-entry.js';
import { text, type LossCause } from './status-text.js';

export type { LossCause } from './status-text.js';

export interface RestartPolicy {
  /** This many losses within windowMs fail the Environment until the next message. */
  limit: number;
  windowMs: number;
  /** The wait before the restart after one loss; it doubles with each further loss in the window. */
  backoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  limit: 3,
  windowMs: 10 * 60_000,
  backoffMs: 2_000,
  maxBackoffMs: 60_000,
};

/** What an entry remembers of its recent losses (in memory: a new runner process starts afresh). */
export interface LossRecord {
  /** When each loss within the window happened (wall-clock ms: the back-off is about real time). */
  times: number[];
  /** The sentence the Environment failed with, until the next message. */
  failed: string | undefined;
}

export function noLosses(): LossRecord {
  return { times: [], failed: undefined };
}

export class Restarts {
  constructor(
    private readonly core: Core,
    private readonly policy: RestartPolicy,
  ) {}

  /**
   * Records a loss and tells the user once, with its cause (no notice: the
   * caller's error tells it). Past the limit the status is 'error' with a
   * sentence saying what keeps happening; otherwise it is the given status.
   * Returns true when the limit was reached.
   */
  lost(
    entry: SessionEntry,
    cause: LossCause,
    status: EnvironmentStatus,
    detail: string,
    notice: string | undefined,
  ): boolean {
    const now = Date.now();
    const losses = entry.losses;
    losses.times = losses.times.filter((t) => now - t < this.policy.windowMs);
    losses.times.push(now);
    this.core.log.warn('a session container was lost', { session: entry.sessionId, cause });
    if (losses.times.length < this.policy.limit) {
      this.core.setStatus(entry, status, detail, { notice });
      return false;
    }
    losses.failed = text.keepsFailing(cause, losses.times.length, this.policy.windowMs);
    const told = notice === undefined ? undefined : losses.failed;
    this.core.setStatus(entry, 'error', losses.failed, { notice: told, level: 'error' });
    return true;
  }

  /** Before a restart after a loss: refuses while failed, else waits out the back-off. */
  async beforeRestart(entry: SessionEntry): Promise<void> {
    const { failed, times } = entry.losses;
    if (failed) throw new EnvironmentError('restart_loop', failed);
    const last = times.at(-1);
    if (last === undefined) return;
    const backoff = Math.min(this.policy.backoffMs * 2 ** (times.length - 1), this.policy.maxBackoffMs);
    const wait = last + backoff - Date.now();
    if (wait <= 0) return;
    this.core.log.info('waiting before starting a lost container again', {
      session: entry.sessionId,
      waitMs: wait,
    });
    await new Promise((resolve) => setTimeout(resolve, wait).unref());
    if (this.core.deleted.has(entry.sessionId))
      throw new EnvironmentError('not_found', 'This session was deleted, and its Environment with it.');
    if (this.core.closed)
      throw new EnvironmentError('busy', 'The runner is stopping; the next one starts the Environment.');
  }

  /** A new message: a failed Environment gets a fresh start (and a fresh count). */
  forgive(entry: SessionEntry): void {
    if (!entry.losses.failed) return;
    entry.losses = noLosses();
  }
}
