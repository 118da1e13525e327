// What a session does with its changes, one path for everyone: a person's
// Restore, Commit, Push, Open pull request and Download patch (a
// 'session_action' job) and the agent's commit_changes and open_pull_request
// tools. Git runs inside the container (WorkspaceGit); pushing and pull
// requests run here, on the runner, with the repository credential, which
// never enters the container or the transcript.
import type {
  RunnerRepositoryCredential,
  SessionAction,
  SessionActionResult,
  SessionContext,
  SessionDoc,
} from '@orrery/shared';
import { forgeOfHost, repositoryHost, sessionBranchName } from '@orrery/shared';
import { randomUUID } from 'node:crypto';
import { ChangesError, type Shipper, type WorkspaceGit, type WorkspaceRepository } from './types.js';

/** Who commits: the runner, on the session's behalf (the person who asked is in the transcript). */
export const COMMIT_AUTHOR = { name: 'Orrery', email: 'orrery@users.noreply.orrery.dev' };

export interface ActionDeps {
  doc: SessionDoc;
  ctx: SessionContext;
  git: WorkspaceGit;
  shipper: Shipper;
  repos: readonly WorkspaceRepository[];
  now: () => number;
  /** The turn the entries belong to (the agent's tools), or null (a person's request). */
  turnId: string | null;
  /** Whom a commit is by: the person who asked (the server names them); the runner's own name for the agent's. */
  author?: { name: string; email: string } | undefined;
  /** Reads the changes again and reports them, once the action changed the workspace. */
  refresh: () => Promise<void>;
  signal?: AbortSignal;
}

/** Runs one action and records what it did in the transcript. */
export async function runSessionAction(
  action: SessionAction,
  deps: ActionDeps,
): Promise<SessionActionResult> {
  switch (action.action) {
    case 'restore':
      return { action: 'restore', ...(await restore(action.checkpointId, deps)) };
    case 'commit':
      return {
        action: 'commit',
        ...(await commit(repoNamed(deps.repos, action.repo), action.message, deps)),
      };
    case 'push':
      return { action: 'push', ...(await push(repoNamed(deps.repos, action.repo), action.branch, deps)) };
    case 'pull_request': {
      const repo = repoNamed(deps.repos, action.repo);
      const made = await pullRequest(repo, action, deps);
      return { action: 'pull_request', ...made };
    }
    case 'patch': {
      const repo = repoNamed(deps.repos, action.repo);
      const { patch, fileName } = await deps.git.formatPatch(repo);
      return { action: 'patch', patch, fileName };
    }
  }
}

/** The repository an action names by its workspace path. */
export function repoNamed(repos: readonly WorkspaceRepository[], path: string): WorkspaceRepository {
  const repo = repos.find((r) => r.path === path);
  if (!repo) {
    throw new ChangesError(
      'repository_missing',
      `This Environment has no repository at ${path ? `/workspace/${path}` : '/workspace'}.`,
    );
  }
  return repo;
}

/** The repository the agent means: the only one, or the one whose folder it named. */
export function repoForAgent(
  repos: readonly WorkspaceRepository[],
  named: string | undefined,
): WorkspaceRepository {
  if (named !== undefined && named.trim()) {
    const wanted = named
      .trim()
      .replace(/^\/?workspace\/?/, '')
      .replace(/\/+$/, '');
    return repoNamed(repos, wanted);
  }
  if (repos.length === 1) return repos[0]!;
  if (!repos.length) throw new ChangesError('repository_missing', 'This Environment has no repositories.');
  throw new ChangesError(
    'invalid',
    `This Environment has several repositories; name one with "repository": ${repos.map((r) => r.path || '.').join(', ')}.`,
  );
}

async function restore(checkpointId: string, deps: ActionDeps) {
  const checkpoint = deps.doc.checkpoint(checkpointId);
  if (!checkpoint || checkpoint.lost) {
    throw new ChangesError(
      'checkpoint_lost',
      'That checkpoint is gone: the Environment restarted from a clean state after it was taken.',
    );
  }
  const undoId = `undo-${randomUUID()}`;
  const result = await deps.git.restore(deps.repos, checkpointId, undoId);
  deps.doc.addCheckpoint({ id: undoId, kind: 'undo', turnId: null, createdAt: deps.now() });
  deps.doc.addRestore({
    id: randomUUID(),
    turnId: deps.turnId,
    checkpointId,
    undoCheckpointId: undoId,
    text: restoreText(deps.doc, checkpoint),
    now: deps.now(),
  });
  await deps.refresh();
  return result;
}

