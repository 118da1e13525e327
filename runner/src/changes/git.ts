// WorkspaceGit: git inside one session's container, through the
// Environment manager. Each call is one bash script for all repositories
// (see *-script.ts), so a refresh of the Changes panel costs one exec.
//
//   const git = createWorkspaceGit(workspaceFor(manager, sessionId), {
//     redact: (text) => new Redactor(Object.values(secrets)).redact(text),
//   });
//   const repos = workspaceRepositories(definition);
//   await git.ensureBase(repos);                       // at the session's first turn
//   await git.checkpoint(repos, checkpointId);         // before each turn
//   const report = await git.readChanges(repos, now);  // after each tool call, at the turn's end
import { MAX_PATCH_CHARS, type ChangesReport, type RestoreResponse } from '@orrery/shared';
import { WORKSPACE_ROOT, type Workspace } from '../agent/workspace.js';
import {
  EnvironmentError,
  folderFor,
  type EnvironmentDefinition,
  type ExecResult,
} from '../environments/index.js';
import { changesScript, ensureBaseScript } from './changes-script.js';
import { checkpointScript, checkpointsScript, restoreScript } from './checkpoint-script.js';
import { readFrames, readInfo, type Frame } from './frames.js';
import { buildReport, operationDetail } from './report.js';
import { args, newNonce } from './shell.js';
import { baseBranchScript, bundleScript, commitScript, patchScript } from './ship-scripts.js';
import { ChangesError, type WorkspaceGit, type WorkspaceRepository } from './types.js';

/** Checkpoint ids become ref names: uuids and the like only. */
const CHECKPOINT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

/** Room for the report's diffs (MAX_REPORT_DIFF_CHARS) and thousands of file records. */
const CHANGES_OUTPUT_BYTES = 48 * 1024 * 1024;
const SMALL_OUTPUT_BYTES = 1024 * 1024;
/** Generous: a first `git add -A` of a large untracked tree hashes every file. */
const TIMEOUT_MS = 120_000;

export interface WorkspaceGitOptions {
  /** The session's secrets out of everything people read (Redactor.redact). */
  redact: (text: string) => string;
}

/** The Environment's repositories as the workspace holds them (folders as the build cloned them into). */
export function workspaceRepositories(definition: EnvironmentDefinition): WorkspaceRepository[] {
  const repos: WorkspaceRepository[] = [];
  for (const repo of definition.repositories) {
    let path: string;
    try {
      path = folderFor(repo);
    } catch {
      continue; // A definition the build refused has no folder in any workspace.
    }
    repos.push({ path, url: repo.url, credential: repo.credential });
  }
  return repos;
}

