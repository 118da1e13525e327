// The record of a session's changes: the runner's last report (shared/src/changes.ts),
// its summary per repository and the diffs it kept, replaced whole by the
// next report and deleted with the session (foreign keys). It is what the
// Changes panel shows while the Environment is paused. Values arrive here
// already redacted; access is the routes' business.
import type { ChangesReport, RepositoryChanges, SessionChanges } from '@orrery/shared';
import type { Engine, Records } from '../store/database.js';

export class ChangesRecords {
  constructor(
    private readonly db: Records,
    private readonly clock: () => number,
    private readonly engine: Engine,
  ) {}

  /**
   * Replaces the session's record with this report, all at once (a reader sees
   * the old one or the new); false when the session is gone.
   */
  async replace(sessionId: string, report: ChangesReport): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      // On PostgreSQL the session row is locked first, as its delete does, so two
      // reports, or a report and a delete, take turns instead of each removing
      // the other's rows (or deadlocking on them). SQLite runs one transaction at a time.
      const session = trx.selectFrom('sessions').select('id').where('id', '=', sessionId);
      const live = await (this.engine === 'postgres' ? session.forUpdate() : session).executeTakeFirst();
      if (!live) return false;
      await trx.deleteFrom('session_changes').where('session_id', '=', sessionId).execute();
      await trx
        .insertInto('session_changes')
        .values({
          session_id: sessionId,
          repositories: JSON.stringify(report.repositories),
          computed_at: report.computedAt,
          received_at: this.clock(),
        })
        .execute();
      for (const diff of report.diffs) {
        await trx
          .insertInto('session_change_diffs')
          .values({ session_id: sessionId, repo: diff.repo, path: diff.path, patch: diff.patch })
          // A runner that lists a file twice is taken at its last word.
          .onConflict((oc) => oc.columns(['session_id', 'repo', 'path']).doUpdateSet({ patch: diff.patch }))
          .execute();
      }
      return true;
    });
  }

  /** The last report's summary; no repositories and computedAt null when none came yet. */
  async get(sessionId: string): Promise<SessionChanges> {
    const row = await this.db
      .selectFrom('session_changes')
      .select(['repositories', 'computed_at'])
      .where('session_id', '=', sessionId)
      .executeTakeFirst();
    if (!row) return { repositories: [], computedAt: null };
    return { repositories: JSON.parse(row.repositories) as RepositoryChanges[], computedAt: row.computed_at };
  }

  /** The kept diff of one file, or null when the report kept none. */
  async patch(sessionId: string, repo: string, path: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('session_change_diffs')
      .select('patch')
      .where('session_id', '=', sessionId)
      .where('repo', '=', repo)
      .where('path', '=', path)
      .executeTakeFirst();
    return row?.patch ?? null;
  }
}
