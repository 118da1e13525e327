// The Environment manager on dockerode: the public face of the lifecycle,
// commands, files and reconciliation. Construct it with
// createEnvironmentManager({ engines | docker, clock, log, config }).
import type { EngineHealth, EnvironmentStatus, RunnerRepositoryCredential } from '@orrery/shared';
import type Docker from 'dockerode';
import { EgressPolicy } from '../egress/policy.js';
import { systemClock, type Clock } from './clock.js';
import { Commands } from './commands.js';
import { DEFAULT_LIMITS, type ContainerLimits } from './container-spec.js';
import { Core, type ResolvedConfig } from './core.js';
import { EnginePool, type PlacementRule } from './engine-pool.js';
import type { Engine } from './engines.js';
import { EnvironmentError } from './errors.js';
import { inspect, Lifecycle } from './lifecycle.js';
import { silentLog, type Log } from './log.js';
import { checkScope, checkSessionId, snapshotHash } from './naming.js';
import { Reconciler } from './reconcile.js';
import { usableSecrets, usableVariables } from './refused-names.js';
import { checkRemoteRepositories } from './remote-repositories.js';
import { DEFAULT_RESTART_POLICY, type RestartPolicy } from './restarts.js';
import type { SessionEntry } from './session-entry.js';
import { StateStore } from './state-store.js';
import { text } from './status-text.js';
import type {
  BuildFollower,
  BuildLogEntry,
  EnvironmentDefinition,
  EnvironmentManager,
  AttachedProcess,
  AttachOptions,
  ExecOptions,
  ExecResult,
  FileEntry,
  InterruptedCommand,
  StatusChange,
} from './types.js';

export interface EnvironmentManagerConfig {
  /** Labels this runner's containers; runners (and tests) with different scopes never touch each other's. */
  scope: string;
  /**
   * The server installation this runner serves (GET /api/runner/installation).
   * Set, the runner labels its containers with it and lists, adopts and removes
   * only containers that carry it, whatever the scope: installs sharing one
   * engine never touch each other's containers.
   */
  installation?: string | undefined;
  /** Where the runner keeps per-session state (last activity, running commands), e.g. <data dir>/runner. */
  stateDir: string;
  /** The non-root user commands run as (default 1000:1000, the base image's orrery user). */
  uid?: number;
  gid?: number;
  workspace?: string;
  limits?: Partial<ContainerLimits>;
  placement?: PlacementRule;
  /** Per stream, unless ExecOptions.maxOutputBytes says otherwise (default 1 MiB). */
  maxOutputBytes?: number;
  /** readFile refuses larger files (default 32 MiB). */
  maxReadBytes?: number;
  /** Each clone and the setup script may take this long (default 30 minutes). */
  buildStepTimeoutMs?: number;
  /** A whole snapshot build may take this long (default 1 hour). */
  buildTimeoutMs?: number;
  /**
   * Folders on the runner's machine whose git repositories Environments may
   * name by path or file:// URL (ORRERY_LOCAL_REPOS). None by default: a
   * local path is refused.
   */
  localRepositories?: string[];
  /** The known-hosts file SSH clones of repositories check host keys against (ORRERY_GIT_KNOWN_HOSTS; default ~/.ssh/known_hosts). */
  gitKnownHostsFile?: string | undefined;
  /** ensureRunning keeps retrying an unreachable engine this long before it fails (default 20 s). */
  engineRetryMs?: number;
  /** The persistent command channel (default on); off, every command is a docker exec. */
  commandChannel?: boolean;
  /** Git hosts remote repositories may come from (ORRERY_GIT_HOSTS; default the public forges). */
  gitHosts?: readonly string[] | undefined;
  /** The back-off and limit for containers that keep being lost (default: 3 within 10 minutes, from 2 s). */
  restarts?: Partial<RestartPolicy>;
}

