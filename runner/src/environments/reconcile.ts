// Keeps the manager's picture equal to the engines': adopt containers by
// label at start (one per session, duplicates removed, sessions that no
// longer exist cleaned up), follow the event stream, and list everything
// again after an engine outage.
import type { EnvironmentStatus } from '@orrery/shared';
import type Docker from 'dockerode';
import type { Core } from './core.js';
import type { Engine } from './engines.js';
import { engineAccessProblem, engineErrorText, messageOf } from './errors.js';
import { EventFollower, type ContainerEvent } from './events.js';
import { ignore, inspect, type Lifecycle } from './lifecycle.js';
import { LABEL, labelNumber, ownedBy } from './naming.js';
import type { SessionEntry } from './session-entry.js';
import { pruneSessionNetworks } from './session-network.js';
import { text } from './status-text.js';
import type { InterruptedCommand } from './types.js';

export class Reconciler {
  private readonly followers: EventFollower[] = [];
  readonly interrupted: InterruptedCommand[] = [];

  constructor(
    private readonly core: Core,
    private readonly lifecycle: Lifecycle,
    private readonly sessionExists: ((sessionId: string) => Promise<boolean>) | undefined,
  ) {}

  async start(): Promise<void> {
    this.collectInterrupted();
    for (const engine of this.core.pool.engines) {
      const follower = new EventFollower(
        engine,
        this.core.config.scope,
        this.core.config.installation,
        {
          onEvent: (event) => this.onEvent(engine, event),
          onDown: (error) => {
            this.core.engineHealth.down(engine, error);
            this.onDown(engine, error);
          },
          onUp: async () => {
            await this.adopt(engine);
            this.core.engineHealth.up(engine);
          },
        },
        this.core.log,
      );
      this.followers.push(follower);
    }
    // The first listing happens in onUp of each follower; wait for those that answer at once.
    await Promise.all(this.followers.map((f) => f.startAndWait()));
  }

  close(): void {
    for (const follower of this.followers) follower.close();
  }

  /** Commands recorded as running by an earlier process: they were cut short when it died. */
  private collectInterrupted(): void {
    const { store } = this.core;
    for (const sessionId of store.sessionIds()) {
      const state = store.load(sessionId);
      if (!state || Object.keys(state.commands).length === 0) continue;
      for (const record of Object.values(state.commands)) {
        this.interrupted.push({
          sessionId,
          id: record.callerId,
          command: record.command,
          startedAt: record.startedAt,
        });
      }
      state.commands = {};
      store.save(state);
    }
  }

  /**
   * Lists the engine's containers of this scope and makes the entries match.
   * Only sessions this runner worked on (its own state store) are adopted:
   * another runner of the installation on the same engine keeps its own, and
   * a runner takes a session's container over only when it gets the session's work.
   */
  async adopt(engine: Engine): Promise<void> {
    const { core } = this;
    const mine = new Set(core.store.sessionIds());
    const listed = await engine.docker.listContainers({
      all: true,
      filters: { label: ownedBy(core.config.scope, core.config.installation) },
    });
    const bySession = new Map<string, Docker.ContainerInfo>();
    for (const info of listed) {
      if (info.Labels[LABEL.role] === 'build') {
        if (this.lifecycle.snapshots.building(info.Labels[LABEL.snapshot] ?? '')) continue;
        // Still within its time limit: another runner of this installation may be building it.
        const ageMs = Date.now() - info.Created * 1000;
        if (info.State === 'running' && ageMs < core.config.buildTimeoutMs) continue;
        // A build cut short by a dead runner; the next ensureRunning builds again.
        await engine.docker.getContainer(info.Id).remove({ force: true }).catch(ignore(404, 409));
        continue;
      }
      const sessionId = info.Labels[LABEL.session];
      if (!sessionId) continue;
      if (!mine.has(sessionId) && !core.entries.has(sessionId)) continue;
      if (this.sessionExists && !(await this.sessionExists(sessionId).catch(() => true))) {
        core.log.info('removing the container of a deleted session', { session: sessionId });
        core.forgotten.add(sessionId);
        core.entries.get(sessionId)?.timer?.cancel();
        core.entries.delete(sessionId);
        await engine.docker.getContainer(info.Id).remove({ force: true, v: true }).catch(ignore(404, 409));
        core.store.delete(sessionId);
        continue;
      }
      const entry = core.entryFor(sessionId);
      if (entry.engine && entry.engine !== engine) {
        const kept = await this.resolveDuplicate(entry, engine, info);
        if (!kept) continue;
      }
      bySession.set(sessionId, info);
      entry.engine = engine;
      adoptLabels(entry, info.Labels);
    }
    // A runner that died between creating a session's network and its container, or between removing them.
    await pruneSessionNetworks(
      engine,
      core.config.scope,
      (id) => bySession.has(id) || core.entries.has(id),
      core.config.installation,
    ).catch((error: unknown) =>
      core.log.warn('could not prune session networks', { error: messageOf(error) }),
    );
    for (const [, entry] of core.entries) {
      if (entry.engine !== engine) continue;
      await entry.queue
        .run(() => this.sync(entry))
        .catch((error: unknown) => {
          core.log.warn('could not sync a session container', {
            session: entry.sessionId,
            error: messageOf(error),
          });
        });
    }
  }

