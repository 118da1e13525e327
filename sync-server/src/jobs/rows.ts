// The jobs table's statements for the queue (queue.ts). Each is one statement,
// or one transaction that locks what it reads, so calls from several
// instances never interleave inside one.
import { LEASE_MS, type EnhancePayload, type EnhanceResult, type Job, type JobKind } from '@orrery/shared';
import type { SessionActionFailure, SessionActionResult } from '@orrery/shared';
import type { Selectable } from 'kysely';
import { randomBytes } from 'node:crypto';
import type { Database, Records } from '../store/database.js';
import type { Jobs } from '../store/tables.js';

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
export const WAITED_FOR = ['enhance', 'session_action'] as const;
export const OPEN = ['pending', 'leased'] as const;
const NOBODY_WAITS = 'nobody waits for it any more';

/**
 * Adds a pending job; false when a unique index refused it (a second open
 * turn job, or session action, of one session).
 */
export async function insertJob(
  db: Records,
  job: { id: string; orgId: string; kind: JobKind; sessionId: string; payload?: unknown; now: number },
): Promise<boolean> {
  const res = await db
    .insertInto('jobs')
    .values({
      id: job.id,
      org_id: job.orgId,
      kind: job.kind,
      session_id: job.sessionId,
      state: 'pending',
      attempts: 0,
      payload: job.payload === undefined ? null : JSON.stringify(job.payload),
      created_at: job.now,
      updated_at: job.now,
    })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return res.numInsertedOrUpdatedRows !== undefined && res.numInsertedOrUpdatedRows > 0n;
}

/**
 * Waited-for jobs made before `before` end, and what they carried (kept in
 * plain text by older versions, or an answer nobody took) is dropped.
 */
export async function forgetWaitedFor(db: Records, before: number, now: number): Promise<void> {
  await db
    .updateTable('jobs')
    .set({
      state: 'failed',
      detail: NOBODY_WAITS,
      payload: null,
      result: null,
      lease_token: null,
      updated_at: now,
    })
    .where('kind', 'in', WAITED_FOR)
    .where('state', 'in', OPEN)
    .where('created_at', '<', before)
    .execute();
  await db
    .updateTable('jobs')
    .set({ payload: null, result: null, updated_at: now })
    .where('kind', 'in', WAITED_FOR)
    .where('state', 'not in', OPEN)
    .where((eb) => eb.or([eb('payload', 'is not', null), eb('result', 'is not', null)]))
    .where('updated_at', '<', before)
    .execute();
}

/** Ends a job nobody waits for any more; false when it had ended already. */
export async function withdraw(db: Records, jobId: string, now: number): Promise<boolean> {
  const res = await db
    .updateTable('jobs')
    .set({ state: 'failed', detail: NOBODY_WAITS, payload: null, lease_token: null, updated_at: now })
    .where('id', '=', jobId)
    .where('state', 'in', OPEN)
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

/** The outcome of a job that ended, taking its answer off the row; null while it has not. */
export async function takeOutcome(db: Records, jobId: string): Promise<JobOutcome | null> {
  const row = await db
    .selectFrom('jobs')
    .select(['state', 'detail', 'result'])
    .where('id', '=', jobId)
    .executeTakeFirst();
  if (!row || (row.state !== 'done' && row.state !== 'failed')) return null;
  if (row.result !== null)
    await db.updateTable('jobs').set({ result: null }).where('id', '=', jobId).execute();
  const answer = row.result ? (JSON.parse(row.result) as JobAnswer) : {};
  return {
    outcome: row.state,
    detail: row.detail,
    result: answer.result ?? null,
    actionResult: answer.actionResult ?? null,
    failure: answer.failure ?? null,
  };
}

/**
 * Leases the oldest claimable job to the runner: on PostgreSQL its row is
 * locked with SKIP LOCKED, so concurrent claimers (on any instance) each get
 * a different job; SQLite has one connection and runs the transaction alone.
 */
export async function claimOldest(
  database: Database,
  orgId: string,
  runnerId: string,
  kinds: readonly JobKind[],
  now: number,
): Promise<Job | null> {
  const leaseToken = randomBytes(18).toString('base64url');
  const leaseExpiresAt = now + LEASE_MS;
  const row = await database.db.transaction().execute(async (trx) => {
    let pick = trx
      .selectFrom('jobs')
      .select('id')
      .where('org_id', '=', orgId)
      .where('kind', 'in', kinds)
      .where((eb) =>
        eb.or([
          eb('state', '=', 'pending'),
          eb.and([eb('state', '=', 'leased'), eb('lease_expires_at', '<=', now)]),
        ]),
      )
      .orderBy('created_at')
      .orderBy('id')
      .limit(1);
    if (database.engine === 'postgres') pick = pick.forUpdate().skipLocked();
    const picked = await pick.executeTakeFirst();
    if (!picked) return undefined;
    return trx
      .updateTable('jobs')
      .set((eb) => ({
        state: 'leased',
        lease_token: leaseToken,
        lease_expires_at: leaseExpiresAt,
        runner_id: runnerId,
        attempts: eb('attempts', '+', 1),
        updated_at: now,
      }))
      .where('id', '=', picked.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
  return row ? toJob(row, leaseToken, leaseExpiresAt) : null;
}

/** How long until the org's next lease runs out (its job may be claimed then); null when none is held. */
export async function untilNextExpiry(db: Records, orgId: string, now: number): Promise<number | null> {
  const row = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.min('lease_expires_at').as('at'))
    .where('org_id', '=', orgId)
    .where('state', '=', 'leased')
    .where('lease_expires_at', '>', now)
    .executeTakeFirst();
  return row?.at == null ? null : Math.max(10, row.at - now + 5);
}

function toJob(row: Selectable<Jobs>, leaseToken: string, leaseExpiresAt: number): Job {
  const kind = row.kind as JobKind;
  const carried = row.payload ? (JSON.parse(row.payload) as unknown) : undefined;
  const build = kind === 'build_environment' ? (carried as { buildId: string }) : undefined;
  const payload = kind === 'enhance' ? (carried as EnhancePayload | undefined) : undefined;
  const asked =
    kind === 'session_action'
      ? (carried as Pick<Job, 'action' | 'requesterId' | 'author'> | undefined)
      : undefined;
  return {
    id: row.id,
    kind,
    sessionId: row.session_id || null,
    ...(payload ? { payload } : {}),
    ...(build ? { buildId: build.buildId } : {}),
    ...(asked ? { action: asked.action, requesterId: asked.requesterId } : {}),
    ...(asked?.author ? { author: asked.author } : {}),
    leaseToken,
    leaseExpiresAt,
    // As before: the attempts counted before this claim.
    attempts: row.attempts - 1,
  };
}

let lastMs = 0;
let counter = 0;
/**
 * A job's id sorts after every id this process made before it, so jobs queued
 * in the same millisecond are claimed in the order they were queued (the
 * claim orders by created_at, then id). Across instances the order within a
 * millisecond is arbitrary, as it is for any two runners.
 */
export function newJobId(now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    counter = 0;
  } else counter += 1;
  const time = lastMs.toString(36).padStart(9, '0');
  return `${time}${counter.toString(36).padStart(4, '0')}${randomBytes(3).toString('base64url')}`;
}
