// Commands and files in a session's container. Work arriving resumes the
// Environment first (unpause, start or recreate, whichever applies), and a
// running command holds off the idle pause. Commands go through the
// persistent channel when it is free, else through docker exec.
import { randomBytes } from 'node:crypto';
import type { Core } from './core.js';
import { dockerExecStarter, killRun } from './docker-exec.js';
import { dockerStatusOf, EnvironmentError, messageOf } from './errors.js';
import * as files from './files.js';
import type { Lifecycle } from './lifecycle.js';
import { Redactor } from './redact.js';
import { usableSecrets } from './refused-names.js';
import type { LiveRun, SessionEntry } from './session-entry.js';
import { supervise, type RunStarter } from './supervise.js';
import { attachProcess } from './attached.js';
import type { AttachedProcess, AttachOptions, ExecOptions, ExecResult, FileEntry } from './types.js';

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** How much of a command line is kept in the runner's state for "interrupted" notes. */
const COMMAND_NOTE_LENGTH = 200;

export class Commands {
  constructor(
    private readonly core: Core,
    private readonly lifecycle: Lifecycle,
  ) {}

  async exec(entry: SessionEntry, options: ExecOptions): Promise<ExecResult> {
    for (const name of Object.keys(options.env ?? {})) {
      if (!VARIABLE_NAME.test(name))
        throw new EnvironmentError('bad_request', `"${name}" is not a variable name`);
    }
    const run = await this.admit(entry, options);
    try {
      return await this.runOnce(entry, run, options);
    } catch (error) {
      // The container went away between admission and start: bring it up again once.
      const status = dockerStatusOf(error);
      if (status !== 404 && status !== 409) throw error;
      this.core.log.info('the container was not running; starting it again', { session: entry.sessionId });
      entry.status = 'none';
      await entry.queue.run(() => this.lifecycle.bringUp(entry));
      run.generation = entry.generation;
      return await this.runOnce(entry, run, options);
    } finally {
      this.release(entry, run);
    }
  }

  async attach(entry: SessionEntry, options: AttachOptions): Promise<AttachedProcess> {
    for (const name of Object.keys(options.env ?? {})) {
      if (!VARIABLE_NAME.test(name))
        throw new EnvironmentError('bad_request', `"${name}" is not a variable name`);
    }
    const run = await this.admit(entry, { command: options.argv.join(' ') });
    try {
      return await attachProcess(
        this.core.container(entry),
        {
          argv: options.argv,
          cwd: options.cwd ?? this.core.config.workspace,
          env: { ...entry.secrets, ...usableSecrets(options.env ?? {}, this.core.log) },
          user: this.core.user,
        },
        () => this.release(entry, run),
      );
    } catch (error) {
      this.release(entry, run);
      throw error;
    }
  }

  readFile(entry: SessionEntry, path: string): Promise<Uint8Array> {
    return this.withFiles(entry, (access) => files.readFile(access, path));
  }

  writeFile(entry: SessionEntry, path: string, content: Uint8Array | string): Promise<void> {
    return this.withFiles(entry, (access) => files.writeFile(access, path, content));
  }

  listFiles(
    entry: SessionEntry,
    path: string,
    options?: { recursive?: boolean; limit?: number },
  ): Promise<FileEntry[]> {
    return this.withFiles(entry, (access) => files.listFiles(access, path, options));
  }

  private async withFiles<T>(
    entry: SessionEntry,
    work: (access: files.FileAccess) => Promise<T>,
  ): Promise<T> {
    const { core } = this;
    const run = await this.admit(entry, { command: '(file access)' });
    try {
      return await work({
        container: core.container(entry),
        run: (command) => this.runOnce(entry, { runId: newRunId(), generation: run.generation }, { command }),
        uid: core.config.uid,
        gid: core.config.gid,
        workspace: core.config.workspace,
        maxReadBytes: core.config.maxReadBytes,
      });
    } finally {
      this.release(entry, run);
    }
  }

  /** Waits its turn, makes sure the container runs, and registers the run (which holds off the idle pause). */
  private admit(entry: SessionEntry, options: ExecOptions): Promise<LiveRun> {
    const { core } = this;
    return entry.queue.run(async () => {
      if (entry.status !== 'running') await this.lifecycle.bringUp(entry);
      const run: LiveRun = { runId: newRunId(), generation: entry.generation };
      entry.runs.set(run.runId, run);
      const redactor = new Redactor(Object.values(entry.secrets));
      entry.state.commands[run.runId] = {
        runId: run.runId,
        callerId: options.id,
        command: redactor.redact(options.command).slice(0, COMMAND_NOTE_LENGTH),
        startedAt: core.clock.now(),
      };
      core.touch(entry);
      core.save(entry);
      return run;
    });
  }

  private release(entry: SessionEntry, run: LiveRun): void {
    entry.runs.delete(run.runId);
    delete entry.state.commands[run.runId];
    this.core.touch(entry);
    this.core.save(entry);
  }

  /** An adopted container has no channel yet: open one for the next commands, without delaying this one. */
  private openChannelSoon(entry: SessionEntry): void {
    if (opening.has(entry) || entry.status !== 'running') return;
    opening.add(entry);
    void this.lifecycle.ensureChannel(entry).finally(() => opening.delete(entry));
  }

  private async runOnce(entry: SessionEntry, run: LiveRun, options: ExecOptions): Promise<ExecResult> {
    const { core } = this;
    const container = core.container(entry);
    // Per-command values are mostly secrets again (the agent's tools pass them): the same names are dropped.
    const env = { ...entry.secrets, ...usableSecrets(options.env ?? {}, core.log) };
    const cwd = options.cwd ?? core.config.workspace;
    const channel = entry.channel;
    if ((!channel || channel.closed) && core.config.commandChannel) this.openChannelSoon(entry);
    let start: RunStarter;
    if (channel && !channel.closed && !channel.busy) {
      start = channel.starter(run.runId, cwd, options.command, env);
    } else {
      start = dockerExecStarter(container, {
        runId: run.runId,
        command: options.command,
        cwd,
        env,
        user: core.user,
      });
    }
    return supervise({
      options,
      maxOutputBytes: options.maxOutputBytes ?? core.config.maxOutputBytes,
      redactor: new Redactor(Object.values(entry.secrets)),
      start,
      kill: () => core.helper(entry, () => killRun(container, run.runId, core.user)),
      interrupted: () => entry.generation !== run.generation,
      onKillError: (error) =>
        core.log.warn('could not stop a command', { session: entry.sessionId, error: messageOf(error) }),
    });
  }
}

/** Sessions whose channel is being opened in the background. */
const opening = new WeakSet<SessionEntry>();

function newRunId(): string {
  return `run-${randomBytes(8).toString('hex')}`;
}