  /** The same session on two engines: keep the running (or newer) one, remove the other. */
  private async resolveDuplicate(
    entry: SessionEntry,
    engine: Engine,
    info: Docker.ContainerInfo,
  ): Promise<boolean> {
    const other = entry.engine!;
    const theirs = await inspect(other.docker.getContainer(entry.containerName)).catch(() => undefined);
    if (!theirs) return true;
    const keepNew = info.State === 'running' && theirs.State.Status !== 'running';
    const loser = keepNew ? other.docker.getContainer(theirs.Id) : engine.docker.getContainer(info.Id);
    this.core.log.warn('found a session container on two engines; removing one', {
      session: entry.sessionId,
    });
    await loser.remove({ force: true, v: true }).catch(ignore(404, 409));
    return keepNew;
  }

  private onEvent(engine: Engine, event: ContainerEvent): void {
    const { core } = this;
    if (event.attributes[LABEL.role] !== 'session') return;
    const sessionId = event.attributes[LABEL.session];
    if (!sessionId || core.closed || core.forgotten.has(sessionId)) return;
    // A container this manager never knew or let go of: another runner's to handle.
    if (!core.entries.has(sessionId)) return;
    const entry = core.entryFor(sessionId);
    entry.engine ??= engine;
    if (entry.engine !== engine || entry.syncQueued) return;
    entry.syncQueued = true;
    entry.queue
      .run(() => {
        entry.syncQueued = false;
        return this.sync(entry);
      })
      .catch((error: unknown) => core.log.warn('could not sync after an event', { error: messageOf(error) }));
  }

  private onDown(engine: Engine, error: unknown): void {
    for (const entry of this.core.entries.values()) {
      if (entry.engine !== engine || entry.status === 'none') continue;
      const refused = engineAccessProblem(error, engine);
      this.core.setStatus(
        entry,
        'error',
        refused ?? text.engineDown(engine.name, engineErrorText(error, engine)),
      );
    }
  }

  /** Reads the container's real state and reports it when it differs from what the entry says. */
  async sync(entry: SessionEntry): Promise<void> {
    const { core } = this;
    if (!entry.engine || core.forgotten.has(entry.sessionId)) return;
    const info = await inspect(core.container(entry));
    if (!info) return this.containerGone(entry);
    // Being removed (docker rm -f): its destroy event follows, and that is the one loss to tell.
    if (info.State.Status === 'removing') return;
    adoptLabels(entry, info.Config.Labels ?? {});
    entry.state.hadContainer = true;
    entry.state.removedReason = undefined;
    const status = mapState(info);
    if (status === entry.status) {
      core.reschedule(entry);
      return;
    }
    const now = core.clock.now();
    if (status === 'running') {
      entry.state.startedAt ??= Date.parse(info.State.StartedAt) || now;
      entry.state.suspendedAt = undefined;
      entry.state.lastActivityAt ??= now;
      // Adopted: whatever an earlier runner left running here is nobody's any more.
      if (entry.status === 'none') await this.lifecycle.killOrphans(entry).catch(() => []);
      core.setStatus(entry, 'running', text.running());
    } else if (status === 'paused') {
      entry.state.suspendedAt ??= now;
      entry.state.startedAt ??= Date.parse(info.State.StartedAt) || now;
      core.setStatus(entry, 'paused', entry.status === 'none' ? text.paused() : text.pausedOutside());
    } else if (status === 'stopped') {
      entry.generation++;
      entry.channel?.close();
      entry.channel = undefined;
      entry.state.suspendedAt ??= Date.parse(info.State.FinishedAt) || now;
      const unexpected = entry.status === 'running' || entry.status === 'paused';
      const { ExitCode: exitCode, OOMKilled: oom } = info.State;
      if (unexpected) {
        this.lifecycle.restarts.lost(
          entry,
          oom ? 'oom' : 'exited',
          'stopped',
          text.stoppedUnexpectedly(exitCode, oom),
          oom ? text.notice.oom() : text.notice.exited(exitCode),
        );
      } else {
        core.setStatus(entry, 'stopped', text.stopped());
      }
    } else {
      core.setStatus(entry, status, text.starting());
    }
    core.save(entry);
  }

  private containerGone(entry: SessionEntry): void {
    const { core } = this;
    if (!entry.state.hadContainer || entry.state.removedReason) return;
    entry.generation++;
    entry.channel?.close();
    entry.channel = undefined;
    entry.state.removedReason = 'external';
    entry.state.startedAt = undefined;
    entry.state.suspendedAt = undefined;
    core.save(entry);
    this.lifecycle.restarts.lost(entry, 'external', 'stopped', text.removedOutside(), text.notice.external());
  }
}

function mapState(info: Docker.ContainerInspectInfo): EnvironmentStatus {
  switch (info.State.Status) {
    case 'running':
      return 'running';
    case 'paused':
      return 'paused';
    case 'restarting':
      return 'starting';
    default:
      return 'stopped';
  }
}

/** Timeouts come from the container's labels until ensureRunning gives a (newer) definition. */
function adoptLabels(entry: SessionEntry, labels: Record<string, string>): void {
  if (entry.definition) return;
  entry.timeouts = {
    idleTimeoutMs: labelNumber(labels, LABEL.idleTimeoutMs) ?? entry.timeouts.idleTimeoutMs,
    maxRunTimeMs: labelNumber(labels, LABEL.maxRunTimeMs) ?? entry.timeouts.maxRunTimeMs,
    cleanRestartAfterMs: labelNumber(labels, LABEL.cleanRestartAfterMs) ?? entry.timeouts.cleanRestartAfterMs,
  };
  entry.state.environmentId ??= labels[LABEL.environment];
}