export interface EnvironmentManagerDeps {
  /** The engines to place sessions on (see createEngine / engineConfigsFromEnv). */
  engines?: Engine[];
  /** Or one dockerode client, used as the engine "local" with network mode "auto". */
  docker?: Docker;
  clock?: Clock;
  log?: Log;
  config: EnvironmentManagerConfig;
  /** Answers false for a deleted session; its container is removed at start. */
  sessionExists?: (sessionId: string) => Promise<boolean>;
}

export function createEnvironmentManager(deps: EnvironmentManagerDeps): DockerEnvironmentManager {
  return new DockerEnvironmentManager(deps);
}

export class DockerEnvironmentManager implements EnvironmentManager {
  private readonly core: Core;
  private readonly lifecycle: Lifecycle;
  private readonly commands: Commands;
  private readonly reconciler: Reconciler;
  private readonly egress: EgressPolicy;

  constructor(deps: EnvironmentManagerDeps) {
    const engines = deps.engines ?? (deps.docker ? [localEngine(deps.docker)] : undefined);
    if (!engines)
      throw new EnvironmentError('bad_request', 'Give the Environment manager engines or a docker client');
    const config = resolveConfig(deps.config);
    const pool = new EnginePool(
      engines,
      deps.config.placement ?? 'spread',
      config.scope,
      config.installation,
    );
    this.core = new Core(
      pool,
      deps.clock ?? systemClock,
      deps.log ?? silentLog,
      config,
      new StateStore(deps.config.stateDir),
    );
    this.lifecycle = new Lifecycle(this.core);
    this.commands = new Commands(this.core, this.lifecycle);
    this.reconciler = new Reconciler(this.core, this.lifecycle, deps.sessionExists);
    this.egress = EgressPolicy.of({ git: deps.config.gitHosts });
  }

  /** What every use of a definition checks first: it is whole, this runner's, and its repositories allowed. */
  private checkUsable(definition: EnvironmentDefinition): void {
    checkDefinition(definition);
    const served = this.core.config.installation;
    if (served && definition.installation !== served) {
      throw new EnvironmentError(
        'bad_request',
        'This session belongs to another Orrery installation than this runner serves.',
      );
    }
    checkRemoteRepositories(definition, this.egress);
  }

  async buildSnapshot(
    definition: EnvironmentDefinition,
    follow: BuildFollower,
    repositoryCredentials: Record<string, RunnerRepositoryCredential> = {},
  ): Promise<string> {
    this.checkUsable(definition);
    // The variables a session would use, so the hash (and the image) is the one sessions look for.
    const usable = { ...definition, variables: usableVariables(definition.variables, this.core.log) };
    const hash = snapshotHash(usable);
    const stop = this.onBuildLog((line) => {
      if (line.hash === hash) follow.onLog(line);
    });
    try {
      const engine = await this.core.pool.place();
      await this.lifecycle.snapshots.build(engine, usable, hash, follow, repositoryCredentials);
      return hash;
    } finally {
      stop();
    }
  }

  async ensureRunning(
    sessionId: string,
    definition: EnvironmentDefinition,
    secrets: Record<string, string> = {},
    repositoryCredentials: Record<string, RunnerRepositoryCredential> = {},
  ): Promise<void> {
    this.checkUsable(definition);
    this.core.forgotten.delete(sessionId);
    const entry = this.core.entryFor(checkSessionId(sessionId));
    entry.definition = { ...definition, variables: usableVariables(definition.variables, this.core.log) };
    entry.secrets = usableSecrets(secrets, this.core.log);
    entry.repositoryCredentials = repositoryCredentials;
    entry.timeouts = {
      idleTimeoutMs: definition.idleTimeoutMs,
      maxRunTimeMs: definition.maxRunTimeMs,
      cleanRestartAfterMs: definition.cleanRestartAfterMs,
    };
    this.core.touch(entry);
    await entry.queue.run(async () => {
      // A new message: an Environment failed for being lost again and again gets another start.
      this.lifecycle.restarts.forgive(entry);
      if (entry.status === 'running' && entry.engine) return;
      await this.lifecycle.bringUp(entry);
    });
  }

