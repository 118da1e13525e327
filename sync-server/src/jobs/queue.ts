// The job queue runners claim work from: a job is leased to one runner at a
// time; a lease that is not renewed expires and the job can be claimed again.
// An enhance job carries a person's prompt and brings back text from inside
// their Environment: its result goes straight to the waiting caller and is
// never stored, and its prompt is dropped once the job ends. A session action
// (restore, commit, push, pull request, patch) travels the same way.
import {
  LEASE_MS,
  type EnhancePayload,
  type EnhanceResult,
  type Job,
  type JobKind,
  type SessionAction,
  type SessionActionFailure,
  type SessionActionResult,
} from '@orrery/shared';
import { randomBytes } from 'node:crypto';
import { conflict } from '../errors.js';
import { newId } from '../auth/secrets.js';
import type { Db } from '../store/db.js';

interface JobRow {
  id: string;
  org_id: string;
  kind: JobKind;
  session_id: string;
  state: 'pending' | 'leased' | 'done' | 'failed';
  lease_token: string | null;
  lease_expires_at: number | null;
  attempts: number;
  payload: string | null;
}

export interface JobOutcome {
  outcome: 'done' | 'failed';
  detail: string;
  result: EnhanceResult | null;
  /** A 'session_action' job's answer, or why it failed in a way people can act on. */
  actionResult?: SessionActionResult | null;
  failure?: SessionActionFailure | null;
}

/** What a runner hands back with completion besides the outcome. */
export interface JobAnswer {
  result?: EnhanceResult | undefined;
  actionResult?: SessionActionResult | undefined;
  failure?: SessionActionFailure | undefined;
}

/** Jobs someone waits for over HTTP: after a restart of the server nobody does. */
const WAITED_FOR = `('enhance', 'session_action')`;

interface Waiter {
  orgId: string;
  kinds: readonly JobKind[];
  wake: () => void;
}

