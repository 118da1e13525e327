// Environment builds (shared/src/builds.ts): the record of each build, its
// log, and which build sessions use. Access is the caller's business: routes
// check the Environment first (see routes/builds.ts).
import {
  MAX_BUILD_LOG_LINES,
  buildDefinitionOf,
  sameBuildDefinition,
  type BuildDefinition,
  type BuildLogLine,
  type BuildReport,
  type BuildStatus,
  type BuildStep,
  type BuildTrigger,
  type Environment,
  type EnvironmentBuild,
} from '@orrery/shared';
import { newId } from '../auth/secrets.js';
import { conflict } from '../errors.js';
import type { Selectable } from 'kysely';
import type { Bus } from '../cluster/bus.js';
import type { Records } from '../store/database.js';
import type { EnvironmentBuilds } from '../store/tables.js';

type BuildRow = Omit<Selectable<EnvironmentBuilds>, 'status' | 'step' | 'trigger'> & {
  status: BuildStatus;
  step: BuildStep;
  trigger: BuildTrigger;
};

/** Builds shown per Environment; older ones (and their logs) are forgotten. */
const HISTORY = 20;
/** Bus channel: the id of a build whose record or log changed, for readers on every instance. */
const CHANGED = 'builds:changed';

export class Builds {
  /** Long-polling readers of a build's log, woken by any change to it. */
  private readonly watchers = new Map<string, Set<() => void>>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly db: Records,
    private readonly clock: () => number,
    private readonly bus: Bus,
  ) {
    this.unsubscribe = bus.subscribe(CHANGED, (buildId) => this.wakeHere(buildId));
  }

  async row(id: string): Promise<BuildRow | undefined> {
    return (await this.db
      .selectFrom('environment_builds')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()) as BuildRow | undefined;
  }

  async get(id: string): Promise<EnvironmentBuild | null> {
    const row = await this.row(id);
    return row ? toBuild(row) : null;
  }

  /** A queued build of the Environment as it is now; `attachJob` gives it its job. */
  async create(
    environment: Environment,
    trigger: BuildTrigger,
    requestedBy: string | null,
  ): Promise<EnvironmentBuild> {
    // Newest first is by creation time: a build made in the same millisecond as the last still sorts after it.
    const newest = await this.newest(environment.id);
    const row: BuildRow = {
      id: newId(),
      org_id: environment.orgId,
      environment_id: environment.id,
      definition: JSON.stringify(buildDefinitionOf(environment)),
      status: 'queued',
      step: 'queued',
      trigger,
      requested_by: requestedBy,
      job_id: null,
      error: null,
      created_at: Math.max(this.clock(), (newest?.created_at ?? 0) + 1),
      started_at: null,
      finished_at: null,
      lines: 0,
    };
    await this.db.insertInto('environment_builds').values(row).execute();
    await this.forgetOld(environment.id);
    return toBuild(row);
  }

  async attachJob(buildId: string, jobId: string): Promise<void> {
    await this.db
      .updateTable('environment_builds')
      .set({ job_id: jobId })
      .where('id', '=', buildId)
      .execute();
  }

  private async newest(environmentId: string): Promise<BuildRow | undefined> {
    return (await this.db
      .selectFrom('environment_builds')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst()) as BuildRow | undefined;
  }

  /** Whether the Environment's build-relevant fields differ from its newest build's (or it has none). */
  async needsBuild(environment: Environment): Promise<boolean> {
    const newest = await this.newest(environment.id);
    if (!newest) return true;
    return !sameBuildDefinition(JSON.parse(newest.definition) as BuildDefinition, environment);
  }

  async list(environmentId: string): Promise<EnvironmentBuild[]> {
    const rows = await this.db
      .selectFrom('environment_builds')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .orderBy('created_at', 'desc')
      .limit(HISTORY)
      .execute();
    return (rows as BuildRow[]).map(toBuild);
  }

  /** The newest build that succeeded: sessions run on its snapshot. */
  async inUseRow(environmentId: string): Promise<BuildRow | undefined> {
    return (await this.db
      .selectFrom('environment_builds')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .where('status', '=', 'ready')
      .orderBy('finished_at', 'desc')
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst()) as BuildRow | undefined;
  }

  async inUse(environmentId: string): Promise<EnvironmentBuild | null> {
    const row = await this.inUseRow(environmentId);
    return row ? toBuild(row) : null;
  }

  /**
   * The Environment as sessions should build it: while a newer build is
   * queued, running or failed, its build-relevant fields are those of the
   * build in use, whose snapshot (same definition, same hash) the runner reuses.
   */
  async asInUse(environment: Environment): Promise<Environment> {
    const row = await this.inUseRow(environment.id);
    if (!row) return environment;
    const definition = JSON.parse(row.definition) as BuildDefinition;
    return sameBuildDefinition(definition, environment) ? environment : { ...environment, ...definition };
  }

  /** What a runner builds: the definition recorded when the build was asked for. */
  definitionOf(row: BuildRow): BuildDefinition {
    return JSON.parse(row.definition) as BuildDefinition;
  }

  async log(buildId: string, after: number): Promise<{ lines: BuildLogLine[]; dropped: number }> {
    const lines = (await this.db
      .selectFrom('environment_build_lines')
      .select(['n', 'stream', 'text', 'at'])
      .where('build_id', '=', buildId)
      .where('n', '>', after)
      .orderBy('n')
      .limit(1000)
      .execute()) as BuildLogLine[];
    const first = (
      await this.db
        .selectFrom('environment_build_lines')
        .select((eb) => eb.fn.min('n').as('n'))
        .where('build_id', '=', buildId)
        .executeTakeFirst()
    )?.n;
    const dropped = first != null && first - 1 > after ? first - 1 - after : 0;
    return { lines, dropped };
  }

  /** Resolves on the next change to the build (reported to any instance), or after waitMs, or when the caller goes away. */
  changed(buildId: string, waitMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const set = this.watchers.get(buildId) ?? new Set();
      this.watchers.set(buildId, set);
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        set.delete(done);
        if (set.size === 0) this.watchers.delete(buildId);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      signal?.addEventListener('abort', done);
      set.add(done);
    });
  }

  /** A runner's report; the route has checked its lease. */
  async report(buildId: string, report: BuildReport): Promise<void> {
    const now = this.clock();
    await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('environment_builds')
        .select(['status', 'lines'])
        .where('id', '=', buildId)
        .executeTakeFirst();
      if (!row) return;
      if (row.status === 'ready' || row.status === 'failed')
        throw conflict('This build has already ended; stop working on it.');
      let lines = row.lines;
      if (report.started) {
        await trx.deleteFrom('environment_build_lines').where('build_id', '=', buildId).execute();
        await trx
          .updateTable('environment_builds')
          .set({ status: 'building', step: 'starting', started_at: now, lines: 0, error: null })
          .where('id', '=', buildId)
          .execute();
        lines = 0;
      }
      if (report.lines.length > 0) await append(trx, buildId, lines, report.lines, now);
      if (report.step) {
        await trx
          .updateTable('environment_builds')
          .set({ step: report.step })
          .where('id', '=', buildId)
          .execute();
      }
      if (report.outcome) await finish(trx, buildId, report.outcome.status, report.outcome.error, now);
    });
    this.wake(buildId);
  }

  /** The build's job ended without the runner saying how the build did (it failed before it started). */
  async jobEnded(buildId: string, outcome: 'done' | 'failed', detail: string): Promise<void> {
    const row = await this.row(buildId);
    if (!row || row.status === 'ready' || row.status === 'failed') return;
    const error =
      outcome === 'failed' ? detail || 'The runner could not build it.' : 'The build ended without a result.';
    await finish(this.db, buildId, 'failed', error, this.clock());
    this.wake(buildId);
  }

  /** Readers here hear it now, those on other instances through the bus. */
  private wake(buildId: string): void {
    this.wakeHere(buildId);
    this.bus.publish(CHANGED, buildId).catch(() => {
      // At most once anyway: a reader on another instance reads again when its wait ends.
    });
  }

  private wakeHere(buildId: string): void {
    for (const wake of [...(this.watchers.get(buildId) ?? [])]) wake();
  }

  private async forgetOld(environmentId: string): Promise<void> {
    const old = await this.db
      .selectFrom('environment_builds')
      .select('id')
      .where('environment_id', '=', environmentId)
      .orderBy('created_at', 'desc')
      .offset(HISTORY)
      // SQLite allows OFFSET only after a LIMIT.
      .limit(Number.MAX_SAFE_INTEGER)
      .execute();
    const inUse = (await this.inUseRow(environmentId))?.id;
    const ids = old.map((r) => r.id).filter((id) => id !== inUse);
    if (ids.length === 0) return;
    await this.db.deleteFrom('environment_build_lines').where('build_id', 'in', ids).execute();
    await this.db.deleteFrom('environment_builds').where('id', 'in', ids).execute();
  }

  close(): void {
    this.unsubscribe();
    for (const set of this.watchers.values()) for (const wake of [...set]) wake();
  }
}

