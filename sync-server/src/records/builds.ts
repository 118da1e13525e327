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
import type { Db } from '../store/db.js';

interface BuildRow {
  id: string;
  org_id: string;
  environment_id: string;
  definition: string;
  status: BuildStatus;
  step: BuildStep;
  trigger: BuildTrigger;
  requested_by: string | null;
  job_id: string | null;
  error: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  lines: number;
}

/** Builds shown per Environment; older ones (and their logs) are forgotten. */
const HISTORY = 20;

export class Builds {
  /** Long-polling readers of a build's log, woken by any change to it. */
  private readonly watchers = new Map<string, Set<() => void>>();

  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
  ) {}

  row(id: string): BuildRow | undefined {
    return this.db.prepare<[string], BuildRow>('SELECT * FROM environment_builds WHERE id = ?').get(id);
  }

  get(id: string): EnvironmentBuild | null {
    const row = this.row(id);
    return row ? toBuild(row) : null;
  }

  /** A queued build of the Environment as it is now; `attachJob` gives it its job. */
  create(environment: Environment, trigger: BuildTrigger, requestedBy: string | null): EnvironmentBuild {
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
      created_at: this.clock(),
      started_at: null,
      finished_at: null,
      lines: 0,
    };
    const columns = Object.keys(row);
    this.db
      .prepare(
        `INSERT INTO environment_builds (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`,
      )
      .run(row);
    this.forgetOld(environment.id);
    return toBuild(row);
  }

  attachJob(buildId: string, jobId: string): void {
    this.db.prepare('UPDATE environment_builds SET job_id = ? WHERE id = ?').run(jobId, buildId);
  }

  /** Whether the Environment's build-relevant fields differ from its newest build's (or it has none). */
  needsBuild(environment: Environment): boolean {
    const newest = this.db
      .prepare<[string], BuildRow>(
        'SELECT * FROM environment_builds WHERE environment_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1',
      )
      .get(environment.id);
    if (!newest) return true;
    return !sameBuildDefinition(JSON.parse(newest.definition) as BuildDefinition, environment);
  }

  list(environmentId: string): EnvironmentBuild[] {
    return this.db
      .prepare<[string, number], BuildRow>(
        'SELECT * FROM environment_builds WHERE environment_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?',
      )
      .all(environmentId, HISTORY)
      .map(toBuild);
  }

  /** The newest build that succeeded: sessions run on its snapshot. */
  inUseRow(environmentId: string): BuildRow | undefined {
    return this.db
      .prepare<[string], BuildRow>(
        `SELECT * FROM environment_builds WHERE environment_id = ? AND status = 'ready'
         ORDER BY finished_at DESC, rowid DESC LIMIT 1`,
      )
      .get(environmentId);
  }

  inUse(environmentId: string): EnvironmentBuild | null {
    const row = this.inUseRow(environmentId);
    return row ? toBuild(row) : null;
  }

  /**
   * The Environment as sessions should build it: while a newer build is
   * queued, running or failed, its build-relevant fields are those of the
   * build in use, whose snapshot (same definition, same hash) the runner reuses.
   */
  asInUse(environment: Environment): Environment {
    const row = this.inUseRow(environment.id);
    if (!row) return environment;
    const definition = JSON.parse(row.definition) as BuildDefinition;
    return sameBuildDefinition(definition, environment) ? environment : { ...environment, ...definition };
  }

  /** What a runner builds: the definition recorded when the build was asked for. */
  definitionOf(row: BuildRow): BuildDefinition {
    return JSON.parse(row.definition) as BuildDefinition;
  }

  log(buildId: string, after: number): { lines: BuildLogLine[]; dropped: number } {
    const lines = this.db
      .prepare<[string, number], BuildLogLine>(
        'SELECT n, stream, text, at FROM environment_build_lines WHERE build_id = ? AND n > ? ORDER BY n LIMIT 1000',
      )
      .all(buildId, after);
    const first = this.db
      .prepare<[string], { n: number | null }>(
        'SELECT MIN(n) AS n FROM environment_build_lines WHERE build_id = ?',
      )
      .get(buildId)?.n;
    const dropped = first != null && first - 1 > after ? first - 1 - after : 0;
    return { lines, dropped };
  }

  /** Resolves on the next change to the build, or after waitMs, or when the caller goes away. */
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
  report(buildId: string, report: BuildReport): void {
    this.db.transaction(() => {
      const row = this.row(buildId);
      if (!row) return;
      if (row.status === 'ready' || row.status === 'failed')
        throw conflict('This build has already ended; stop working on it.');
      const now = this.clock();
      if (report.started) {
        this.db.prepare('DELETE FROM environment_build_lines WHERE build_id = ?').run(buildId);
        this.db
          .prepare(
            `UPDATE environment_builds SET status = 'building', step = 'starting', started_at = ?, lines = 0, error = NULL WHERE id = ?`,
          )
          .run(now, buildId);
      }
      if (report.lines.length > 0) this.append(buildId, report.lines, now);
      if (report.step) {
        this.db.prepare('UPDATE environment_builds SET step = ? WHERE id = ?').run(report.step, buildId);
      }
      if (report.outcome) this.finish(buildId, report.outcome.status, report.outcome.error);
    })();
    this.wake(buildId);
  }

  /** The build's job ended without the runner saying how the build did (it failed before it started). */
  jobEnded(buildId: string, outcome: 'done' | 'failed', detail: string): void {
    const row = this.row(buildId);
    if (!row || row.status === 'ready' || row.status === 'failed') return;
    const error =
      outcome === 'failed' ? detail || 'The runner could not build it.' : 'The build ended without a result.';
    this.finish(buildId, 'failed', error);
    this.wake(buildId);
  }

  private finish(buildId: string, status: 'ready' | 'failed', error: string | null): void {
    const step = status === 'ready' ? ", step = 'done'" : '';
    this.db
      .prepare(
        `UPDATE environment_builds SET status = ?, error = ?, finished_at = ?,
         started_at = COALESCE(started_at, ?)${step} WHERE id = ?`,
      )
      .run(status, status === 'failed' ? error : null, this.clock(), this.clock(), buildId);
  }

  private append(buildId: string, lines: BuildReport['lines'], at: number): void {
    const row = this.row(buildId);
    if (!row) return;
    const insert = this.db.prepare(
      'INSERT INTO environment_build_lines (build_id, n, stream, text, at) VALUES (?, ?, ?, ?, ?)',
    );
    let n = row.lines;
    for (const line of lines) insert.run(buildId, ++n, line.stream, line.text, at);
    this.db.prepare('UPDATE environment_builds SET lines = ? WHERE id = ?').run(n, buildId);
    // A long log keeps its end: that is where a failure shows.
    this.db
      .prepare('DELETE FROM environment_build_lines WHERE build_id = ? AND n <= ?')
      .run(buildId, n - MAX_BUILD_LOG_LINES);
  }

  private wake(buildId: string): void {
    for (const wake of [...(this.watchers.get(buildId) ?? [])]) wake();
  }

  private forgetOld(environmentId: string): void {
    const old = this.db
      .prepare<[string, number], { id: string }>(
        'SELECT id FROM environment_builds WHERE environment_id = ? ORDER BY created_at DESC, rowid DESC LIMIT -1 OFFSET ?',
      )
      .all(environmentId, HISTORY);
    const inUse = this.inUseRow(environmentId)?.id;
    for (const { id } of old) {
      if (id === inUse) continue;
      this.db.prepare('DELETE FROM environment_build_lines WHERE build_id = ?').run(id);
      this.db.prepare('DELETE FROM environment_builds WHERE id = ?').run(id);
    }
  }

  close(): void {
    for (const set of this.watchers.values()) for (const wake of [...set]) wake();
  }
}

function toBuild(row: BuildRow): EnvironmentBuild {
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
