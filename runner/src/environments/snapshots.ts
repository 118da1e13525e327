// Snapshot images per engine: reuse one that exists, or build it, with one
// build per engine and definition hash however many sessions wait for it.
// Waiting sessions show the build's progress in their status.
import type { RunnerRepositoryCredential } from '@orrery/shared';
import type { Core } from './core.js';
import type { Engine } from './engines.js';
import { messageOf } from './errors.js';
import { snapshotTag } from './naming.js';
import type { SessionEntry } from './session-entry.js';
import { buildSnapshot, pruneOldSnapshots, snapshotExists } from './snapshot.js';
import { text } from './status-text.js';
import type { BuildFollower, EnvironmentDefinition, SnapshotStep } from './types.js';

interface Build {
  done: Promise<string>;
  waiting: Set<SessionEntry>;
  step: string | undefined;
  /** Those who asked for this build (Build now) and follow its steps. */
  followers: Set<Pick<BuildFollower, 'onStep'>>;
  phase: SnapshotStep;
  /** When waiting sessions were last shown an output line (at most every OUTPUT_EVERY_MS). */
  outputShownAt: number;
}

/** Waiting sessions see the build's latest output line this often at most: each is a document write. */
const OUTPUT_EVERY_MS = 2_000;
const OUTPUT_MAX_CHARS = 160;

export class Snapshots {
  private readonly builds = new Map<string, Build>();

  constructor(private readonly core: Core) {}

  /** A build for this hash is in progress in this process (its container is not a leftover). */
  building(hash: string): boolean {
    return [...this.builds.keys()].some((key) => key.endsWith(`/${hash}`));
  }

  /** The snapshot image for the definition on the engine, built first when missing. */
  async ensure(
    engine: Engine,
    definition: EnvironmentDefinition,
    hash: string,
    entry: SessionEntry,
  ): Promise<string> {
    const key = `${engine.name}/${hash}`;
    let build = this.builds.get(key);
    if (!build) {
      if (await snapshotExists(engine.docker, hash, definition.installation)) return snapshotTag(hash);
      // The definition alone: the secrets of the session that happens to build it never reach the image.
      build =
        this.builds.get(key) ?? this.start(engine, definition, hash, key, entry.repositoryCredentials ?? {});
    }
    build.waiting.add(entry);
    this.core.setStatus(entry, 'building', text.building(definition.name, build.step));
    try {
      return await build.done;
    } finally {
      build.waiting.delete(entry);
    }
  }

  /** Builds the snapshot whether or not it exists (Build now), or joins the build of this hash under way. */
  async build(
    engine: Engine,
    definition: EnvironmentDefinition,
    hash: string,
    follower: Pick<BuildFollower, 'onStep'>,
    repositoryCredentials: Record<string, RunnerRepositoryCredential> = {},
  ): Promise<string> {
    const key = `${engine.name}/${hash}`;
    const build = this.builds.get(key) ?? this.start(engine, definition, hash, key, repositoryCredentials);
    build.followers.add(follower);
    follower.onStep(build.phase);
    try {
      return await build.done;
    } finally {
      build.followers.delete(follower);
    }
  }

  /** The latest line of output, for sessions waiting on the build (the whole log is on the Environment's page). */
  private showOutput(build: Build, definition: EnvironmentDefinition, output: string): void {
    const line = output.trim().split('\n').pop()?.slice(0, OUTPUT_MAX_CHARS);
    const now = this.core.clock.now();
    if (!line || build.waiting.size === 0 || now - build.outputShownAt < OUTPUT_EVERY_MS) return;
    build.outputShownAt = now;
    for (const entry of build.waiting)
      this.core.setStatus(entry, 'building', text.buildingWithOutput(definition.name, build.step, line));
  }

  private start(
    engine: Engine,
    definition: EnvironmentDefinition,
    hash: string,
    key: string,
    repositoryCredentials: Record<string, RunnerRepositoryCredential>,
  ): Build {
    const { core } = this;
    const build: Build = {
      done: Promise.resolve(''),
      waiting: new Set(),
      step: undefined,
      followers: new Set(),
      phase: 'starting',
      outputShownAt: 0,
    };
    build.done = (async () => {
      core.log.info('building a snapshot', { engine: engine.name, environment: definition.id, hash });
      const tag = await buildSnapshot({
        engine,
        networkMode: await core.pool.networkFor(engine),
        scope: core.config.scope,
        definition,
        hash,
        uid: core.config.uid,
        gid: core.config.gid,
        workspace: core.config.workspace,
        stepTimeoutMs: core.config.buildStepTimeoutMs,
        timeoutMs: core.config.buildTimeoutMs,
        limits: core.config.limits,
        localRepositories: core.config.localRepositories,
        // Cloning only, on the runner's side: they never reach the build container or the image.
        repositoryCredentials,
        gitKnownHostsFile: core.config.gitKnownHostsFile,
        log: core.log,
        onLog: (line) => {
          core.emitBuildLog(line);
          this.showOutput(build, definition, line.text);
        },
        onStep: (phase) => {
          build.phase = phase;
          for (const follower of build.followers) follower.onStep(phase);
        },
        onProgress: (step) => {
          build.step = step;
          for (const entry of build.waiting)
            core.setStatus(entry, 'building', text.building(definition.name, step));
        },
      });
      await pruneOldSnapshots(engine.docker, definition, hash, core.log).catch((error: unknown) =>
        core.log.warn('could not prune old snapshots', { error: messageOf(error) }),
      );
      return tag;
    })().finally(() => this.builds.delete(key));
    this.builds.set(key, build);
    return build;
  }
}
