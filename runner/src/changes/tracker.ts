// Keeps a session's Changes panel current while the agent works: the
// workspace's changes are read again after every tool call that can change
// files and at the end of each turn, reported to the server (the record
// people read, also while the Environment is paused), and the session
// document's summary goes up a revision so every open panel reloads. Reads
// never queue up: while one runs, later requests fold into one more read.
import type { ChangesReport, SessionDoc } from '@orrery/shared';
import type { WorkspaceGit, WorkspaceRepository } from './types.js';

/** Tools that only read: nothing changes after them, so nothing is read again. */
const READ_ONLY_TOOLS = new Set([
  'read_file',
  'list_files',
  'search_text',
  'inspect_repository',
  'propose_environment',
]);

export function toolCanChangeFiles(name: string): boolean {
  return !READ_ONLY_TOOLS.has(name);
}

export interface ChangeTrackerDeps {
  doc: SessionDoc;
  git: WorkspaceGit;
  repos: readonly WorkspaceRepository[];
  /** Sends the report to the server (PUT /api/runner/sessions/:id/changes). */
  report: (report: ChangesReport) => Promise<void>;
  now: () => number;
  log: (message: string, fields?: Record<string, unknown>) => void;
}

export class ChangeTracker {
  private running: Promise<void> | null = null;
  private again = false;

  constructor(private readonly deps: ChangeTrackerDeps) {}

  get repositories(): readonly WorkspaceRepository[] {
    return this.deps.repos;
  }

  /**
   * Before a turn: the session's base (first turn only) and a checkpoint
   * named after the turn, so "Restore to before this turn" can put it back.
   * A failure is said in the transcript and does not stop the turn.
   */
  async beforeTurn(turnId: string): Promise<string | null> {
    if (!this.deps.repos.length) return null;
    try {
      await this.deps.git.ensureBase(this.deps.repos);
      await this.deps.git.checkpoint(this.deps.repos, turnId);
      this.deps.doc.addCheckpoint({ id: turnId, kind: 'turn', turnId, createdAt: this.deps.now() });
      return null;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.deps.log('could not record a checkpoint', { error: message });
      return `Orrery could not record the workspace before this turn (${message}), so this turn cannot be restored.`;
    }
  }

  /** Reads and reports the changes; resolves once a read that started after this call has been reported. */
  refresh(): Promise<void> {
    if (!this.deps.repos.length) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        const report = await this.deps.git.readChanges(this.deps.repos, this.deps.now());
        await this.deps.report(report);
        this.deps.doc.setChanges(summaryOf(report));
      } catch (error) {
        // The panel keeps the last report; the next tool call tries again.
        this.deps.log('could not report the changes', {
          error: error instanceof Error ? error.message : String(error),
        });
      }
    } while (this.again);
  }
}

export function summaryOf(report: ChangesReport) {
  let files = 0;
  let added = 0;
  let removed = 0;
  for (const r of report.repositories) {
    files += r.files.length + r.moreFiles;
    added += r.added;
    removed += r.removed;
  }
  return { computedAt: report.computedAt, repositories: report.repositories.length, files, added, removed };
}
