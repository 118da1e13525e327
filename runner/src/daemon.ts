// The runner daemon: claims jobs from the server, keeps their leases alive,
// runs each session's queued turns, and writes every Environment status
// change into the session's document.
import { HEARTBEAT_MS, type Job, type ModelProvider, type SessionDoc } from '@orrery/shared';
import { randomUUID } from 'node:crypto';
import { sleep } from './abort.js';
import { CodebaseCache, gatherCodebase, runEnhance } from './agent/enhance-job.js';
import { runBuildJob } from './build-job.js';
import { drainQueue, environmentDefinition, type TurnDeps } from './agent/turn.js';
import type { DocPeers } from './doc-peers.js';
import {
  EnvironmentError,
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
          await this.runTurns(job.sessionId, lease.signal);
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