export function createWorkspaceGit(workspace: Workspace, options: WorkspaceGitOptions): WorkspaceGit {
  const { redact } = options;

  async function run(script: string, nonce: string, maxOutputBytes = SMALL_OUTPUT_BYTES): Promise<Frame[]> {
    const result = await workspace.exec({ command: script, timeoutMs: TIMEOUT_MS, maxOutputBytes });
    if (result.ended !== 'exited' || result.exitCode !== 0 || result.truncated) {
      throw new Error(
        `git in the workspace failed (${describe(result)}): ${redact(result.stderr).slice(-500)}`,
      );
    }
    return readFrames(result.stdout, nonce);
  }

  /** Throws for a "result" frame (why nothing was done), in words for people. */
  function refuse(frames: Frame[], repo: WorkspaceRepository, what: string): void {
    const name = repo.path || 'the workspace';
    for (const frame of frames) {
      if (frame.kind === 'failed')
        throw new Error(`Could not ${what} in ${name}: ${redact(frame.payload.trim())}`);
      if (frame.kind !== 'result') continue;
      const [, why = '', more = ''] = frame.fields;
      throw refusal(why, more, name, what);
    }
  }

  return {
    async ensureBase(repos) {
      const nonce = newNonce();
      await run(ensureBaseScript(nonce, repos.map(dirOf)), nonce);
    },

    async readChanges(repos, computedAt): Promise<ChangesReport> {
      const nonce = newNonce();
      const frames = await run(changesScript(nonce, repos.map(dirOf)), nonce, CHANGES_OUTPUT_BYTES);
      return { computedAt, ...buildReport(repos, frames, redact) };
    },

    async checkpoint(repos, id) {
      checkId(id);
      const nonce = newNonce();
      const frames = await run(checkpointScript(nonce, repos.map(dirOf), id), nonce);
      failedCheckpoint(frames, repos, redact);
    },

    async checkpoints(repos) {
      const nonce = newNonce();
      const frames = await run(checkpointsScript(nonce, repos.map(dirOf)), nonce);
      // Repositories that are gone hold no checkpoint; restoring then says which one was lost.
      const lists = frames
        .filter((frame) => frame.kind === 'ids' && frame.fields[1] === 'ok')
        .map((frame) => new Set(frame.payload.split('\n').filter((id) => CHECKPOINT_ID.test(id))));
      const [first, ...rest] = lists;
      return new Set([...(first ?? [])].filter((id) => rest.every((ids) => ids.has(id))));
    },

    async restore(repos, id, undoId): Promise<RestoreResponse> {
      checkId(id);
      checkId(undoId);
      const nonce = newNonce();
      const frames = await run(restoreScript(nonce, repos.map(dirOf), id, undoId), nonce);
      for (const frame of frames) {
        if (frame.kind !== 'rc') continue;
        const repo = repos[Number(frame.fields[0])];
        const name = repo?.path || 'the workspace';
        const why = frame.fields[1];
        if (why === 'operation') {
          throw new ChangesError(
            'operation_in_progress',
            `Nothing was restored. ${operationDetail(frame.fields[2] ?? '', name)} Then restore again.`,
          );
        }
        const gone =
          why === 'missing'
            ? `${name} was removed from the workspace, and its checkpoints with it`
            : why === 'not_a_repository'
              ? `${name} is no longer a git repository, so its checkpoints are gone`
              : `${name} no longer has this checkpoint`;
        throw new ChangesError('checkpoint_lost', `Nothing was restored: ${gone}.`);
      }
      failedCheckpoint(frames, repos, redact);
      const restored: string[] = [];
      for (const frame of frames) {
        if (frame.kind !== 'rs') continue;
        const repo = repos[Number(frame.fields[0])];
        if (!repo) continue;
        if (frame.fields[1] !== 'ok') {
          throw new Error(
            `Restoring ${repo.path || 'the workspace'} failed (${redact(frame.payload.trim()).slice(0, 500)}); ` +
              `checkpoint ${undoId} holds what was there before.`,
          );
        }
        restored.push(repo.path);
      }
      return { checkpointId: id, undoCheckpointId: undoId, repositories: restored };
    },

    async commit(repo, message, author) {
      const text = cleanMessage(message);
      if (!text) throw new ChangesError('invalid', 'Write a commit message first.');
      const nonce = newNonce();
      // Git drops or refuses these in an identity; a name with them would fail or change silently.
      const who = {
        name: author.name.replace(/[<>\r\n]/g, '').trim(),
        email: author.email.replace(/[<>\s]/g, ''),
      };
      if (!who.name || !who.email)
        throw new ChangesError('invalid', 'The commit needs an author name and email.');
      const frames = await run(commitScript(nonce, dirOf(repo), text, who), nonce);
      refuse(frames, repo, 'commit');
      const info = readInfo(frames.find((f) => f.kind === 'commit')?.payload ?? '');
      const sha = info.get('sha') ?? '';
      if (!/^[0-9a-f]{40,64}$/.test(sha)) throw new Error('The commit was not made (git printed no commit).');
      const ref = info.get('branch') ?? '';
      return {
        sha,
        branch: ref ? ref.replace(/^refs\/heads\//, '') : null,
        files: Number(info.get('files')) || 0,
      };
    },

    async formatPatch(repo) {
      const nonce = newNonce();
      const frames = await run(
        patchScript(nonce, dirOf(repo), MAX_PATCH_CHARS),
        nonce,
        MAX_PATCH_CHARS + 4096,
      );
      refuse(frames, repo, 'make a patch');
      const patch = frames.find((f) => f.kind === 'patch')?.payload ?? '';
      const name = (repo.path || 'workspace').replace(/[^A-Za-z0-9._-]+/g, '-');
      return { patch: redact(patch), fileName: `${name}-changes.patch` };
    },

    async bundle(repo, branch) {
      const nonce = newNonce();
      const frames = await run(bundleScript(nonce, dirOf(repo), branch), nonce);
      refuse(frames, repo, 'bundle the commits');
      const info = readInfo(frames.find((f) => f.kind === 'bundle')?.payload ?? '');
      const dir = info.get('dir') ?? '';
      const head = info.get('head') ?? '';
      if (!dir.startsWith('/tmp/orrery-bundle.') || !/^[0-9a-f]{40,64}$/.test(head)) {
        throw new Error('git bundle printed no bundle');
      }
      try {
        return { bundle: await workspace.readFile(`${dir}/head.bundle`), head };
      } catch (error) {
        if (error instanceof EnvironmentError && error.code === 'too_large') {
          throw new ChangesError(
            'too_large',
            `The history of ${repo.path || 'the workspace'} is ${info.get('size') ?? 'too many'} bytes as a bundle, ` +
              'more than the runner takes out of a container at once. Push it from a terminal in the session instead, ' +
              'or download the patch.',
            { cause: error },
          );
        }
        throw error;
      } finally {
        await workspace.exec({ command: `rm -rf -- ${args(dir)}`, timeoutMs: 30_000 }).catch(() => {});
      }
    },

    async baseBranch(repo) {
      const nonce = newNonce();
      const frames = await run(baseBranchScript(nonce, dirOf(repo)), nonce);
      const name = frames.find((f) => f.kind === 'branch')?.payload.trim() ?? '';
      return name || null;
    },
  };
}

function dirOf(repo: WorkspaceRepository): string {
  if (repo.path.split('/').some((part) => part === '..') || repo.path.startsWith('/')) {
    throw new ChangesError('invalid', `${repo.path} is not a folder inside the workspace`);
  }
  return repo.path ? `${WORKSPACE_ROOT}/${repo.path}` : WORKSPACE_ROOT;
}

function checkId(id: string): void {
  if (!CHECKPOINT_ID.test(id))
    throw new ChangesError('invalid', `"${id.slice(0, 100)}" is not a checkpoint id`);
}

function failedCheckpoint(
  frames: Frame[],
  repos: readonly WorkspaceRepository[],
  redact: (t: string) => string,
): void {
  const failed = frames.find((f) => f.kind === 'ck' && f.fields[1] === 'failed');
  if (!failed) return;
  const name = repos[Number(failed.fields[0])]?.path || 'the workspace';
  throw new Error(`Could not record a checkpoint of ${name}: ${redact(failed.payload.trim()).slice(0, 500)}`);
}

/** Trailing spaces and blank lines off, one final newline (what git commit's whitespace cleanup does). */
function cleanMessage(message: string): string {
  const text = message
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/\s+$/, ''))
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
  return text ? `${text}\n` : '';
}

