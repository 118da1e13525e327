// The Environment manager's contract: what the agent loop and the daemon use
// to get a session's container, run commands and move files. Implemented on
// dockerode in this folder; tests drive it directly against a real engine.
import type {
  EngineHealth,
  EnvironmentNetwork,
  EnvironmentStatus,
  RunnerRepositoryCredential,
} from '@orrery/shared';

/** What an Environment is built from; hashed to key its snapshot image. */
export interface EnvironmentDefinition {
  /** The Environment's id, for labels and logs. */
  id: string;
  /**
   * The server installation the session belongs to (SessionContext.installationId).
   * Its snapshots are labelled with it and never reused by another installation.
   */
  installation: string;
  name: string;
  image: string;
  repositories: {
    url: string;
    ref?: string | undefined;
    path?: string | undefined;
    /** The name of the repository credential the runner clones it with (not part of the snapshot). */
    credential?: string | undefined;
  }[];
  setupScript: string;
  /** Visible to anyone who starts a session with this Environment. */
  variables: Record<string, string>;
  /** Whether sessions reach the network; absent means "none". Not part of the snapshot. */
  network?: EnvironmentNetwork | undefined;
  idleTimeoutMs: number;
  maxRunTimeMs: number;
  cleanRestartAfterMs: number;
}

/** A change of a session's Environment, written to the session document for the UI. */
export interface StatusChange {
  sessionId: string;
  status: EnvironmentStatus;
  /** A sentence for people, e.g. "Paused after 20 minutes without activity. It starts again when you send a message." */
  detail: string;
  /** Set when the container was recreated from the snapshot and uncommitted work is gone. */
  cleanRestart?: boolean;
  /** What happened, for the transcript, once: the true cause of a loss or a clean restart. */
  notice?: { text: string; level: 'warning' | 'error' };
}

export interface AttachOptions {
  argv: string[];
  cwd?: string;
  /** Added to the session's secrets, which every command gets. */
  env?: Record<string, string>;
}

export interface AttachedProcess {
  write(data: string): Promise<void>;
  stdout: NodeJS.ReadableStream;
  stderr: NodeJS.ReadableStream;
  /** The exit code once the process ended (null when it could not be read). */
  exited: Promise<number | null>;
  close(): void;
}

export interface ExecOptions {
  /** Run through `bash -lc`. */
  command: string;
  /** The caller's id for this command (e.g. the tool call's); interruptedCommands() reports it. */
  id?: string;
  cwd?: string;
  env?: Record<string, string>;
  /** Kill the command when it prints nothing for this long. */
  noOutputTimeoutMs?: number;
  /** Kill the command after this long regardless. */
  timeoutMs?: number;
  /** Cut each stream after this many bytes, with a clear marker. */
  maxOutputBytes?: number;
  /** Aborting kills the whole process group of the command. */
  signal?: AbortSignal;
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
}

export interface ExecResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /**
   * Why it ended other than by itself. 'interrupted': the Environment
   * stopped or vanished, or the engine went away, while it ran.
   */
  ended: 'exited' | 'timeout' | 'no_output_timeout' | 'cancelled' | 'interrupted';
  truncated: boolean;
  durationMs: number;
}

export interface FileEntry {
  path: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
  size: number;
}

/** A command that was running when an earlier runner process died; its processes were killed. */
export interface InterruptedCommand {
  sessionId: string;
  /** ExecOptions.id, when the caller gave one. */
  id: string | undefined;
  /** The start of the command line, secrets redacted. */
  command: string;
  startedAt: number;
}

/** A line (or part of one) of a snapshot build's output, secrets redacted. */
export interface BuildLogEntry {
  environmentId: string;
  /** The definition hash the snapshot is built for. */
  hash: string;
  /** 'progress': the manager's own account of the steps. */
  stream: 'stdout' | 'stderr' | 'progress';
  text: string;
}

