// The runner daemon: claims jobs from the server, keeps their leases alive,
// runs each session's queued turns, and writes every Environment status
// change into the session's document.
import { HEARTBEAT_MS, type Job, type ModelProvider, type SessionDoc } from '@orrery/shared';
import { randomUUID } from 'node:crypto';
import { sleep } from './abort.js';
import { CodebaseCache, gatherCodebase, runEnhance } from './agent/enhance-job.js';
import { runBuildJob } from './build-job.js';
import { drainQueue, environmentDefinition, openChangeTools, type TurnDeps } from './agent/turn.js';
import { workspaceFor } from './agent/workspace.js';
import { runSessionAction } from './changes/actions.js';
import { ChangesError } from './changes/types.js';
import type { DocPeers } from './doc-peers.js';
import {
  EnvironmentError,
  Redactor,
  statusText,
  type EnvironmentManager,
  type StatusChange,
} from './environments/index.js';
import { ServerError, type ServerClient } from './server-client.js';

export interface DaemonDeps {
  server: ServerClient;
  peers: DocPeers;
  environments: EnvironmentManager;
  modelFor: TurnDeps['modelFor'];
  /** Where the Advisor may read repositories from (the rules of an Environment build). */
  repositories?: TurnDeps['repositories'];
  /** Following and shipping the agent's changes (the Changes panel, checkpoints, pull requests). */
  changes?: TurnDeps['changes'];
  /** Where remote MCP servers may be (ORRERY_MCP_URLS). */
  egress?: TurnDeps['egress'];
  now: () => number;
  log: (message: string, fields?: Record<string, unknown>) => void;
  runnerId: string;
  /** The model providers this runner holds keys for, reported with engine health. */
  providers?: ModelProvider[];
  /** Jobs worked on at once. */
  concurrency?: number;
  /** How long one claim waits for work. */
  claimWaitMs?: number;
}

/** How often engine health is reported when nothing changes. */
const ENGINE_REPORT_MS = 30_000;

export const INTERRUPTED_NOTICE =
  'The runner working on this turn stopped before it finished, so the turn was interrupted. Anything it was running was stopped; send your message again to continue.';
/** Written only for the long-pause rule; every other restart's notice names its own cause (see status-text.ts). */
export const CLEAN_RESTART_NOTICE = statusText.notice.longPause();

export class RunnerDaemon {
  private readonly stopping = new AbortController();
  private loops: Promise<void>[] = [];
  private readonly statusChains = new Map<string, Promise<void>>();
  /** The lease of the turn job running in each session, to stop it when the session is deleted. */
  private readonly turnLeases = new Map<string, AbortController>();
  private readonly codebases = new CodebaseCache();
  /** One piece of work at a time in each session's workspace: a turn, or a person's restore, commit or push. */
  private readonly workspaceLocks = new Map<string, Promise<unknown>>();
  private unsubscribe: (() => void) | null = null;
  private stopReporting: () => void = () => {};
  private reporting: Promise<void> = Promise.resolve();

  constructor(private readonly deps: DaemonDeps) {}

  start(): void {
    this.unsubscribe = this.deps.environments.onStatus((change) => this.recordStatus(change));
    // Engine health reaches admins on every change, and again now and then so a restarted server learns it.
    const report = () => void this.reportEngines();
    const stopHealth = this.deps.environments.onEngineHealth(report);
    const timer = setInterval(report, ENGINE_REPORT_MS);
    timer.unref();
    this.stopReporting = () => {
      stopHealth();
      clearInterval(timer);
    };
    report();
    const n = this.deps.concurrency ?? 4;
    this.loops = Array.from({ length: n }, () => this.claimLoop());
  }

