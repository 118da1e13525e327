// What the manager holds in memory for one session's Environment, and the
// queue that lets only one lifecycle operation run at a time for it.
import type { EnvironmentStatus, RunnerRepositoryCredential } from '@orrery/shared';
import type { ScheduledTimer } from './clock.js';
import type { CommandChannel } from './command-channel.js';
import { nextDeadline, type Deadline, type Timeouts } from './deadlines.js';
import type { Engine } from './engines.js';
import type { LossRecord } from './restarts.js';
import type { SessionState } from './state-store.js';
import type { EnvironmentDefinition } from './types.js';

/** Runs operations one after another; a failed operation does not block the next. */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  run<T>(operation: () => Promise<T>): Promise<T> {
    this.waiting++;
    const result = this.tail.then(async () => {
      this.waiting--;
      return operation();
    });
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Operations queued but not started yet. */
  get pending(): number {
    return this.waiting;
  }
}

export interface LiveRun {
  runId: string;
  /** The container generation the run started in; a later one means it was interrupted. */
  generation: number;
}

export interface SessionEntry {
  sessionId: string;
  containerName: string;
  engine: Engine | undefined;
  status: EnvironmentStatus;
  detail: string;
  /** The last definition ensureRunning was given (needed to recreate the container). */
  definition: EnvironmentDefinition | undefined;
  secrets: Record<string, string>;
  /** Repository credentials from the last ensureRunning: a build clones with them on the runner's side. */
  repositoryCredentials?: Record<string, RunnerRepositoryCredential>;
  timeouts: Timeouts;
  state: SessionState;
  queue: SerialQueue;
  runs: Map<string, LiveRun>;
  /**
   * The manager's own execs in flight (kill helpers, channel set-up). They hold
   * off the idle pause like commands: an exec racing a pause can hang in runc
   * on a frozen container and wedge the engine for it.
   */
  helpers: number;
  /** No command of an earlier runner process can be left in the container (checked, or started by us). */
  orphansCleared: boolean;
  channel: CommandChannel | undefined;
  /** Bumped whenever the container stops or goes away, so runs in it know they were cut short. */
  generation: number;
  timer: ScheduledTimer | undefined;
  /** A status sync from an event is already queued. */
  syncQueued: boolean;
  lastSavedAt: number;
  /** Recent unplanned losses of the container, for the restart back-off and limit. */
  losses: LossRecord;
}

/** The session's next timed step (pause when idle, the run-time limit, a clean restart), if any. */
export function nextDeadlineOf(entry: SessionEntry): Deadline | undefined {
  return nextDeadline({
    status: entry.status,
    hasContainer: entry.state.hadContainer && entry.state.removedReason === undefined,
    commandsRunning: entry.runs.size + entry.helpers,
    startedAt: entry.state.startedAt,
    lastActivityAt: entry.state.lastActivityAt,
    suspendedAt: entry.state.suspendedAt,
    timeouts: entry.timeouts,
  });
}
