// State shared by the manager's parts: the engines, the session entries,
// status reporting, persistence and the deadline timer of each session.
import type { EnvironmentStatus } from '@orrery/shared';
import {
  CLEAN_RESTART_AFTER_DEFAULT_MS,
  IDLE_TIMEOUT_DEFAULT_MS,
  MAX_RUN_TIME_DEFAULT_MS,
} from '@orrery/shared';
import type Docker from 'dockerode';
import type { Clock } from './clock.js';
import { EngineHealthBoard } from './engine-health.js';
import type { ContainerLimits } from './container-spec.js';
import type { DeadlineAction, Timeouts } from './deadlines.js';
import type { EnginePool } from './engine-pool.js';
import { EnvironmentError, messageOf } from './errors.js';
import type { Log } from './log.js';
import { containerName } from './naming.js';
import { SerialQueue, nextDeadlineOf, type SessionEntry } from './session-entry.js';
import { noLosses, type RestartPolicy } from './restarts.js';
import { emptyState, type StateStore } from './state-store.js';
import type { BuildLogEntry, StatusChange } from './types.js';

export interface ResolvedConfig {
  scope: string;
  installation: string | undefined;
  uid: number;
  gid: number;
  workspace: string;
  limits: ContainerLimits;
  maxOutputBytes: number;
  maxReadBytes: number;
  buildStepTimeoutMs: number;
  buildTimeoutMs: number;
  localRepositories: string[];
  gitKnownHostsFile: string | undefined;
  engineRetryMs: number;
  commandChannel: boolean;
  restarts: RestartPolicy;
}

export const DEFAULT_TIMEOUTS: Timeouts = {
  idleTimeoutMs: IDLE_TIMEOUT_DEFAULT_MS,
  maxRunTimeMs: MAX_RUN_TIME_DEFAULT_MS,
  cleanRestartAfterMs: CLEAN_RESTART_AFTER_DEFAULT_MS,
};

/** Activity is written to disk at most this often (the idle deadline needs it only roughly after a restart). */
const ACTIVITY_SAVE_INTERVAL_MS = 5_000;

export class Core {
  readonly entries = new Map<string, SessionEntry>();
  /** Sessions removed (deleted): late events about their containers are ignored. */
  readonly forgotten = new Set<string>();
  /** Sessions deleted while this process ran: their containers never come back. */
  readonly deleted = new Set<string>();
  readonly statusListeners = new Set<(change: StatusChange) => void>();
  readonly buildListeners = new Set<(entry: BuildLogEntry) => void>();
  readonly engineHealth: EngineHealthBoard;
  /** Set by the lifecycle: what to do when a deadline falls due. */
  onDeadline: (entry: SessionEntry, action: DeadlineAction) => void = () => {};
  closed = false;

  constructor(
    readonly pool: EnginePool,
    readonly clock: Clock,
    readonly log: Log,
    readonly config: ResolvedConfig,
    readonly store: StateStore,
  ) {
    this.engineHealth = new EngineHealthBoard(pool.engines, () => clock.now());
  }

  get user(): string {
    return `${this.config.uid}:${this.config.gid}`;
  }

  entryFor(sessionId: string): SessionEntry {
    let entry = this.entries.get(sessionId);
    if (entry) return entry;
    const state = this.store.load(sessionId) ?? emptyState(sessionId);
    entry = {
      sessionId,
      containerName: containerName(this.config.scope, sessionId),
      engine: this.pool.get(state.engine),
      status: 'none',
      detail: '',
      definition: undefined,
      secrets: {},
      timeouts: { ...DEFAULT_TIMEOUTS },
      state,
      queue: new SerialQueue(),
      runs: new Map(),
      helpers: 0,
      orphansCleared: false,
      channel: undefined,
      generation: 0,
      timer: undefined,
      syncQueued: false,
      lastSavedAt: 0,
      losses: noLosses(),
    };
    this.entries.set(sessionId, entry);
    return entry;
  }

  container(entry: SessionEntry): Docker.Container {
    if (!entry.engine)
      throw new EnvironmentError('not_found', `The session ${entry.sessionId} has no Environment yet`);
    return entry.engine.docker.getContainer(entry.containerName);
  }

  /** Reports a status; `notice` goes into the transcript once, with the change (a loss, a clean restart). */
  setStatus(
    entry: SessionEntry,
    status: EnvironmentStatus,
    detail: string,
    extra: { cleanRestart?: boolean; notice?: string | undefined; level?: 'warning' | 'error' } = {},
  ): void {
    const { cleanRestart, notice } = extra;
    if (entry.status === status && entry.detail === detail && !cleanRestart && !notice) return;
    entry.status = status;
    entry.detail = detail;
    this.log.info('environment status', { session: entry.sessionId, status, detail });
    const change: StatusChange = { sessionId: entry.sessionId, status, detail };
    if (cleanRestart) change.cleanRestart = true;
    if (notice) change.notice = { text: notice, level: extra.level ?? 'warning' };
    for (const listener of this.statusListeners) {
      try {
        listener(change);
      } catch (error) {
        this.log.error('a status listener failed', { error: messageOf(error) });
      }
    }
    this.reschedule(entry);
  }

  emitBuildLog(line: BuildLogEntry): void {
    for (const listener of this.buildListeners) {
      try {
        listener(line);
      } catch (error) {
        this.log.error('a build log listener failed', { error: messageOf(error) });
      }
    }
  }

  save(entry: SessionEntry): void {
    entry.state.engine = entry.engine?.name;
    entry.lastSavedAt = this.clock.now();
    try {
      this.store.save(entry.state);
    } catch (error) {
      this.log.error('could not save the session state', {
        session: entry.sessionId,
        error: messageOf(error),
      });
    }
  }

  /** Records activity now; the idle deadline moves. */
  touch(entry: SessionEntry): void {
    const now = this.clock.now();
    entry.state.lastActivityAt = now;
    if (now - entry.lastSavedAt >= ACTIVITY_SAVE_INTERVAL_MS) this.save(entry);
    this.reschedule(entry);
  }

  /** Runs one of the manager's own execs in the container, holding off the idle pause meanwhile. */
  async helper<T>(entry: SessionEntry, work: () => Promise<T>): Promise<T> {
    entry.helpers++;
    try {
      return await work();
    } finally {
      entry.helpers--;
      this.reschedule(entry);
    }
  }

  /** Arms the one timer of the session for its next deadline. */
  reschedule(entry: SessionEntry): void {
    entry.timer?.cancel();
    entry.timer = undefined;
    if (this.closed) return;
    const deadline = nextDeadlineOf(entry);
    if (!deadline) return;
    entry.timer = this.clock.schedule(() => {
      entry.timer = undefined;
      this.onDeadline(entry, deadline.action);
    }, deadline.at - this.clock.now());
  }
}