async function finish(
  db: Records,
  buildId: string,
  status: 'ready' | 'failed',
  error: string | null,
  now: number,
): Promise<void> {
  await db
    .updateTable('environment_builds')
    .set((eb) => ({
      status,
      error: status === 'failed' ? error : null,
      finished_at: now,
      started_at: eb.fn.coalesce('started_at', eb.val(now)),
      ...(status === 'ready' ? { step: 'done' } : {}),
    }))
    .where('id', '=', buildId)
    .execute();
}

async function append(
  db: Records,
  buildId: string,
  from: number,
  lines: BuildReport['lines'],
  at: number,
): Promise<void> {
  let n = from;
  const rows = lines.map((line) => ({ build_id: buildId, n: ++n, stream: line.stream, text: line.text, at }));
  await db.insertInto('environment_build_lines').values(rows).execute();
  await db.updateTable('environment_builds').set({ lines: n }).where('id', '=', buildId).execute();
  // A long log keeps its end: that is where a failure shows.
  await db
    .deleteFrom('environment_build_lines')
    .where('build_id', '=', buildId)
    .where('n', '<=', n - MAX_BUILD_LOG_LINES)
    .execute();
}

export function toBuild(row: BuildRow): EnvironmentBuild {
  return {
    id: row.id,
    environmentId: row.environment_id,
    status: row.status,
    step: row.step,
    trigger: row.trigger,
    requestedBy: row.requested_by,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
    lines: row.lines,
  };
}
