// The job queue runners claim work from: a job is leased to one runner at a
// time; a lease that is not renewed expires and the job can be claimed again.
// Several sync servers share one queue: a claim takes its row in one locking
// statement, so exactly one runner gets each job, and the bus (cluster/bus.ts)
// tells every instance when a job is queued or ends, so a runner's long-poll
// and a caller's wait are answered whichever instance they are on.
//
// An enhance job carries a person's prompt and brings back text from inside
// their Environment; a session action (restore, commit, push, pull request,
// patch) travels the same way. Their answer goes to the waiting caller: in
// memory when the caller waits on the instance the runner reported to, else
// through the job's row until the waiter reads it (then it is cleared); the
// prompt is dropped once the job ends.
import { LEASE_MS, type EnhancePayload, type Job, type JobKind, type SessionAction } from '@orrery/shared';
import { sql } from 'kysely';
import type { Bus } from '../cluster/bus.js';
import { conflict } from '../errors.js';
import type { Database, Records } from '../store/database.js';
import {
  OPEN,
  WAITED_FOR,
  claimOldest,
  forgetWaitedFor,
  insertJob,
  newJobId,
  takeOutcome,
  untilNextExpiry,
  withdraw,
  type JobAnswer,
  type JobOutcome,
} from './rows.js';

export type { JobAnswer, JobOutcome } from './rows.js';

/**
 * Longer than any caller waits (routes/ship.ts's 2 minutes): on PostgreSQL a
 * starting instance ends only waited-for jobs this old, the others may belong
 * to a caller on another instance.
 */
const LONGEST_WAIT_MS = 5 * 60_000;
const SWEEP_MS = 60_000;

/** Bus channels: the org whose queue gained a job; the id of a job that ended. */
const ENQUEUED = 'jobs:enqueued';
const ENDED = 'jobs:ended';

interface Waiter {
  orgId: string;
  wake: () => void;
}

interface OutcomeWaiter {
  /** Settles the wait with this outcome, or reads the row for it (null: it has not ended). */
  settle(outcome: JobOutcome | null): void;
  recheck(): void;
}

export class JobQueue {
  private readonly db: Records;
  private readonly waiters = new Set<Waiter>();
  /** Callers waiting for a job's outcome (enhance and session action requests), by job id. */
  private readonly outcomes = new Map<string, OutcomeWaiter>();
  private readonly unsubscribe: (() => void)[];
  /** Old waited-for jobs are ended before anything else touches the queue. */
  private readonly ready: Promise<void>;
  private readonly sweeper: NodeJS.Timeout;
  /** After a build job ends: its build record is closed if the runner left it open. */
  onBuildDone: (buildId: string, outcome: 'done' | 'failed', detail: string) => Promise<void> = () =>
    Promise.resolve();

  constructor(
    private readonly database: Database,
    private readonly clock: () => number,
    private readonly bus: Bus,
    /** After a turn job completes: the session may have gained messages meanwhile. */
    /** Awaited before a completion is answered, so the queue then says what the session needs next. */
    private readonly onTurnDone: (sessionId: string) => Promise<void> = async () => {},
    private readonly onError: (message: string) => void = () => {},
  ) {
    this.db = database.db;
    this.unsubscribe = [
      bus.subscribe(ENQUEUED, (orgId) => this.wakeWaiters(orgId)),
      bus.subscribe(ENDED, (jobId) => this.outcomes.get(jobId)?.recheck()),
    ];
    const now = clock();
    this.ready = forgetWaitedFor(
      this.db,
      // SQLite has one server, so all of them; on PostgreSQL another instance's caller may wait for a recent one.
      database.engine === 'sqlite' ? Number.MAX_SAFE_INTEGER : now - LONGEST_WAIT_MS,
      now,
    ).catch((err: unknown) => this.onError(`jobs: could not end the jobs of an earlier run: ${String(err)}`));
    // An answer left on a row by a caller that died on another instance is dropped once no wait can last so long.
    this.sweeper = setInterval(() => {
      forgetWaitedFor(this.db, this.clock() - LONGEST_WAIT_MS, this.clock()).catch((err: unknown) =>
        this.onError(`jobs: could not drop what old jobs carried: ${String(err)}`),
      );
    }, SWEEP_MS);
    this.sweeper.unref();
  }

  /** Adds a job; for 'turn' at most one open job per session exists, so this is idempotent. */
  async enqueue(orgId: string, kind: JobKind, sessionId: string): Promise<void> {
    // Most calls find the job already there (every change to a busy session asks); reading is cheaper than writing.
    if (kind === 'turn' && (await this.hasOpenTurn(sessionId))) return;
    // The unique partial index jobs_one_turn keeps one open turn job per session.
    const added = await insertJob(this.db, { id: newJobId(), orgId, kind, sessionId, now: this.clock() });
    if (added) this.announce(orgId);
  }

