// What the agent changed in a session's repositories, and how a person (or
// the agent, when its Expert allows) checks it, undoes a turn and ships it.
//
// The runner reads the changes inside the container (git, against the commit
// each repository stood at when the session started) after every tool call
// that can change files and at each turn's end, redacts them with the
// session's secrets, and reports them; the server keeps the last report as a
// record of the session, so the panel shows it while the Environment is
// paused, under the session's access rules.
//
//   GET  /api/sessions/:id/changes                        → SessionChanges
//   GET  /api/sessions/:id/changes/diff?repo=&path=       → FileDiff
//   GET  /api/sessions/:id/changes/draft?repo=            → ShipDraft (commit message, branch, PR text)
//   GET  /api/sessions/:id/changes/patch?repo=            → text/x-patch (git format-patch; wakes the Environment)
//   POST /api/sessions/:id/changes/commit                 CommitRequest → CommitResponse
//   POST /api/sessions/:id/changes/push                   PushRequest → PushResponse
//   POST /api/sessions/:id/changes/pull-request           PullRequestRequest → PullRequestResponse
//   POST /api/sessions/:id/checkpoints/:checkpointId/restore → RestoreResponse
// The actions are for people who may send messages in the session; each
// waits for a runner ('session_action' job) and is refused while a turn runs.
//
// Runner:
//   PUT  /api/runner/sessions/:id/changes                 ChangesReport → 204
//
// Repository credentials never travel here: pushes and pull requests are
// made by the runner from outside the container.
import { z } from 'zod';
import { Id, Timestamp } from './domain.js';

/** How many changed files one repository's summary lists; the rest are counted. */
export const MAX_CHANGED_FILES = 5_000;
/** A file's diff above this many characters is summarised, not kept. */
export const MAX_FILE_DIFF_CHARS = 1_000_000;
/** All of a report's diffs together; files past it are 'omitted'. */
export const MAX_REPORT_DIFF_CHARS = 12_000_000;
/** How many commits ahead of the base one repository's summary lists. */
export const MAX_LISTED_COMMITS = 100;
/**
 * The largest ChangesReport body the server takes, in bytes: the diffs'
 * characters, room for JSON escapes and multi-byte text, and the summaries.
 */
export const MAX_REPORT_BYTES = 2 * MAX_REPORT_DIFF_CHARS + 8 * 1024 * 1024;

/** A workspace-relative repository path ('' is /workspace itself) or a file path inside it. */
const RelPath = z.string().max(4096);
const Sha = z.string().regex(/^[0-9a-f]{40,64}$/);

export const ChangeStatus = z.enum(['added', 'modified', 'deleted', 'renamed', 'copied', 'type_changed']);
export type ChangeStatus = z.infer<typeof ChangeStatus>;

/**
 * Whether a file's diff is kept and can be opened: 'binary' and 'too_large'
 * files are summarised; 'omitted' ones fell past the report's total size.
 */
export const DiffAvailability = z.enum(['kept', 'binary', 'too_large', 'omitted']);
export type DiffAvailability = z.infer<typeof DiffAvailability>;

export const ChangedFile = z.strictObject({
  path: RelPath,
  /** Where a renamed or copied file came from. */
  oldPath: RelPath.nullable(),
  status: ChangeStatus,
  /** Not yet known to git (a new file nobody added). */
  untracked: z.boolean(),
  /** Lines; null for binary files. */
  added: z.number().int().nonnegative().nullable(),
  removed: z.number().int().nonnegative().nullable(),
  binary: z.boolean(),
  /** Git modes ("100644", "100755", "120000"); both set only when the mode changed. */
  oldMode: z.string().max(6).nullable(),
  newMode: z.string().max(6).nullable(),
  /** The file's size now, in bytes (null when deleted). */
  size: z.number().int().nonnegative().nullable(),
  diff: DiffAvailability,
});
export type ChangedFile = z.infer<typeof ChangedFile>;

export const ChangeCommit = z.strictObject({
  sha: Sha,
  subject: z.string().max(1000),
  author: z.string().max(300),
  at: Timestamp,
});
export type ChangeCommit = z.infer<typeof ChangeCommit>;

/** A git operation left half-done in the repository. */
export const GitOperation = z.enum(['none', 'merge', 'rebase', 'cherry_pick', 'revert', 'bisect']);
export type GitOperation = z.infer<typeof GitOperation>;