  /** Stops claiming, lets running jobs end, and flushes status writes. */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.stopReporting();
    await Promise.allSettled(this.loops);
    this.unsubscribe?.();
    await Promise.allSettled(this.statusChains.values());
  }

  private async claimLoop(): Promise<void> {
    let backoff = 500;
    while (!this.stopping.signal.aborted) {
      try {
        const job = await this.deps.server.claim(
          {
            runnerId: this.deps.runnerId,
            waitMs: this.deps.claimWaitMs ?? 25_000,
            kinds: [
              'turn',
              'remove_environment',
              'enhance',
              'pause_environment',
              'restart_environment',
              'build_environment',
              ...(this.deps.changes ? (['session_action'] as const) : []),
            ],
          },
          this.stopping.signal,
        );
        backoff = 500;
        if (job) await this.runJob(job);
      } catch (error) {
        if (this.stopping.signal.aborted) return;
        this.deps.log('cannot claim work from the server; retrying', {
          error: error instanceof Error ? error.message : String(error),
          retryInMs: backoff,
        });
        await sleep(backoff, this.stopping.signal);
        backoff = Math.min(backoff * 2, 30_000);
      }
    }
  }

  private async runJob(job: Job): Promise<void> {
    const lease = new AbortController();
    const heartbeat = setInterval(() => {
      this.deps.server.heartbeat(job).catch((error: unknown) => {
        if (error instanceof ServerError && error.status === 409) {
          lease.abort();
          // Another runner holds the session now and takes its container over.
          if (job.kind === 'turn' && job.sessionId) this.deps.environments.release(job.sessionId);
        }
        this.deps.log('heartbeat failed', { jobId: job.id, error: String(error) });
      });
    }, HEARTBEAT_MS);
    try {
      if (job.kind === 'enhance') {
        await this.deps.server.complete(job, 'done', '', await this.enhance(job));
        return;
      }
      if (job.kind === 'build_environment') {
        // How the build went is in its record; the job itself is done either way.
        await runBuildJob(job, this.deps);
        await this.deps.server.complete(job, 'done');
        return;
      }
      if (!job.sessionId) throw new Error(`a ${job.kind} job without a session`);
      if (job.kind === 'session_action') {
        await this.sessionAction(job, job.sessionId, lease.signal);
        return;
      }
      switch (job.kind) {
        case 'remove_environment':
          // The session was deleted: a turn still running in it stops now, and its container goes.
          this.turnLeases.get(job.sessionId)?.abort();
          await this.deps.environments.remove(job.sessionId);
          break;
        case 'pause_environment':
          // Only a running Environment pauses; one that is already paused or stopped stays so.
          await this.pauseWhenIdle(job.sessionId);
          break;
        case 'restart_environment':
          await this.restartEnvironment(job.sessionId);
          break;
        default: {
          this.turnLeases.set(job.sessionId, lease);
          const sessionId = job.sessionId;
          await this.inWorkspace(sessionId, () => this.runTurns(sessionId, lease.signal));
          // Completing frees the session for its next message at once; "finished" (auto-archive) goes alongside.
          await Promise.all([
            this.deps.server.complete(job, 'done'),
            this.deps.server.finished(job.sessionId),
          ]);
          return;
        }
      }
      await this.deps.server.complete(job, 'done');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.deps.log('job failed', { jobId: job.id, sessionId: job.sessionId, error: message });
      await this.deps.server.complete(job, 'failed', message).catch(() => undefined);
    } finally {
      clearInterval(heartbeat);
      if (job.sessionId && this.turnLeases.get(job.sessionId) === lease)
        this.turnLeases.delete(job.sessionId);
    }
  }

  /** Runs work in a session's workspace after the work already there. */
  private inWorkspace<T>(sessionId: string, work: () => Promise<T>): Promise<T> {
    const before = this.workspaceLocks.get(sessionId) ?? Promise.resolve();
    const mine = before.catch(() => undefined).then(work);
    const tail = mine.catch(() => undefined);
    this.workspaceLocks.set(sessionId, tail);
    void tail.then(() => {
      if (this.workspaceLocks.get(sessionId) === tail) this.workspaceLocks.delete(sessionId);
    });
    return mine;
  }

  /**
   * A person's Restore, Commit, Push, Open pull request or Download patch.
   * It wakes the Environment (the person asked for it), runs through the
   * same path as the agent's tools, and sends back the result or a failure
   * people can act on.
   */
  private async sessionAction(job: Job, sessionId: string, signal: AbortSignal): Promise<void> {
    const kit = this.deps.changes;
    const action = job.action;
    if (!kit || !action) throw new Error('a session action this runner cannot carry out');
    try {
      const result = await this.inWorkspace(sessionId, async () => {
        const [context, peer] = await Promise.all([
          this.deps.server.context(sessionId),
          this.deps.peers.open(sessionId),
        ]);
        try {
          const definition = environmentDefinition(context);
          if (!definition) throw new ChangesError('invalid', 'This session has no Environment.');
          await this.deps.environments.ensureRunning(
            sessionId,
            definition,
            context.secrets,
            context.repositoryCredentials,
          );
          const redactor = new Redactor(Object.values(context.secrets));
          const workspace = workspaceFor(this.deps.environments, sessionId);
          const tools = openChangeTools(kit, peer.session, context, workspace, redactor, this.deps);
          if (!tools) throw new ChangesError('invalid', 'This session has no Environment.');
          return await runSessionAction(action, {
            doc: peer.session,
            ctx: context,
            git: tools.git,
            shipper: kit.shipper,
            repos: tools.tracker.repositories,
            now: this.deps.now,
            turnId: null,
            author: job.author,
            refresh: () => tools.tracker.refresh(),
            signal,
          });
        } finally {
          await peer.release();
        }
      });
      await this.deps.server.complete(job, 'done', '', undefined, { result });
    } catch (error) {
      if (!(error instanceof ChangesError)) throw error;
      await this.deps.server.complete(job, 'failed', error.message, undefined, {
        failure: { code: error.code, message: error.message.slice(0, 2000) },
      });
    }
  }

  /** One report at a time, always the latest health. */
  private reportEngines(): Promise<void> {
    this.reporting = this.reporting.then(async () => {
      try {
        await this.deps.server.reportEngines(
          this.deps.runnerId,
          this.deps.environments.engineHealth(),
          this.deps.providers,
        );
      } catch (error) {
        this.deps.log('could not report engine health', {
          error: error instanceof Error ? error.message : String(error),
        });
      }
    });
    return this.reporting;
  }

  private async enhance(job: Job) {
    const payload = job.payload;
    if (!payload) throw new Error('an enhance job without a prompt');
    const sessionId = payload.sessionId;
    const context = sessionId
      ? await this.deps.server.context(sessionId).then((c) => ({ ...c, ownerId: c.session.ownerId }))
      : await this.deps.server
          .expertContext(payload.expertId)
          .then((c) => ({ ...c, ownerId: payload.requesterId ?? null }));
    return runEnhance(payload, context, {
      environments: this.deps.environments,
      modelFor: this.deps.modelFor,
      cache: this.codebases,
      transcript: async () => {
        if (!sessionId) return [];
        const peer = await this.deps.peers.open(sessionId);
        try {
          return peer.session.transcript();
        } finally {
          await peer.release();
        }
      },
    });
  }

  /** Pauses a running Environment, waiting (up to a minute) for a command in it to end first. */
  private async pauseWhenIdle(sessionId: string): Promise<void> {
    const deadline = this.deps.now() + 60_000;
    while (this.deps.environments.status(sessionId) === 'running') {
      try {
        await this.deps.environments.pause(sessionId);
        return;
      } catch (error) {
        const busy = error instanceof EnvironmentError && error.code === 'busy';
        if (!busy || this.deps.now() > deadline) throw error;
        await sleep(500, this.stopping.signal);
      }
    }
  }

  /** Stops the container and starts it again; the workspace is kept. */
  private async restartEnvironment(sessionId: string): Promise<void> {
    const context = await this.deps.server.context(sessionId);
    const definition = environmentDefinition(context);
    if (!definition) throw new Error('this session has no Environment');
    await this.deps.environments.stop(sessionId).catch(() => undefined);
    await this.deps.environments.ensureRunning(
      sessionId,
      definition,
      context.secrets,
      context.repositoryCredentials,
    );
  }

  private async runTurns(sessionId: string, lease: AbortSignal): Promise<void> {
    const [context, peer] = await Promise.all([
      this.deps.server.context(sessionId),
      this.deps.peers.open(sessionId),
    ]);
    try {
      const left = peer.session.turn();
      if (left.state !== 'idle' && left.turnId) {
        // What the dead runner was running is stopped first, so the notice that says so is true.
        const unsure = await this.deps.environments.stopInterrupted(sessionId).then(
          () => undefined,
          (error: unknown) => interruptedUnsureNotice(error instanceof Error ? error.message : String(error)),
        );
        recoverInterruptedTurn(peer.session, this.deps.now, unsure);
      }
      await drainQueue(
        peer.session,
        context,
        {
          environments: this.deps.environments,
          modelFor: this.deps.modelFor,
          loadAttachment: (sessionId, a) => this.deps.server.attachment(sessionId, a),
          now: this.deps.now,
          log: this.deps.log,
          ...(this.deps.repositories ? { repositories: this.deps.repositories } : {}),
          ...(this.deps.changes ? { changes: this.deps.changes } : {}),
          ...(this.deps.egress ? { egress: this.deps.egress } : {}),
        },
        lease,
      );
    } finally {
      await peer.release();
    }
    this.rememberCodebase(sessionId, context.environment, context.session.ownerId);
  }

  /**
   * Remembers the file tree while the container runs, for enhancing prompts
   * after it pauses. Off the turn's path and at most every few minutes, so it
   * never delays the next message.
   */
  private rememberCodebase(
    sessionId: string,
    environment: Parameters<typeof gatherCodebase>[1],
    ownerId: string,
  ): void {
    const now = this.deps.now();
    if (this.codebases.fresh(sessionId, now)) return;
    this.codebases.markSeen(sessionId, now);
    void gatherCodebase(sessionId, environment, ownerId, {
      environments: this.deps.environments,
      cache: this.codebases,
    }).catch(() => undefined);
  }

  /** Status changes for one session are written in order, each through a shared peer. */
  private recordStatus(change: StatusChange): void {
    const previous = this.statusChains.get(change.sessionId) ?? Promise.resolve();
    const next = previous.then(async () => {
      try {
        const peer = await this.deps.peers.open(change.sessionId);
        try {
          peer.session.setEnvironment(change.status, change.detail, this.deps.now());
          // A clean restart recreated the workspace from the snapshot: its checkpoints went with it.
          const lost = change.cleanRestart ? peer.session.markCheckpointsLost() : [];
          const lostTurns = lost.filter((c) => c.kind === 'turn').length;
          if (lostTurns) {
            peer.session.addNotice({
              id: randomUUID(),
              turnId: peer.session.turn().turnId,
              level: 'warning',
              text: lostCheckpointsNotice(lostTurns),
              now: this.deps.now(),
            });
          }
          if (change.notice) {
            peer.session.addNotice({
              id: randomUUID(),
              turnId: peer.session.turn().turnId,
              level: change.notice.level,
              text: change.notice.text,
              now: this.deps.now(),
            });
          }
        } finally {
          await peer.release();
        }
      } catch (error) {
        this.deps.log('could not record an Environment status', {
          sessionId: change.sessionId,
          status: change.status,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    });
    this.statusChains.set(change.sessionId, next);
    void next.finally(() => {
      if (this.statusChains.get(change.sessionId) === next) this.statusChains.delete(change.sessionId);
    });
  }
}

/** What a clean restart took: the checkpoints of the turns before it. */
export function lostCheckpointsNotice(turns: number): string {
  return turns === 1
    ? 'The Environment started again from a clean state, so the checkpoint of 1 earlier turn is gone: that turn can no longer be restored.'
    : `The Environment started again from a clean state, so the checkpoints of ${turns} earlier turns are gone: those turns can no longer be restored.`;
}

/** When the commands of an interrupted turn could not be confirmed stopped. */
export function interruptedUnsureNotice(reason: string): string {
  return `The runner working on this turn stopped before it finished, so the turn was interrupted. Orrery could not make sure that what it was running has stopped (${reason}); check the Environment before you send your message again.`;
}

/**
 * A turn left running by a runner that died is marked interrupted before new
 * work starts. The caller stops its commands first (stopInterrupted) and says
 * so in `notice` when it could not.
 */
export function recoverInterruptedTurn(
  doc: SessionDoc,
  now: () => number,
  notice: string = INTERRUPTED_NOTICE,
): boolean {
  const turn = doc.turn();
  if (turn.state === 'idle' || !turn.turnId) return false;
  doc.markInterrupted(turn.turnId);
  doc.addNotice({
    id: randomUUID(),
    turnId: turn.turnId,
    level: 'warning',
    text: notice,
    now: now(),
  });
  doc.endTurn();
  return true;
}