export class JobQueue {
  private readonly waiters = new Set<Waiter>();
  /** Callers waiting for a job's outcome (enhance and session action requests), by job id. */
  private readonly outcomes = new Map<string, (outcome: JobOutcome) => void>();
  /** After a build job ends: its build record is closed if the runner left it open. */
  onBuildDone: (buildId: string, outcome: 'done' | 'failed', detail: string) => void = () => {};

  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
    /** After a turn job completes: the session may have gained messages meanwhile. */
    private readonly onTurnDone: (sessionId: string) => void = () => {},
  ) {
    this.forgetWaitedForJobs();
  }

  /**
   * Enhance and session action jobs of an earlier run of the server: nobody
   * waits for them any more, so they end, and what they carried (kept in
   * plain text by older versions) is dropped.
   */
  private forgetWaitedForJobs(): void {
    this.db
      .prepare(
        `UPDATE jobs SET state = CASE WHEN state IN ('pending', 'leased') THEN 'failed' ELSE state END,
         detail = CASE WHEN state IN ('pending', 'leased') THEN 'nobody waits for it any more' ELSE detail END,
         payload = NULL, result = NULL, lease_token = NULL, updated_at = ?
         WHERE kind IN ${WAITED_FOR} AND (payload IS NOT NULL OR result IS NOT NULL OR state IN ('pending', 'leased'))`,
      )
      .run(this.clock());
  }

  /** Adds a job; for 'turn' at most one open job per session exists, so this is idempotent. */
  enqueue(orgId: string, kind: JobKind, sessionId: string): void {
    // Most calls find the job already there (every change to a busy session asks); reading is cheaper than writing.
    if (kind === 'turn' && this.hasOpenTurn(sessionId)) return;
    const now = this.clock();
    const res = this.db
      .prepare(
        `INSERT OR IGNORE INTO jobs (id, org_id, kind, session_id, state, attempts, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)`,
      )
      .run(newId(), orgId, kind, sessionId, now, now);
    if (res.changes) this.wakeWaiters();
  }

  /** Whether a turn job for the session waits or runs. */
  hasOpenTurn(sessionId: string): boolean {
    return (
      this.db
        .prepare(
          `SELECT 1 FROM jobs WHERE session_id = ? AND kind = 'turn' AND state IN ('pending', 'leased')`,
        )
        .get(sessionId) !== undefined
    );
  }

  /** Adds an enhance job; its session is '' when enhancing on Home. */
  enqueueEnhance(orgId: string, payload: EnhancePayload): string {
    const id = newId();
    const now = this.clock();
    this.db
      .prepare(
        `INSERT INTO jobs (id, org_id, kind, session_id, state, attempts, payload, created_at, updated_at)
         VALUES (?, ?, 'enhance', ?, 'pending', 0, ?, ?, ?)`,
      )
      .run(id, orgId, payload.sessionId ?? '', JSON.stringify(payload), now, now);
    this.wakeWaiters();
    return id;
  }

  /**
   * Adds a session action job (a person's restore, commit, push, pull request
   * or patch) and returns its id; refused while another action of the
   * session waits or runs, so two never move the same repository at once.
   */
  enqueueAction(
    orgId: string,
    sessionId: string,
    action: SessionAction,
    requesterId: string,
    author?: { name: string; email: string },
  ): string {
    const id = newId();
    const now = this.clock();
    this.db.transaction(() => {
      const open = this.db
        .prepare(
          `SELECT 1 FROM jobs WHERE session_id = ? AND kind = 'session_action' AND state IN ('pending', 'leased')`,
        )
        .get(sessionId);
      if (open)
        throw conflict(
          "Another action on this session's repositories is still running; wait for it to finish.",
        );
      this.db
        .prepare(
          `INSERT INTO jobs (id, org_id, kind, session_id, state, attempts, payload, created_at, updated_at)
           VALUES (?, ?, 'session_action', ?, 'pending', 0, ?, ?, ?)`,
        )
        .run(id, orgId, sessionId, JSON.stringify({ action, requesterId, author }), now, now);
    })();
    this.wakeWaiters();
    return id;
  }

  /** Adds a build job for an Environment build record; returns the job's id. */
  enqueueBuild(orgId: string, buildId: string): string {
    const id = newId();
    const now = this.clock();
    this.db
      .prepare(
        `INSERT INTO jobs (id, org_id, kind, session_id, state, attempts, payload, created_at, updated_at)
         VALUES (?, ?, 'build_environment', '', 'pending', 0, ?, ?, ?)`,
      )
      .run(id, orgId, JSON.stringify({ buildId }), now, now);
    this.wakeWaiters();
    return id;
  }

  /**
   * Waits for a job's outcome; null when none came in time (or the caller went
   * away), and then the job is withdrawn, so no runner wastes work on it and
   * one working on it loses its lease.
   */
  outcome(jobId: string, waitMs: number, signal?: AbortSignal): Promise<JobOutcome | null> {
    return new Promise((resolve) => {
      const finish = (outcome: JobOutcome | null) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', abandon);
        this.outcomes.delete(jobId);
        if (outcome === null) {
          this.db
            .prepare(
              `UPDATE jobs SET state = 'failed', detail = 'nobody waits for it any more', payload = NULL,
               lease_token = NULL, updated_at = ? WHERE id = ? AND state IN ('pending', 'leased')`,
            )
            .run(this.clock(), jobId);
        }
        resolve(outcome);
      };
      const abandon = () => finish(null);
      const timer = setTimeout(abandon, waitMs);
      signal?.addEventListener('abort', abandon);
      this.outcomes.set(jobId, finish);
    });
  }

  /** Whether a runner holds a live lease on this session's turn job. */
  hasLiveTurn(sessionId: string): boolean {
    return (
      this.db
        .prepare(
          `SELECT 1 FROM jobs WHERE session_id = ? AND kind = 'turn' AND state = 'leased' AND lease_expires_at > ?`,
        )
        .get(sessionId, this.clock()) !== undefined
    );
  }

  /** Open turn jobs of a deleted session will never run. */
  dropTurns(sessionId: string): void {
    this.db
      .prepare(
        `UPDATE jobs SET state = 'failed', detail = 'the session was deleted', updated_at = ?
         WHERE session_id = ? AND kind = 'turn' AND state IN ('pending', 'leased')`,
      )
      .run(this.clock(), sessionId);
  }

  /** Claims the oldest claimable job, waiting up to waitMs for one. */
  async claim(
    orgId: string,
    runnerId: string,
    kinds: readonly JobKind[],
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<Job | null> {
    const deadline = this.clock() + waitMs;
    for (;;) {
      const job = this.claimNow(orgId, runnerId, kinds);
      if (job) return job;
      const left = deadline - this.clock();
      if (left <= 0 || signal?.aborted) return null;
      await this.wait(orgId, kinds, Math.min(left, this.untilNextExpiry(orgId) ?? left), signal);
    }
  }

  private claimNow(orgId: string, runnerId: string, kinds: readonly JobKind[]): Job | null {
    return this.db.transaction(() => {
      const now = this.clock();
      const row = this.db
        .prepare<[string, string, number], JobRow>(
          `SELECT * FROM jobs WHERE org_id = ? AND kind IN (SELECT value FROM json_each(?))
           AND (state = 'pending' OR (state = 'leased' AND lease_expires_at <= ?))
           ORDER BY created_at LIMIT 1`,
        )
        .get(orgId, JSON.stringify(kinds), now);
      if (!row) return null;
      const leaseToken = randomBytes(18).toString('base64url');
      const leaseExpiresAt = now + LEASE_MS;
      this.db
        .prepare(
          `UPDATE jobs SET state = 'leased', lease_token = ?, lease_expires_at = ?, runner_id = ?,
           attempts = attempts + 1, updated_at = ? WHERE id = ?`,
        )
        .run(leaseToken, leaseExpiresAt, runnerId, now, row.id);
      const carried = row.payload ? (JSON.parse(row.payload) as unknown) : undefined;
      const build = row.kind === 'build_environment' ? (carried as { buildId: string }) : undefined;
      const payload = row.kind === 'enhance' ? (carried as EnhancePayload | undefined) : undefined;
      const asked =
        row.kind === 'session_action'
          ? (carried as Pick<Job, 'action' | 'requesterId' | 'author'> | undefined)
          : undefined;
      return {
        id: row.id,
        kind: row.kind,
        sessionId: row.session_id || null,
        ...(payload ? { payload } : {}),
        ...(build ? { buildId: build.buildId } : {}),
        ...(asked ? { action: asked.action, requesterId: asked.requesterId } : {}),
        ...(asked?.author ? { author: asked.author } : {}),
        leaseToken,
        leaseExpiresAt,
        attempts: row.attempts,
      };
    })();
  }

  private untilNextExpiry(orgId: string): number | null {
    const row = this.db
      .prepare<[string, number], { at: number | null }>(
        `SELECT MIN(lease_expires_at) AS at FROM jobs WHERE org_id = ? AND state = 'leased' AND lease_expires_at > ?`,
      )
      .get(orgId, this.clock());
    return row?.at == null ? null : Math.max(10, row.at - this.clock() + 5);
  }

  private wait(orgId: string, kinds: readonly JobKind[], ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const waiter: Waiter = { orgId, kinds, wake: done };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done);
      this.waiters.add(waiter);
    });
  }

  private wakeWaiters(): void {
    for (const w of [...this.waiters]) w.wake();
  }

  private leased(orgId: string, jobId: string, leaseToken: string): JobRow {
    const row = this.db
      .prepare<[string, string], JobRow>('SELECT * FROM jobs WHERE id = ? AND org_id = ?')
      .get(jobId, orgId);
    if (
      !row ||
      row.state !== 'leased' ||
      row.lease_token !== leaseToken ||
      (row.lease_expires_at ?? 0) <= this.clock()
    ) {
      throw conflict(
        'This lease was lost (it expired or another runner claimed the job); stop working on it.',
      );
    }
    return row;
  }

  /** Throws conflict unless the caller holds the job's live lease. */
  checkLease(orgId: string, jobId: string, leaseToken: string): void {
    this.leased(orgId, jobId, leaseToken);
  }

  heartbeat(orgId: string, jobId: string, leaseToken: string): number {
    return this.db.transaction(() => {
      this.leased(orgId, jobId, leaseToken);
      const leaseExpiresAt = this.clock() + LEASE_MS;
      this.db
        .prepare('UPDATE jobs SET lease_expires_at = ?, updated_at = ? WHERE id = ?')
        .run(leaseExpiresAt, this.clock(), jobId);
      return leaseExpiresAt;
    })();
  }

  complete(
    orgId: string,
    jobId: string,
    leaseToken: string,
    outcome: 'done' | 'failed',
    detail: string,
    answer: JobAnswer = {},
  ): void {
    const row = this.db.transaction(() => {
      const row = this.leased(orgId, jobId, leaseToken);
      // The result only travels to the caller below; the prompt is no longer needed.
      this.db
        .prepare(
          'UPDATE jobs SET state = ?, detail = ?, payload = NULL, result = NULL, lease_token = NULL, updated_at = ? WHERE id = ?',
        )
        .run(outcome, detail, this.clock(), jobId);
      return row;
    })();
    if (row.kind === 'turn') this.onTurnDone(row.session_id);
    if (row.kind === 'build_environment' && row.payload) {
      this.onBuildDone((JSON.parse(row.payload) as { buildId: string }).buildId, outcome, detail);
    }
    this.outcomes.get(jobId)?.({
      outcome,
      detail,
      result: answer.result ?? null,
      actionResult: answer.actionResult ?? null,
      failure: answer.failure ?? null,
    });
  }

  /** Jobs waiting or running, for tests and diagnostics. */
  open(orgId: string): { id: string; kind: JobKind; sessionId: string | null; state: string }[] {
    return this.db
      .prepare<[string], JobRow>(
        `SELECT * FROM jobs WHERE org_id = ? AND state IN ('pending', 'leased') ORDER BY created_at`,
      )
      .all(orgId)
      .map((r) => ({ id: r.id, kind: r.kind, sessionId: r.session_id || null, state: r.state }));
  }

  close(): void {
    this.wakeWaiters();
    for (const finish of [...this.outcomes.values()])
      finish({ outcome: 'failed', detail: 'the server is shutting down', result: null });
  }
}
