// What the runner must remember about each session's Environment across its
// own restarts, beside what Docker remembers: when the container started,
// the last activity, when it was paused, why it was removed, and which
// commands were running. One small JSON file per session, replaced atomically.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface CommandRecord {
  /** The manager's id for the run; also names its process-group file in the container. */
  runId: string;
  /** The caller's id (ExecOptions.id), e.g. a tool call id. */
  callerId: string | undefined;
  /** The start of the command, secrets redacted, for people reading "interrupted" notes. */
  command: string;
  startedAt: number;
}

export type RemovedReason = 'long_pause' | 'external' | 'dead';

export interface SessionState {
  sessionId: string;
  engine: string | undefined;
  environmentId: string | undefined;
  /** When the current container last started. */
  startedAt: number | undefined;
  lastActivityAt: number | undefined;
  /** When it was paused or stopped; clean-restart deadlines count from here. */
  suspendedAt: number | undefined;
  /** A container existed; if it is gone later, its uncommitted work is lost. */
  hadContainer: boolean;
  removedReason: RemovedReason | undefined;
  commands: Record<string, CommandRecord>;
}

export function emptyState(sessionId: string): SessionState {
  return {
    sessionId,
    engine: undefined,
    environmentId: undefined,
    startedAt: undefined,
    lastActivityAt: undefined,
    suspendedAt: undefined,
    hadContainer: false,
    removedReason: undefined,
    commands: {},
  };
}

export class StateStore {
  private readonly dir: string;

  constructor(stateDir: string) {
    this.dir = path.join(stateDir, 'environments');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  load(sessionId: string): SessionState | undefined {
    try {
      const parsed = JSON.parse(readFileSync(this.file(sessionId), 'utf8')) as Partial<SessionState>;
      return { ...emptyState(sessionId), ...parsed, sessionId };
    } catch {
      return undefined;
    }
  }

  save(state: SessionState): void {
    const file = this.file(state.sessionId);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(state), { mode: 0o600 });
    renameSync(tmp, file);
  }

  delete(sessionId: string): void {
    rmSync(this.file(sessionId), { force: true });
  }

  sessionIds(): string[] {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length));
  }

  private file(sessionId: string): string {
    return path.join(this.dir, `${sessionId}.json`);
  }
}