export const RepositoryChanges = z.strictObject({
  /** Relative to /workspace, as the Environment names it ('' when the repository is /workspace). */
  path: RelPath,
  /** The Environment's URL for it, without any user or password; null for a local folder. */
  url: z.string().max(2048).nullable(),
  /** 'missing': the agent removed it; 'not_a_repository': its folder has no git repository now. */
  state: z.enum(['ok', 'missing', 'not_a_repository', 'unreadable']),
  /** A sentence for people when state is not 'ok' or an operation is half-done. */
  detail: z.string().max(2000),
  /** Null on a detached HEAD. */
  branch: z.string().max(500).nullable(),
  head: Sha.nullable(),
  /** Where the repository stood when the session started. */
  base: Sha.nullable(),
  /**
   * The branch HEAD was on when the session started (WorkspaceGit.baseBranch):
   * where a pull request goes by default. Absent from runners that do not say.
   */
  baseBranch: z.string().max(500).nullable().optional(),
  operation: GitOperation,
  /** Commits on HEAD since the base; the first MAX_LISTED_COMMITS are listed, newest first. */
  ahead: z.number().int().nonnegative(),
  commits: z.array(ChangeCommit).max(MAX_LISTED_COMMITS),
  /** The base against the working tree: committed, staged, unstaged and untracked (not ignored) files. */
  files: z.array(ChangedFile).max(MAX_CHANGED_FILES),
  /** How many more changed files there are than listed. */
  moreFiles: z.number().int().nonnegative(),
  added: z.number().int().nonnegative(),
  removed: z.number().int().nonnegative(),
});
export type RepositoryChanges = z.infer<typeof RepositoryChanges>;

export const SessionChanges = z.strictObject({
  repositories: z.array(RepositoryChanges).max(100),
  /** When the runner read them; null when it never has (no turn ran yet). */
  computedAt: Timestamp.nullable(),
});
export type SessionChanges = z.infer<typeof SessionChanges>;

/** One file's unified diff (base against the working tree), as `git diff` prints it for that file. */
export const FileDiffPatch = z.strictObject({
  repo: RelPath,
  path: RelPath,
  patch: z.string().max(MAX_FILE_DIFF_CHARS),
});
export type FileDiffPatch = z.infer<typeof FileDiffPatch>;

/** `PUT /api/runner/sessions/:id/changes`: the whole picture, replacing the last one. */
export const ChangesReport = z.strictObject({
  computedAt: Timestamp,
  repositories: z.array(RepositoryChanges).max(100),
  diffs: z.array(FileDiffPatch).max(100 * MAX_CHANGED_FILES),
});
export type ChangesReport = z.infer<typeof ChangesReport>;

export const FileDiffQuery = z.strictObject({ repo: RelPath, path: RelPath.min(1) });

export const FileDiff = z.strictObject({
  repo: RelPath,
  file: ChangedFile,
  /** Null unless file.diff is 'kept'. */
  patch: z.string().nullable(),
  computedAt: Timestamp,
});
export type FileDiff = z.infer<typeof FileDiff>;

export const RepoQuery = z.strictObject({ repo: RelPath });

/** A forge that can take pull requests, from the repository credential of the repository's host. */
export const Forge = z.enum(['github', 'gitlab']);
export type Forge = z.infer<typeof Forge>;

export const ShipDraft = z.strictObject({
  repo: RelPath,
  /** A proposed message, from the conversation; the person edits it before committing. */
  commitMessage: z.string().max(10_000),
  /** The branch the session pushes to: one it created earlier, or a new name from the session's title. */
  branch: z.string().max(255),
  /** The branch a pull request goes into: the one the Environment checks out, when known. */
  baseBranch: z.string().max(255).nullable(),
  pullRequest: z.strictObject({ title: z.string().max(256), body: z.string().max(65_536) }),
  /** Null when there is no remote to push to; the sentence says why. */
  remote: z.string().max(2048).nullable(),
  /** Null when pull requests cannot be opened (no remote, or no credential naming a forge). */
  forge: Forge.nullable(),
  /** What stops pushing or opening a pull request, for people; null when nothing does. */
  blocked: z.string().max(1000).nullable(),
  /** A pull request this session already opened from the branch. */
  pullRequestUrl: z.string().max(2048).nullable(),
});
export type ShipDraft = z.infer<typeof ShipDraft>;

export const CommitRequest = z.strictObject({
  repo: RelPath,
  message: z.string().trim().min(1, 'is required').max(10_000),
});
export type CommitRequest = z.infer<typeof CommitRequest>;
export const CommitResponse = z.strictObject({
  sha: Sha,
  branch: z.string().nullable(),
  /** How many files the commit took. */
  files: z.number().int().nonnegative(),
});
export type CommitResponse = z.infer<typeof CommitResponse>;

