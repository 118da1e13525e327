// The record of a session's changes: the runner's last report (shared/src/changes.ts),
// its summary per repository and the diffs it kept, replaced whole by the
// next report and deleted with the session (foreign keys). It is what the
// Changes panel shows while the Environment is paused. Values arrive here
// already redacted; access is the routes' business.
import type { ChangesReport, RepositoryChanges, SessionChanges } from '@orrery/shared';
import type { Db } from '../store/db.js';

export class ChangesRecords {
  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
  ) {}

  /** Replaces the session's record with this report, all at once (a reader sees the old one or the new). */
  replace(sessionId: string, report: ChangesReport): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM session_changes WHERE session_id = ?').run(sessionId);
      this.db
        .prepare(
          'INSERT INTO session_changes (session_id, repositories, computed_at, received_at) VALUES (?, ?, ?, ?)',
        )
        .run(sessionId, JSON.stringify(report.repositories), report.computedAt, this.clock());
      const insert = this.db.prepare(
        // A runner that lists a file twice is taken at its last word.
        'INSERT OR REPLACE INTO session_change_diffs (session_id, repo, path, patch) VALUES (?, ?, ?, ?)',
      );
      for (const diff of report.diffs) insert.run(sessionId, diff.repo, diff.path, diff.patch);
    })();
  }

  /** The last report's summary; no repositories and computedAt null when none came yet. */
  get(sessionId: string): SessionChanges {
    const row = this.db
      .prepare<[string], { repositories: string; computed_at: number }>(
        'SELECT repositories, computed_at FROM session_changes WHERE session_id = ?',
      )
      .get(sessionId);
    if (!row) return { repositories: [], computedAt: null };
    return { repositories: JSON.parse(row.repositories) as RepositoryChanges[], computedAt: row.computed_at };
  }

  /** The kept diff of one file, or null when the report kept none. */
  patch(sessionId: string, repo: string, path: string): string | null {
    return (
      this.db
        .prepare<[string, string, string], { patch: string }>(
          'SELECT patch FROM session_change_diffs WHERE session_id = ? AND repo = ? AND path = ?',
        )
        .get(sessionId, repo, path)?.patch ?? null
    );
  }
}