  async exec(sessionId: string, options: ExecOptions): Promise<ExecResult> {
    return this.commands.exec(this.known(sessionId), options);
  }

  async attach(sessionId: string, options: AttachOptions): Promise<AttachedProcess> {
    return this.commands.attach(this.known(sessionId), options);
  }

  async readFile(sessionId: string, path: string): Promise<Uint8Array> {
    return this.commands.readFile(this.known(sessionId), path);
  }

  async writeFile(sessionId: string, path: string, content: Uint8Array | string): Promise<void> {
    return this.commands.writeFile(this.known(sessionId), path, content);
  }

  async listFiles(
    sessionId: string,
    path: string,
    options?: { recursive?: boolean; limit?: number },
  ): Promise<FileEntry[]> {
    return this.commands.listFiles(this.known(sessionId), path, options);
  }

  touch(sessionId: string): void {
    const entry = this.core.entries.get(sessionId);
    if (entry) this.core.touch(entry);
  }

  async pause(sessionId: string): Promise<void> {
    const entry = this.known(sessionId);
    await entry.queue.run(async () => {
      if (entry.status === 'running') await this.lifecycle.pauseContainer(entry, text.paused());
    });
  }

  async stop(sessionId: string): Promise<void> {
    const entry = this.known(sessionId);
    await entry.queue.run(async () => {
      if (entry.status === 'running' || entry.status === 'paused')
        await this.lifecycle.stopContainer(entry, text.stopped());
    });
  }

  async remove(sessionId: string): Promise<void> {
    this.core.deleted.add(checkSessionId(sessionId));
    const entry = this.core.entryFor(sessionId);
    await entry.queue.run(async () => {
      entry.timer?.cancel();
      // Look on every engine: the session's container must not outlive it anywhere.
      for (const engine of this.core.pool.engines) {
        entry.engine = engine;
        await this.lifecycle.removeContainer(entry, 'external');
      }
      this.core.store.delete(sessionId);
      this.core.entries.delete(sessionId);
      this.core.forgotten.add(sessionId);
      this.core.setStatus(entry, 'none', text.removed());
      entry.timer?.cancel();
    });
  }

  status(sessionId: string): EnvironmentStatus {
    return this.core.entries.get(sessionId)?.status ?? 'none';
  }

  /** The sentence that goes with status(). */
  detail(sessionId: string): string {
    return this.core.entries.get(sessionId)?.detail ?? '';
  }

  /** The engine a session's container is on, if any. */
  engineOf(sessionId: string): string | undefined {
    return this.core.entries.get(sessionId)?.engine?.name;
  }

  onStatus(listener: (change: StatusChange) => void): () => void {
    this.core.statusListeners.add(listener);
    return () => this.core.statusListeners.delete(listener);
  }

  onBuildLog(listener: (entry: BuildLogEntry) => void): () => void {
    this.core.buildListeners.add(listener);
    return () => this.core.buildListeners.delete(listener);
  }

  engineHealth(): EngineHealth[] {
    return this.core.engineHealth.list();
  }

  onEngineHealth(listener: () => void): () => void {
    return this.core.engineHealth.subscribe(listener);
  }

  takeInterruptedCommands(): InterruptedCommand[] {
    return this.reconciler.interrupted.splice(0);
  }

  async stopInterrupted(sessionId: string): Promise<void> {
    const entry = this.core.entries.get(sessionId) ?? this.core.entryFor(checkSessionId(sessionId));
    // Taking the session over: its container (another runner's until now) is this runner's from here.
    entry.engine ??= await this.findContainer(entry);
    // No container of this session on any engine: nothing of it can run.
    if (!entry.engine) return;
    await entry.queue.run(async () => {
      const info = await inspect(this.core.container(entry));
      if (info?.State.Status === 'paused') {
        // Frozen, so it runs nothing now; the resume kills it before anything else runs.
        entry.orphansCleared = false;
        return;
      }
      // Gone, stopped or being removed: none of its processes is left.
      if (info?.State.Status !== 'running') return;
      const killed = await this.lifecycle.killOrphans(entry);
      if (killed.length > 0)
        this.core.log.info('killed the commands of an interrupted turn', { session: sessionId, killed });
    });
  }