  /** Whether a turn job for the session waits or runs. */
  async hasOpenTurn(sessionId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('jobs')
      .select('id')
      .where('session_id', '=', sessionId)
      .where('kind', '=', 'turn')
      .where('state', 'in', OPEN)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Adds an enhance job; its session is '' when enhancing on Home. */
  async enqueueEnhance(orgId: string, payload: EnhancePayload): Promise<string> {
    await this.ready;
    const id = newJobId();
    const sessionId = payload.sessionId ?? '';
    await insertJob(this.db, { id, orgId, kind: 'enhance', sessionId, payload, now: this.clock() });
    this.announce(orgId);
    return id;
  }

  /**
   * Adds a session action job (a person's restore, commit, push, pull request
   * or patch) and returns its id; refused while another action of the
   * session waits or runs, so two never move the same repository at once
   * (the unique partial index jobs_one_action decides, whichever instance asks).
   */
  async enqueueAction(
    orgId: string,
    sessionId: string,
    action: SessionAction,
    requesterId: string,
    author?: { name: string; email: string },
  ): Promise<string> {
    await this.ready;
    const id = newJobId();
    const payload = { action, requesterId, author };
    const now = this.clock();
    if (!(await insertJob(this.db, { id, orgId, kind: 'session_action', sessionId, payload, now })))
      throw conflict(
        "Another action on this session's repositories is still running; wait for it to finish.",
      );
    this.announce(orgId);
    return id;
  }

  /** Adds a build job for an Environment build record; returns the job's id. */
  async enqueueBuild(orgId: string, buildId: string): Promise<string> {
    const id = newJobId();
    const payload = { buildId };
    await insertJob(this.db, {
      id,
      orgId,
      kind: 'build_environment',
      sessionId: '',
      payload,
      now: this.clock(),
    });
    this.announce(orgId);
    return id;
  }

  /**
   * Waits for a job's outcome; null when none came in time (or the caller went
   * away), and then the job is withdrawn, so no runner wastes work on it and
   * one working on it loses its lease. The runner may report to any instance:
   * when told (or when the time is up) this one reads the job's row.
   */
  outcome(jobId: string, waitMs: number, signal?: AbortSignal): Promise<JobOutcome | null> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (outcome: JobOutcome | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', abandon);
        this.outcomes.delete(jobId);
        resolve(outcome);
      };
      const recheck = () => {
        takeOutcome(this.db, jobId)
          .then((outcome) => outcome && settle(outcome))
          .catch((err: unknown) => this.onError(`jobs: could not read job ${jobId}: ${String(err)}`));
      };
      const abandon = () => {
        if (settled) return;
        withdraw(this.db, jobId, this.clock())
          // It may have ended just before: then its answer is there.
          .then(async (withdrawn) => settle(withdrawn ? null : await takeOutcome(this.db, jobId)))
          .catch((err: unknown) => {
            this.onError(`jobs: could not withdraw job ${jobId}: ${String(err)}`);
            settle(null);
          });
      };
      const timer = setTimeout(abandon, waitMs);
      signal?.addEventListener('abort', abandon);
      this.outcomes.set(jobId, { settle, recheck });
    });
  }

  /** Whether a runner holds a live lease on this session's turn job. */
  async hasLiveTurn(sessionId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('jobs')
      .select('id')
      .where('session_id', '=', sessionId)
      .where('kind', '=', 'turn')
      .where('state', '=', 'leased')
      .where('lease_expires_at', '>', this.clock())
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Open turn jobs of a deleted session will never run. */
  async dropTurns(sessionId: string): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({ state: 'failed', detail: 'the session was deleted', updated_at: this.clock() })
      .where('session_id', '=', sessionId)
      .where('kind', '=', 'turn')
      .where('state', 'in', OPEN)
      .execute();
  }

  /** Claims the oldest claimable job, waiting up to waitMs for one. */
  async claim(
    orgId: string,
    runnerId: string,
    kinds: readonly JobKind[],
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<Job | null> {
    await this.ready;
    const deadline = this.clock() + waitMs;
    for (;;) {
      // Registered before looking, so a job queued meanwhile still wakes this wait.
      const waiting = this.waitFor(orgId, signal);
      try {
        const job =
          kinds.length > 0 ? await claimOldest(this.database, orgId, runnerId, kinds, this.clock()) : null;
        const left = deadline - this.clock();
        if (job || left <= 0 || signal?.aborted) return job;
        waiting.arm(Math.min(left, (await untilNextExpiry(this.db, orgId, this.clock())) ?? left));
        await waiting.woken;
      } finally {
        waiting.cancel();
      }
    }
  }

  /** A wait woken by a job queued for the org (on any instance), by `signal`, or after the time armed. */
  private waitFor(orgId: string, signal?: AbortSignal) {
    let timer: NodeJS.Timeout | undefined;
    let resolveWoken!: () => void;
    const woken = new Promise<void>((resolve) => (resolveWoken = resolve));
    const done = () => {
      clearTimeout(timer);
      this.waiters.delete(waiter);
      signal?.removeEventListener('abort', done);
      resolveWoken();
    };
    const waiter: Waiter = { orgId, wake: done };
    this.waiters.add(waiter);
    signal?.addEventListener('abort', done);
    return {
      woken,
      arm: (ms: number) => (timer = setTimeout(done, ms)),
      cancel: done,
    };
  }

  private wakeWaiters(orgId?: string): void {
    for (const w of [...this.waiters]) if (orgId === undefined || w.orgId === orgId) w.wake();
  }

  /** A job was queued: this instance's runners hear it now, the others' through the bus. */
  private announce(orgId: string): void {
    this.wakeWaiters(orgId);
    this.publish(ENQUEUED, orgId);
  }

  private publish(channel: string, message: string): void {
    this.bus
      .publish(channel, message)
      .catch((err: unknown) => this.onError(`jobs: could not publish on ${channel}: ${String(err)}`));
  }

  /** Throws conflict unless the caller holds the job's live lease. */
  async checkLease(orgId: string, jobId: string, leaseToken: string): Promise<void> {
    const row = await this.db
      .selectFrom('jobs')
      .select('id')
      .where('id', '=', jobId)
      .where('org_id', '=', orgId)
      .where('state', '=', 'leased')
      .where('lease_token', '=', leaseToken)
      .where('lease_expires_at', '>', this.clock())
      .executeTakeFirst();
    if (!row) throw leaseLost();
  }

  async heartbeat(orgId: string, jobId: string, leaseToken: string): Promise<number> {
    const now = this.clock();
    const leaseExpiresAt = now + LEASE_MS;
    const res = await this.db
      .updateTable('jobs')
      .set({ lease_expires_at: leaseExpiresAt, updated_at: now })
      .where('id', '=', jobId)
      .where('org_id', '=', orgId)
      .where('state', '=', 'leased')
      .where('lease_token', '=', leaseToken)
      .where('lease_expires_at', '>', now)
      .executeTakeFirst();
    if (!res.numUpdatedRows) throw leaseLost();
    return leaseExpiresAt;
  }

  async complete(
    orgId: string,
    jobId: string,
    leaseToken: string,
    outcome: 'done' | 'failed',
    detail: string,
    answer: JobAnswer = {},
  ): Promise<void> {
    const now = this.clock();
    const waiter = this.outcomes.get(jobId);
    const hasAnswer =
      answer.result !== undefined || answer.actionResult !== undefined || answer.failure !== undefined;
    // The prompt is no longer needed; the answer rides on the row only when its caller waits elsewhere.
    const row = await this.db
      .updateTable('jobs')
      .set({
        state: outcome,
        detail,
        // A build's payload names its build, for onBuildDone below; the others' are dropped.
        payload: sql<string | null>`CASE WHEN kind = 'build_environment' THEN payload ELSE NULL END`,
        result: !waiter && hasAnswer ? JSON.stringify(answer) : null,
        lease_token: null,
        updated_at: now,
      })
      .where('id', '=', jobId)
      .where('org_id', '=', orgId)
      .where('state', '=', 'leased')
      .where('lease_token', '=', leaseToken)
      .where('lease_expires_at', '>', now)
      .returning(['kind', 'session_id', 'payload'])
      .executeTakeFirst();
    if (!row) throw leaseLost();
    if (waiter) {
      waiter.settle({
        outcome,
        detail,
        result: answer.result ?? null,
        actionResult: answer.actionResult ?? null,
        failure: answer.failure ?? null,
      });
    } else if ((WAITED_FOR as readonly string[]).includes(row.kind)) {
      this.publish(ENDED, jobId);
    }
    if (row.kind === 'turn') await this.onTurnDone(row.session_id);
    if (row.kind === 'build_environment' && row.payload) {
      await this.onBuildDone((JSON.parse(row.payload) as { buildId: string }).buildId, outcome, detail);
    }
  }

  /** Jobs waiting or running, for tests and diagnostics. */
  async open(
    orgId: string,
  ): Promise<{ id: string; kind: JobKind; sessionId: string | null; state: string }[]> {
    const rows = await this.db
      .selectFrom('jobs')
      .select(['id', 'kind', 'session_id', 'state'])
      .where('org_id', '=', orgId)
      .where('state', 'in', OPEN)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind as JobKind,
      sessionId: r.session_id || null,
      state: r.state,
    }));
  }

  /** Runners' waits end; callers waiting here are told, and their jobs withdrawn. */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    for (const off of this.unsubscribe) off();
    this.wakeWaiters();
    const waited = [...this.outcomes.entries()];
    for (const [, waiter] of waited)
      waiter.settle({ outcome: 'failed', detail: 'the server is shutting down', result: null });
    await Promise.all(waited.map(([jobId]) => withdraw(this.db, jobId, this.clock()).catch(() => false)));
  }
}

function leaseLost() {
  return conflict('This lease was lost (it expired or another runner claimed the job); stop working on it.');
}
