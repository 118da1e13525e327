// The lifecycle of session containers: bring one up whatever state it is in
// (create from the snapshot, start, unpause, or recreate after a long pause),
// and act on deadlines (pause when idle, stop at the maximum run time, remove
// after a long pause). Every operation runs in the session's queue.
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { CommandChannel } from './command-channel.js';
import { sessionContainerSpec } from './container-spec.js';
import type { Core } from './core.js';
import type { DeadlineAction } from './deadlines.js';
import { runScript } from './docker-exec.js';
import type { Engine } from './engines.js';
import {
  dockerMessageOf,
  dockerStatusOf,
  EnvironmentError,
  engineAccessProblem,
  engineErrorText,
  isEngineUnreachable,
  messageOf,
} from './errors.js';
import { sessionLabels, snapshotHash } from './naming.js';
import { nextDeadlineOf, type SessionEntry } from './session-entry.js';
import { prepareSessionNetwork, removeSessionNetwork } from './session-network.js';
import { Restarts } from './restarts.js';
import { Snapshots } from './snapshots.js';
import { CLEAR_RUNS, KILL_ORPHANS } from './scripts.js';
import type { RemovedReason } from './state-store.js';
import { text } from './status-text.js';

export class Lifecycle {
  readonly snapshots: Snapshots;
  readonly restarts: Restarts;

  constructor(private readonly core: Core) {
    this.snapshots = new Snapshots(core);
    this.restarts = new Restarts(core, core.config.restarts);
    core.onDeadline = (entry, action) => {
      entry.queue
        .run(() => this.runDeadline(entry, action))
        .catch((error: unknown) => {
          core.log.warn('a lifecycle deadline failed', {
            session: entry.sessionId,
            action,
            error: messageOf(error),
          });
        });
    };
  }