/** Where a snapshot build is: its container starts, repositories clone, the setup script runs, the result is committed. */
export type SnapshotStep = 'starting' | 'clone' | 'setup' | 'commit';

/** Someone following one build (Build now): its steps and its log lines. */
export interface BuildFollower {
  onStep(step: SnapshotStep): void;
  onLog(entry: BuildLogEntry): void;
}

export interface EnvironmentManager {
  /**
   * Makes sure the session's container runs, whatever state it is in
   * (create from the snapshot, start, unpause, or recreate after a long
   * pause), building the snapshot first when needed. Resolves when commands
   * can run. Reports every transition through the status callback.
   */
  ensureRunning(
    sessionId: string,
    definition: EnvironmentDefinition,
    secrets?: Record<string, string>,
    /** Repository credentials by name (SessionContext.repositoryCredentials): for cloning on the runner only. */
    repositoryCredentials?: Record<string, RunnerRepositoryCredential>,
  ): Promise<void>;
  exec(sessionId: string, options: ExecOptions): Promise<ExecResult>;
  /**
   * Starts a program (no shell) in the running container with its stdin held
   * open, for protocols over standard streams. It holds off the idle pause
   * until it exits or is closed.
   */
  attach(sessionId: string, options: AttachOptions): Promise<AttachedProcess>;
  readFile(sessionId: string, path: string): Promise<Uint8Array>;
  /** Writes as the non-root user, creating parent folders. */
  writeFile(sessionId: string, path: string, content: Uint8Array | string): Promise<void>;
  listFiles(
    sessionId: string,
    path: string,
    options?: { recursive?: boolean; limit?: number },
  ): Promise<FileEntry[]>;
  /** Marks activity now (idle timers restart from here). */
  touch(sessionId: string): void;
  pause(sessionId: string): Promise<void>;
  stop(sessionId: string): Promise<void>;
  /** Removes the container (the session was deleted). */
  remove(sessionId: string): Promise<void>;
  /** Lets go of a session whose lease another runner took; its container is left for that runner. */
  release(sessionId: string): void;
  status(sessionId: string): EnvironmentStatus;
  /** Subscribes to status changes of every session; returns the unsubscribe. */
  onStatus(listener: (change: StatusChange) => void): () => void;
  /**
   * Builds the definition's snapshot now, even when one exists (Build now:
   * the repositories may have moved on), or joins the build of the same hash
   * under way. Sessions started meanwhile wait for it and reuse it. Resolves
   * with the definition hash; throws build_failed naming the step that failed.
   */
  /** Repository credentials are used on the runner's side to clone, never passed into the build. */
  buildSnapshot(
    definition: EnvironmentDefinition,
    follow: BuildFollower,
    repositoryCredentials?: Record<string, RunnerRepositoryCredential>,
  ): Promise<string>;
  /** Follows snapshot builds (for a build log a user can read); returns the unsubscribe. */
  onBuildLog(listener: (entry: BuildLogEntry) => void): () => void;
  /** How each Docker engine is doing: up, down (retried) or refusing this runner. */
  engineHealth(): EngineHealth[];
  /** Called whenever an engine's health changes; returns the unsubscribe. */
  onEngineHealth(listener: () => void): () => void;
  /**
   * Commands that were running when an earlier runner process died, found
   * by start(); their process groups are killed. Callers mark them
   * interrupted. Each is reported once.
   */
  takeInterruptedCommands(): InterruptedCommand[];
  /**
   * Kills the process group of every command still running in the session's
   * container that is not one of this runner's own (a runner that died left
   * it), and resolves once they are gone; a paused container's are killed
   * before it runs again. Throws when it cannot make sure (the engine does not answer).
   */
  stopInterrupted(sessionId: string): Promise<void>;
  /** Adopts existing containers and follows the engine's events. */
  start(): Promise<void>;
  /** Stops timers and event streams; containers keep running. */
  close(): Promise<void>;
}