function restoreText(doc: SessionDoc, checkpoint: { kind: 'turn' | 'undo'; turnId: string | null }): string {
  if (checkpoint.kind === 'undo') return 'The restore was undone: the workspace is back as it was before it.';
  const message = doc.transcript().find((e) => e.kind === 'user' && e.turnId === checkpoint.turnId);
  const line = message?.kind === 'user' ? message.text.trim().split('\n')[0]! : '';
  const words = line.length > 80 ? `${line.slice(0, 79).trimEnd()}…` : line;
  return words
    ? `The workspace was restored to how it was before the turn “${words}”.`
    : 'The workspace was restored to how it was before that turn.';
}

async function commit(repo: WorkspaceRepository, message: string, deps: ActionDeps) {
  const made = await deps.git.commit(repo, message, deps.author ?? COMMIT_AUTHOR);
  const subject = message.trim().split('\n')[0]!.slice(0, 120);
  deps.doc.addNotice({
    id: randomUUID(),
    turnId: deps.turnId,
    level: 'info',
    text: `Committed ${made.sha.slice(0, 7)}${made.branch ? ` on ${made.branch}` : ''} in ${where(repo)}: ${subject}`,
    now: deps.now(),
  });
  await deps.refresh();
  return made;
}

/** The credential the Environment names for the repository, only when it is for the repository's own host. */
export function credentialFor(
  ctx: SessionContext,
  repo: WorkspaceRepository,
): RunnerRepositoryCredential | undefined {
  const named = repo.credential ? ctx.repositoryCredentials?.[repo.credential] : undefined;
  const host = repositoryHost(repo.url);
  return named && host !== undefined && named.host === host ? named : undefined;
}

async function push(repo: WorkspaceRepository, branch: string, deps: ActionDeps) {
  const pushed = deps.doc.changes().pushed[repo.path];
  const ours = pushed && pushed.branch === branch ? { sha: pushed.sha } : null;
  const { bundle, head } = await deps.git.bundle(repo, branch);
  const result = await deps.shipper.push({
    repo,
    credential: credentialFor(deps.ctx, repo),
    bundle,
    head,
    branch,
    ours,
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
  deps.doc.setPushed(repo.path, { branch: result.branch, sha: result.sha, remote: result.remote });
  if (!pushed || pushed.sha !== result.sha || pushed.branch !== result.branch) {
    deps.doc.addNotice({
      id: randomUUID(),
      turnId: deps.turnId,
      level: 'info',
      text: `Pushed ${result.sha.slice(0, 7)} to the branch ${result.branch} of ${result.remote}.`,
      now: deps.now(),
    });
  }
  return result;
}

async function pullRequest(
  repo: WorkspaceRepository,
  request: { title: string; body: string; base: string; branch: string },
  deps: ActionDeps,
) {
  const credential = credentialFor(deps.ctx, repo);
  const forge = credential?.forge ?? forgeOfHost(repositoryHost(repo.url) ?? '');
  if (!forge) {
    throw new ChangesError(
      'no_credential',
      `Orrery does not know which forge ${repositoryHost(repo.url) ?? repo.url} is: say GitHub or GitLab on its repository credential in Settings → Secrets.`,
    );
  }
  await push(repo, request.branch, deps);
  const made = await deps.shipper.openPullRequest({
    repo,
    credential,
    forge,
    branch: request.branch,
    base: request.base,
    title: request.title,
    body: request.body,
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
  deps.doc.addPullRequest({
    id: randomUUID(),
    turnId: deps.turnId,
    repo: repo.path,
    url: made.url,
    number: made.number,
    title: made.title,
    forge: made.forge,
    branch: made.branch,
    now: deps.now(),
  });
  return made;
}

/** The branch a session pushes to: the one it created before, or one named after it. */
export function branchFor(doc: SessionDoc, ctx: SessionContext, repo: WorkspaceRepository): string {
  return doc.changes().pushed[repo.path]?.branch ?? sessionBranchName(ctx.session.title, ctx.session.id);
}

function where(repo: WorkspaceRepository): string {
  return repo.path ? `/workspace/${repo.path}` : '/workspace';
}