  /** Brings the container up, retrying while the engine is unreachable (up to config.engineRetryMs). */
  async bringUp(entry: SessionEntry): Promise<void> {
    const { core } = this;
    if (core.deleted.has(entry.sessionId)) {
      // Work still in flight when its session was deleted (a turn, a command retried) must not bring the container back.
      throw new EnvironmentError('not_found', 'This session was deleted, and its Environment with it.');
    }
    const started = Date.now();
    for (let delay = 250; ; delay = Math.min(delay * 2, 5_000)) {
      try {
        await this.bringUpOnce(entry);
        return;
      } catch (error) {
        const unreachable = isEngineUnreachable(error);
        // A refused certificate or login is not an outage: retrying never fixes it.
        if (!unreachable || Date.now() - started + delay > core.config.engineRetryMs || core.closed) {
          const failure = asEnvironmentError(error, entry);
          core.setStatus(entry, 'error', text.failed(failure.message));
          throw failure;
        }
        core.setStatus(
          entry,
          'error',
          entry.engine
            ? text.engineDown(entry.engine.name, engineErrorText(error, entry.engine))
            : text.noEngine(messageOf(error)),
        );
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private async bringUpOnce(entry: SessionEntry): Promise<void> {
    const { core } = this;
    if (await this.quickResume(entry)) return;
    entry.engine ??= await core.pool.place();
    let info = await inspect(core.container(entry));
    if (info && isSuspended(info) && this.suspendedTooLong(entry)) {
      await this.removeContainer(entry, 'long_pause');
      info = undefined;
    }
    if (info && (info.State.Status === 'dead' || info.State.Status === 'removing')) {
      // 'removing': someone else is removing it (docker rm -f); 'dead': the engine could not remove or run it.
      const cause = info.State.Status === 'dead' ? 'dead' : 'external';
      await this.removeContainer(entry, cause);
      const detail = cause === 'dead' ? text.notice.dead() : text.removedOutside();
      this.restarts.lost(entry, cause, 'stopped', detail, text.notice[cause]());
      info = undefined;
    }
    if (!info && entry.state.hadContainer && entry.state.removedReason === undefined) {
      // Removed behind the manager's back while nobody watched (no event reached it yet).
      entry.state.removedReason = 'external';
      core.save(entry);
      this.restarts.lost(entry, 'external', 'stopped', text.removedOutside(), text.notice.external());
    }
    if (!info) {
      if (entry.state.hadContainer) await this.restarts.beforeRestart(entry);
      return this.createFromSnapshot(entry, entry.engine);
    }
    const container = core.container(entry);
    switch (info.State.Status) {
      case 'running':
        break;
      case 'paused':
        core.setStatus(entry, 'starting', text.resuming());
        await container.unpause();
        if (!entry.orphansCleared) await this.killOrphans(entry);
        break;
      default:
        // created, exited, restarting: start it (again), after the back-off if it died by itself.
        await this.restarts.beforeRestart(entry);
        core.setStatus(entry, 'starting', text.starting());
        if (info.State.Status !== 'restarting') await this.start(entry, container);
        await this.afterStart(entry);
    }
    entry.state.suspendedAt = undefined;
    core.touch(entry);
    core.save(entry);
    await this.ensureChannel(entry);
    core.setStatus(entry, 'running', text.running());
  }

  /**
   * The common case, kept short because a user waits on it: this manager
   * paused the container, it has no orphans, and the pause is not old enough
   * for a clean restart. Unpause and go; anything unexpected takes the full path.
   */
  private async quickResume(entry: SessionEntry): Promise<boolean> {
    const { core } = this;
    if (entry.status !== 'paused' || !entry.engine || !entry.orphansCleared || this.suspendedTooLong(entry)) {
      return false;
    }
    core.setStatus(entry, 'starting', text.resuming());
    try {
      await core.container(entry).unpause();
    } catch {
      return false;
    }
    entry.state.suspendedAt = undefined;
    core.touch(entry);
    core.save(entry);
    await this.ensureChannel(entry);
    core.setStatus(entry, 'running', text.running());
    return true;
  }

  private async createFromSnapshot(entry: SessionEntry, engine: Engine): Promise<void> {
    const { core } = this;
    const definition = entry.definition;
    if (!definition) {
      throw new EnvironmentError(
        'not_found',
        `The session ${entry.sessionId} has no Environment container and no definition to create one; call ensureRunning`,
      );
    }
    const reason = entry.state.hadContainer ? (entry.state.removedReason ?? 'external') : undefined;
    const hash = snapshotHash(definition);
    const image = await this.snapshots.ensure(engine, definition, hash, entry);
    if (reason) {
      const why =
        reason === 'long_pause'
          ? text.whyClean.long_pause(entry.timeouts.cleanRestartAfterMs)
          : text.whyClean[reason]();
      // Losses had their notice when they were found; the long-pause rule has its own here.
      core.setStatus(entry, 'restarting_clean', text.restartingClean(why), {
        cleanRestart: true,
        notice: reason === 'long_pause' ? text.notice.longPause() : undefined,
      });
    } else {
      core.setStatus(entry, 'starting', text.starting());
    }
    const network = await prepareSessionNetwork(
      engine,
      core.config.scope,
      entry.sessionId,
      entry.containerName,
      definition.network,
      core.config.installation,
    );
    const spec = sessionContainerSpec({
      name: entry.containerName,
      image,
      labels: sessionLabels(core.config.scope, entry.sessionId, definition, hash),
      variables: definition.variables,
      user: core.user,
      workspace: core.config.workspace,
      networkMode: network.networkMode,
      limits: core.config.limits,
    });
    let container: Docker.Container;
    try {
      container = await engine.docker.createContainer(spec);
    } catch (error) {
      // Another operation (or an earlier runner) created it meanwhile: adopt it rather than duplicate.
      if (dockerStatusOf(error) !== 409) throw error;
      return this.bringUpOnce(entry);
    }
    entry.state.hadContainer = true;
    entry.state.removedReason = undefined;
    entry.state.environmentId = definition.id;
    core.save(entry);
    await this.start(entry, container);
    await this.afterStart(entry);
    entry.state.suspendedAt = undefined;
    core.touch(entry);
    core.save(entry);
    await this.ensureChannel(entry);
    const running = reason ? text.runningAgainClean() : text.running();
    core.setStatus(entry, 'running', network.offline ? `${running} ${network.offline}` : running);
  }

  /** Starts the container; a refusal that is not an outage counts as a loss (a container that never starts). */
  private async start(entry: SessionEntry, container: Docker.Container): Promise<void> {
    try {
      await container.start();
    } catch (error) {
      if (dockerStatusOf(error) === 304) return; // already running
      // An outage is retried; a container removed meanwhile is a removal, found as such next time.
      if (isEngineUnreachable(error) || dockerStatusOf(error) === 404) throw error;
      const reason = `the Docker engine “${entry.engine?.name ?? ''}” answered: ${dockerMessageOf(error)}`;
      // No notice of its own: the error goes to whoever asked (a turn says it), and a second would repeat it.
      const detail = text.startFailed(reason);
      const failed = this.restarts.lost(entry, 'start_failed', 'error', detail, undefined);
      throw new EnvironmentError(failed ? 'restart_loop' : 'internal', entry.detail, { cause: error });
    }
  }

  /** A fresh start: nothing of an earlier life runs, so old process-group files go. */
  private async afterStart(entry: SessionEntry): Promise<void> {
    const { core } = this;
    entry.state.startedAt = core.clock.now();
    entry.state.commands = {};
    await runScript(core.container(entry), CLEAR_RUNS, 'orrery', [], core.user).catch(() => undefined);
    entry.orphansCleared = true;
  }

  /** Kills commands an earlier runner left running in this container (not this runner's live ones). */
  async killOrphans(entry: SessionEntry): Promise<string[]> {
    const live = [...entry.runs.keys()];
    const container = this.core.container(entry);
    const result = await this.core.helper(entry, () =>
      runScript(container, KILL_ORPHANS, 'orrery', live, this.core.user),
    );
    entry.orphansCleared = true;
    return result.stdout.split('\n').filter(Boolean);
  }

  async ensureChannel(entry: SessionEntry): Promise<CommandChannel | undefined> {
    const { core } = this;
    if (!core.config.commandChannel) return undefined;
    if (entry.channel && !entry.channel.closed) return entry.channel;
    entry.channel = undefined;
    try {
      const id = `chan-${randomBytes(6).toString('hex')}`;
      const container = core.container(entry);
      entry.channel = await core.helper(entry, () =>
        CommandChannel.open(container, id, core.user, core.config.workspace),
      );
    } catch (error) {
      core.log.warn('no command channel; commands use docker exec', {
        session: entry.sessionId,
        error: messageOf(error),
      });
    }
    return entry.channel;
  }

  async runDeadline(entry: SessionEntry, action: DeadlineAction): Promise<void> {
    const { core } = this;
    const due = nextDeadlineOf(entry);
    if (!due || due.action !== action || due.at > core.clock.now()) {
      core.reschedule(entry);
      return;
    }
    if (action === 'pause') await this.pauseContainer(entry, text.idlePaused(entry.timeouts.idleTimeoutMs));
    else if (action === 'stop')
      await this.stopContainer(entry, text.maxRunStopped(entry.timeouts.maxRunTimeMs));
    else {
      await this.removeContainer(entry, 'long_pause');
      core.setStatus(entry, 'stopped', text.removedAfterPause(entry.timeouts.cleanRestartAfterMs));
    }
  }

  async pauseContainer(entry: SessionEntry, detail: string): Promise<void> {
    const { core } = this;
    if (entry.runs.size > 0) {
      throw new EnvironmentError(
        'busy',
        'A command is running in the Environment; it pauses once the command ends',
      );
    }
    await core.container(entry).pause().catch(ignore(409));
    entry.state.suspendedAt = core.clock.now();
    core.save(entry);
    core.setStatus(entry, 'paused', detail);
  }

  async stopContainer(entry: SessionEntry, detail: string): Promise<void> {
    const { core } = this;
    const container = core.container(entry);
    const info = await inspect(container);
    if (info?.State.Status === 'paused') await container.unpause();
    entry.generation++;
    entry.channel?.close();
    entry.channel = undefined;
    if (info) await container.stop({ t: 5 }).catch(ignore(304));
    entry.state.suspendedAt = core.clock.now();
    core.save(entry);
    core.setStatus(entry, 'stopped', detail);
  }

  async removeContainer(entry: SessionEntry, reason: RemovedReason): Promise<void> {
    const { core } = this;
    entry.generation++;
    entry.channel?.close();
    entry.channel = undefined;
    if (entry.engine) {
      await core.container(entry).remove({ force: true, v: true }).catch(ignore(404, 409));
      await removeSessionNetwork(entry.engine, entry.containerName).catch((error: unknown) =>
        core.log.warn('could not remove a session network', {
          session: entry.sessionId,
          error: messageOf(error),
        }),
      );
    }
    entry.state.removedReason = reason;
    entry.state.suspendedAt = undefined;
    entry.state.startedAt = undefined;
    core.save(entry);
    core.log.info('removed a session container', { session: entry.sessionId, reason });
  }

  private suspendedTooLong(entry: SessionEntry): boolean {
    const since = entry.state.suspendedAt;
    return since !== undefined && this.core.clock.now() - since >= entry.timeouts.cleanRestartAfterMs;
  }
}

export async function inspect(container: Docker.Container): Promise<Docker.ContainerInspectInfo | undefined> {
  try {
    return await container.inspect();
  } catch (error) {
    if (dockerStatusOf(error) === 404) return undefined;
    throw error;
  }
}

function isSuspended(info: Docker.ContainerInspectInfo): boolean {
  return ['paused', 'exited', 'created'].includes(info.State.Status);
}

/** Lets an engine answer such as 304 "already started" or 404 "already gone" pass. */
export function ignore(...statuses: number[]): (error: unknown) => void {
  return (error) => {
    const status = dockerStatusOf(error);
    if (status === undefined || !statuses.includes(status)) throw error;
  };
}

function asEnvironmentError(error: unknown, entry: SessionEntry): EnvironmentError {
  if (error instanceof EnvironmentError) return error;
  const engine = entry.engine ? `“${entry.engine.name}” (${entry.engine.address})` : '';
  const refused = entry.engine ? engineAccessProblem(error, entry.engine) : null;
  if (refused) return new EnvironmentError('engine_refused', refused, { cause: error });
  if (isEngineUnreachable(error)) {
    return new EnvironmentError(
      'engine_unavailable',
      `Cannot reach the Docker engine ${engine}: ${engineErrorText(error, entry.engine)}`,
      {
        cause: error,
      },
    );
  }
  return new EnvironmentError('internal', `The Docker engine ${engine} refused: ${dockerMessageOf(error)}`, {
    cause: error,
  });
}
