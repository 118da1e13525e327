// The turn's side of the Changes panel and shipping: change tracking for a
// session's workspace, approvals the Expert's settings ask for, and the
// agent's commit_changes and open_pull_request tools, which take the same
// path as a person's Commit and Open pull request (changes/actions.ts).
import { type ChangesReport, type SessionContext, type SessionDoc } from '@orrery/shared';
import type { Redactor } from '../environments/index.js';
import { branchFor, repoForAgent, runSessionAction } from '../changes/actions.js';
import { workspaceRepositories } from '../changes/git.js';
import { ChangeTracker } from '../changes/tracker.js';
import { ChangesError, type Shipper, type WorkspaceGit } from '../changes/types.js';
import type { ShipContext } from './tools.js';
import { environmentDefinition, type TurnDeps } from './turn.js';
import type { Workspace } from './workspace.js';

/** What a runner needs to follow and ship a session's changes. */
export interface ChangeKit {
  /** Git inside the session's container, its output redacted. */
  gitFor(workspace: Workspace, redact: (text: string) => string): WorkspaceGit;
  shipper: Shipper;
  /** Sends a report to the server (PUT /api/runner/sessions/:id/changes). */
  report(sessionId: string, report: ChangesReport): Promise<void>;
}

/** A session's change tracking and shipping for one turn (or one person's action). */
export interface SessionChangeTools {
  tracker: ChangeTracker;
  git: WorkspaceGit;
}

export function openChangeTools(
  kit: ChangeKit,
  doc: SessionDoc,
  ctx: SessionContext,
  workspace: Workspace,
  redactor: Redactor,
  deps: Pick<TurnDeps, 'now' | 'log'>,
): SessionChangeTools | null {
  const definition = environmentDefinition(ctx);
  if (!definition) return null;
  const git = kit.gitFor(workspace, (t) => redactor.redact(t));
  const tracker = new ChangeTracker({
    doc,
    git,
    repos: workspaceRepositories(definition),
    report: (report) => kit.report(ctx.session.id, report),
    now: deps.now,
    log: (message, fields) => deps.log(message, { sessionId: ctx.session.id, ...fields }),
  });
  return { tracker, git };
}

/** Resolves with the owner's answer, or null when the turn is stopped first. */
export function waitForApproval(
  doc: SessionDoc,
  callId: string,
  signal: AbortSignal,
): Promise<'approve' | 'deny' | null> {
  return new Promise((resolve) => {
    const check = () => {
      const decision = doc.approval(callId);
      if (!decision && !signal.aborted) return;
      unobserve();
      signal.removeEventListener('abort', check);
      resolve(decision);
    };
    const unobserve = doc.observe(check);
    signal.addEventListener('abort', check);
    check();
  });
}

/** The agent's commit_changes and open_pull_request: the same path as a person's Commit and Open pull request. */
export function shipContext(
  doc: SessionDoc,
  ctx: SessionContext,
  changes: SessionChangeTools,
  kit: ChangeKit,
  turnId: string,
  deps: TurnDeps,
  signal: AbortSignal,
): ShipContext {
  const repos = changes.tracker.repositories;
  const actionDeps = {
    doc,
    ctx,
    git: changes.git,
    shipper: kit.shipper,
    repos,
    now: deps.now,
    turnId,
    refresh: () => changes.tracker.refresh(),
    signal,
  };
  const explain = (error: unknown): never => {
    if (error instanceof ChangesError) throw new Error(error.message);
    throw error;
  };
  return {
    commit: async ({ repository, message }) => {
      const repo = repoForAgent(repos, repository);
      const made = await runSessionAction({ action: 'commit', repo: repo.path, message }, actionDeps).catch(
        explain,
      );
      return made.action === 'commit' ? `Committed ${made.sha} (${made.files} files).` : '';
    },
    openPullRequest: async ({ repository, title, body, base }) => {
      const repo = repoForAgent(repos, repository);
      const into = base ?? (await changes.git.baseBranch(repo));
      if (!into)
        throw new Error('The repository had no branch when the session started; name the base branch.');
      const made = await runSessionAction(
        {
          action: 'pull_request',
          repo: repo.path,
          title,
          body,
          base: into,
          branch: branchFor(doc, ctx, repo),
        },
        actionDeps,
      ).catch(explain);
      return made.action === 'pull_request' ? `Opened ${made.url} (${made.branch} into ${made.base}).` : '';
    },
  };
}
