// The runner's contract for the agent's changes: reading them, checkpoints,
// committing and taking commits out of the container (git.ts, inside the
// container through the Environment manager), and pushing and opening pull
// requests from the runner's own side (ship.ts), where the repository
// credentials are. The daemon and the agent's tools use these alone.
import type {
  ChangesReport,
  CommitResponse,
  Forge,
  PullRequestResponse,
  PushResponse,
  RestoreResponse,
  RunnerRepositoryCredential,
  ShipErrorCode,
} from '@orrery/shared';

/** A repository of the Environment, where it lies in the workspace. */
export interface WorkspaceRepository {
  /** Relative to /workspace ('' when the repository is /workspace itself). */
  path: string;
  /** The Environment's URL for it, as the definition names it (never the container's origin). */
  url: string;
  /** The name of the repository credential the Environment gives it. */
  credential?: string | undefined;
}

/** A failure people can act on; `message` says what to do. */
export class ChangesError extends Error {
  constructor(
    readonly code: ShipErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ChangesError';
  }
}

/** Git inside one session's container (implemented in git.ts). */
export interface WorkspaceGit {
  /**
   * Records where each repository stands now as the session's base
   * (refs/orrery/base), unless it already has one. Idempotent.
   */
  ensureBase(repos: readonly WorkspaceRepository[]): Promise<void>;
  /** Everything changed since the base in every repository, redacted, ready to report. */
  readChanges(repos: readonly WorkspaceRepository[], computedAt: number): Promise<ChangesReport>;
  /**
   * Records the state of every repository (HEAD, branch, index, tracked and
   * untracked files; ignored files are left out) under
   * refs/orrery/checkpoints/<id>, touching no branch, index, stash or file.
   */
  checkpoint(repos: readonly WorkspaceRepository[], id: string): Promise<void>;
  /** The ids of the checkpoints every repository still has. */
  checkpoints(repos: readonly WorkspaceRepository[]): Promise<Set<string>>;
  /**
   * Puts every repository back exactly as checkpoint `id` recorded it, after
   * recording the present as checkpoint `undoId`. Throws checkpoint_lost
   * when a repository no longer has it.
   */
  restore(repos: readonly WorkspaceRepository[], id: string, undoId: string): Promise<RestoreResponse>;
  /** Commits every change (git add -A) on the current branch, or on a detached HEAD. */
  commit(
    repo: WorkspaceRepository,
    message: string,
    author: { name: string; email: string },
  ): Promise<CommitResponse>;
  /** `git format-patch --stdout` from the base to HEAD, then the uncommitted changes as a last patch. */
  formatPatch(repo: WorkspaceRepository): Promise<{ patch: string; fileName: string }>;
  /** A git bundle of HEAD (as refs/heads/<branch>) for the runner to push; the commits since the base. */
  bundle(repo: WorkspaceRepository, branch: string): Promise<{ bundle: Uint8Array; head: string }>;
  /** The branch the Environment checked out when the session started, when there was one. */
  baseBranch(repo: WorkspaceRepository): Promise<string | null>;
}

/** What the runner pushes and opens pull requests with (implemented in ship.ts). */
export interface Shipper {
  /**
   * Pushes the bundle's branch to the repository's remote with the
   * repository's credential. A branch the session did not create
   * (`ours` null) must not exist on the remote yet; the session's own
   * branch is force-pushed only with a lease on what it last pushed.
   */
  push(options: {
    repo: WorkspaceRepository;
    credential: RunnerRepositoryCredential | undefined;
    bundle: Uint8Array;
    head: string;
    branch: string;
    ours: { sha: string } | null;
    signal?: AbortSignal;
  }): Promise<PushResponse>;
  /** Opens a pull request (GitHub) or merge request (GitLab) with the official client. */
  openPullRequest(options: {
    repo: WorkspaceRepository;
    credential: RunnerRepositoryCredential | undefined;
    forge: Forge;
    branch: string;
    base: string;
    title: string;
    body: string;
    signal?: AbortSignal;
  }): Promise<PullRequestResponse>;
}