function refusal(why: string, more: string, name: string, what: string): ChangesError {
  switch (why) {
    case 'missing':
      return new ChangesError(
        'repository_missing',
        `${name} is gone: its folder was removed from the workspace.`,
      );
    case 'not_a_repository':
    case 'unreadable':
      return new ChangesError('repository_missing', `${name} is not a git repository any more.`);
    case 'operation':
      return new ChangesError('operation_in_progress', operationDetail(more, name));
    case 'nothing':
      return new ChangesError(
        'nothing_to_commit',
        what === 'commit'
          ? `There is nothing to commit in ${name}.`
          : `${name} has no changes to put in a patch.`,
      );
    case 'too_large':
      return new ChangesError(
        'too_large',
        `The patch of ${name} is ${more} bytes, more than the ${MAX_PATCH_CHARS} a download holds. ` +
          'Commit and push the changes instead, or leave large generated files out.',
      );
    case 'no_commits':
      return new ChangesError('nothing_to_commit', `${name} has no commits yet: commit the changes first.`);
    case 'bad_branch':
      return new ChangesError('invalid', 'That is not a valid branch name.');
    default:
      return new ChangesError('invalid', `Could not ${what} in ${name} (${why}).`);
  }
}

function describe(result: ExecResult): string {
  if (result.truncated) return 'its output was too long';
  return result.ended === 'exited' ? `exit code ${result.exitCode}` : result.ended;
}