/** A git branch name a person or the agent may ask for (checked again with git check-ref-format). */
export const BranchName = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .regex(/^(?!-)(?!.*\.\.)(?!.*\/\/)(?!.*@\{)[A-Za-z0-9._/-]+(?<![./])$/, 'is not a valid branch name');

export const PushRequest = z.strictObject({ repo: RelPath, branch: BranchName.optional() });
export type PushRequest = z.infer<typeof PushRequest>;
export const PushResponse = z.strictObject({
  branch: z.string(),
  /** The remote's URL, without credentials. */
  remote: z.string(),
  sha: Sha,
  /** Whether this push created the branch on the remote. */
  created: z.boolean(),
});
export type PushResponse = z.infer<typeof PushResponse>;

export const PullRequestRequest = z.strictObject({
  repo: RelPath,
  title: z.string().trim().min(1, 'is required').max(256),
  body: z.string().max(65_536).default(''),
  /** Defaults to the draft's base branch. */
  base: BranchName.optional(),
  /** Defaults to the draft's branch; pushed first when the remote does not have HEAD yet. */
  branch: BranchName.optional(),
});
export type PullRequestRequest = z.infer<typeof PullRequestRequest>;
export const PullRequestResponse = z.strictObject({
  url: z.string().max(2048),
  number: z.number().int().positive(),
  title: z.string(),
  forge: Forge,
  branch: z.string(),
  base: z.string(),
});
export type PullRequestResponse = z.infer<typeof PullRequestResponse>;

export const CheckpointParams = z.strictObject({ id: Id, checkpointId: z.string().min(1).max(100) });
export const RestoreResponse = z.strictObject({
  checkpointId: z.string(),
  /** Restoring this one puts back what the restore replaced. */
  undoCheckpointId: z.string(),
  repositories: z.array(RelPath),
});
export type RestoreResponse = z.infer<typeof RestoreResponse>;

/**
 * Why a ship or restore action failed, so the app can say what to do:
 * the remote refused the credential, the branch is protected, the remote
 * branch moved on, nothing to push to, nothing to commit, and so on.
 */
export const ShipErrorCode = z.enum([
  'auth_failed',
  'protected_branch',
  'not_fast_forward',
  'no_remote',
  'no_credential',
  'nothing_to_commit',
  'operation_in_progress',
  'repository_missing',
  'checkpoint_lost',
  'already_exists',
  'remote_error',
  'too_large',
  'invalid',
]);
export type ShipErrorCode = z.infer<typeof ShipErrorCode>;

/** What a 'session_action' job carries. `by` is who asked: a person, or the agent of a turn. */
export const SessionAction = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('restore'), checkpointId: z.string().min(1).max(100) }),
  z.strictObject({ action: z.literal('commit'), repo: RelPath, message: CommitRequest.shape.message }),
  z.strictObject({ action: z.literal('push'), repo: RelPath, branch: BranchName }),
  z.strictObject({
    action: z.literal('pull_request'),
    repo: RelPath,
    title: PullRequestRequest.shape.title,
    body: z.string().max(65_536),
    base: BranchName,
    branch: BranchName,
  }),
  z.strictObject({ action: z.literal('patch'), repo: RelPath }),
]);
export type SessionAction = z.infer<typeof SessionAction>;

/** The largest patch Download patch hands out. */
export const MAX_PATCH_CHARS = 20_000_000;

export const SessionActionResult = z.discriminatedUnion('action', [
  RestoreResponse.extend({ action: z.literal('restore') }),
  CommitResponse.extend({ action: z.literal('commit') }),
  PushResponse.extend({ action: z.literal('push') }),
  PullRequestResponse.extend({ action: z.literal('pull_request') }),
  z.strictObject({
    action: z.literal('patch'),
    patch: z.string().max(MAX_PATCH_CHARS),
    fileName: z.string(),
  }),
]);
export type SessionActionResult = z.infer<typeof SessionActionResult>;

export const SessionActionFailure = z.strictObject({
  code: ShipErrorCode,
  message: z.string().max(2000),
});
export type SessionActionFailure = z.infer<typeof SessionActionFailure>;

/** The branch a session pushes to when nobody names one: `orrery/<title words>-<session id start>`. */
export function sessionBranchName(title: string, sessionId: string): string {
  const words = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '');
  const id = sessionId
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 6)
    .toLowerCase();
  return `orrery/${words ? `${words}-` : ''}${id || 'session'}`;
}

/** Which forge a credential's host is, when the host says so itself. */
export function forgeOfHost(host: string): Forge | null {
  const name = host.toLowerCase().replace(/:\d+$/, '');
  if (name === 'github.com') return 'github';
  if (name === 'gitlab.com') return 'gitlab';
  return null;
}