  async start(): Promise<void> {
    await this.reconciler.start();
  }

  /** The engine holding the session's container, looked up by its name; engines that do not answer are skipped. */
  private async findContainer(entry: SessionEntry): Promise<Engine | undefined> {
    for (const engine of this.core.pool.engines) {
      const info = await inspect(engine.docker.getContainer(entry.containerName)).catch(() => undefined);
      if (info) return engine;
    }
    return undefined;
  }

  /**
   * Lets go of a session without touching its container: its lease went to
   * another runner, which takes the container over. Nothing of this runner's
   * (deadlines, events, adoption at the next start) handles it any more.
   */
  release(sessionId: string): void {
    const entry = this.core.entries.get(sessionId);
    if (!entry) return;
    entry.timer?.cancel();
    entry.channel?.close();
    entry.channel = undefined;
    this.core.entries.delete(sessionId);
    this.core.store.delete(sessionId);
  }

  async close(): Promise<void> {
    this.core.closed = true;
    this.reconciler.close();
    for (const entry of this.core.entries.values()) {
      entry.timer?.cancel();
      entry.channel?.close();
      entry.channel = undefined;
    }
  }

  private known(sessionId: string) {
    const entry = this.core.entries.get(sessionId) ?? this.core.entryFor(checkSessionId(sessionId));
    if (!entry.engine && !entry.definition) {
      throw new EnvironmentError(
        'not_found',
        `The session ${sessionId} has no Environment; call ensureRunning first`,
      );
    }
    return entry;
  }
}

function localEngine(docker: Docker): Engine {
  return {
    name: 'local',
    docker,
    address: 'the given Docker client',
    networkMode: 'auto',
    maxContainers: undefined,
  };
}

function resolveConfig(config: EnvironmentManagerConfig): ResolvedConfig {
  return {
    scope: checkScope(config.scope),
    installation: config.installation,
    uid: config.uid ?? 1000,
    gid: config.gid ?? 1000,
    workspace: config.workspace ?? '/workspace',
    limits: { ...DEFAULT_LIMITS, ...config.limits },
    maxOutputBytes: config.maxOutputBytes ?? 1024 * 1024,
    maxReadBytes: config.maxReadBytes ?? 32 * 1024 * 1024,
    buildStepTimeoutMs: config.buildStepTimeoutMs ?? 30 * 60 * 1000,
    buildTimeoutMs: config.buildTimeoutMs ?? 60 * 60 * 1000,
    localRepositories: config.localRepositories ?? [],
    gitKnownHostsFile: config.gitKnownHostsFile,
    engineRetryMs: config.engineRetryMs ?? 20_000,
    commandChannel: config.commandChannel ?? true,
    restarts: { ...DEFAULT_RESTART_POLICY, ...config.restarts },
  };
}

function checkDefinition(definition: EnvironmentDefinition): void {
  const problems: string[] = [];
  if (!definition.id) problems.push('id is empty');
  if (!definition.image?.trim()) problems.push('image is empty');
  if (!definition.installation?.trim()) problems.push('installation is empty');
  for (const key of ['idleTimeoutMs', 'maxRunTimeMs', 'cleanRestartAfterMs'] as const) {
    if (!(definition[key] > 0)) problems.push(`${key} must be a positive number of milliseconds`);
  }
  for (const name of Object.keys(definition.variables ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      problems.push(`variable "${name}" is not a shell variable name`);
  }
  if (problems.length) {
    throw new EnvironmentError(
      'bad_request',
      `The Environment definition is not usable: ${problems.join('; ')}`,
    );
  }
}
