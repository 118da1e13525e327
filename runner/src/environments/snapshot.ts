// Builds an Environment's snapshot image once per definition hash: a build
// container from the base image, the repositories cloned into the workspace,
// the setup script run, the result committed as orrery/snapshot:<hash>.
// Everything the build prints goes to the caller's log callback. The setup
// script runs as root (it may install system packages); the workspace is
// handed to the non-root user afterwards. The image is shared by everyone
// who uses the Environment, so a build sees the definition alone: no one's
// secrets (they reach only commands in their owner's session container).
import { randomBytes } from 'node:crypto';
import type { RunnerRepositoryCredential } from '@orrery/shared';
import type Docker from 'dockerode';
import * as tar from 'tar-stream';
import { dockerExecStarter, killRun } from './docker-exec.js';
import type { Engine } from './engines.js';
import {
  dockerMessageOf,
  dockerStatusOf,
  EnvironmentError,
  isEngineUnreachable,
  messageOf,
} from './errors.js';
import type { Log } from './log.js';
import { buildContainerName, LABEL, snapshotTag } from './naming.js';
import { Redactor } from './redact.js';
import {
  allowedLocalRepository,
  bundleLocalRepository,
  displayUrl,
  folderFor,
  localPathOf,
  urlCredentials,
} from './repo-source.js';
import { cloneOnRunner, originUrl } from './runner-clone.js';
import { shellQuote } from './scripts.js';
import { supervise } from './supervise.js';
import type { BuildLogEntry, EnvironmentDefinition, SnapshotStep } from './types.js';
import { buildContainerSpec } from './build-container-spec.js';
import { IDLE_COMMAND, type ContainerLimits } from './container-spec.js';

export type BuildLogLine = BuildLogEntry;

export interface SnapshotInput {
  engine: Engine;
  networkMode: string;
  scope: string;
  definition: EnvironmentDefinition;
  hash: string;
  uid: number;
  gid: number;
  workspace: string;
  stepTimeoutMs: number;
  /** The whole build, all steps together. */
  timeoutMs: number;
  limits: ContainerLimits;
  /** Folders whose repositories may be named by a local path (see repo-source). */
  localRepositories: readonly string[];
  /** Repository credentials by name, from the session's context; used on the runner's side only. */
  repositoryCredentials?: Readonly<Record<string, RunnerRepositoryCredential>> | undefined;
  /** The known-hosts file SSH clones check host keys against. */
  gitKnownHostsFile?: string | undefined;
  log: Log;
  onLog: (line: BuildLogLine) => void;
  onProgress: (detail: string) => void;
  /** The step the build enters (for a build record that names where it failed). */
  onStep?: (step: SnapshotStep) => void;
}

/** A build under way: its input, and the moment its time is up. */
interface Build extends SnapshotInput {
  redactor: Redactor;
  deadline: number;
  /** Per repository: the checked runner-side folder of a local one. */
  localFolders: (string | undefined)[];
}

const SOURCES = '/tmp/.orrery-sources';

/** A snapshot this installation built exists; an image of the same tag labelled otherwise is not reused. */
export async function snapshotExists(docker: Docker, hash: string, installation: string): Promise<boolean> {
  try {
    const image = await docker.getImage(snapshotTag(hash)).inspect();
    return image.Config?.Labels?.[LABEL.installation] === installation;
  } catch (error) {
    if (dockerStatusOf(error) === 404) return false;
    throw error;
  }
}

export async function buildSnapshot(input: SnapshotInput): Promise<string> {
  const { engine, definition, hash } = input;
  // No one's secrets reach a build; credentials written into repository URLs stay out of its log.
  const redactor = new Redactor([
    ...definition.repositories.flatMap((r) => urlCredentials(r.url)),
    ...Object.values(input.repositoryCredentials ?? {}).map((c) => c.value),
  ]);
  const say = (text: string) => input.onLog({ environmentId: definition.id, hash, stream: 'progress', text });
  // Before anything starts: a local path outside the allowed folders fails the build at once.
  const localFolders: (string | undefined)[] = [];
  for (const repo of definition.repositories) {
    const local = localPathOf(repo.url);
    localFolders.push(
      local === undefined ? undefined : await allowedLocalRepository(local, input.localRepositories),
    );
  }
  input.onStep?.('starting');
  const baseConfig = await ensureBaseImage(input, say);
  const name = buildContainerName(input.scope, hash);
  await removeQuietly(engine.docker.getContainer(name));
  say(`Starting a build container from ${definition.image}`);
  // The time limit covers what runs in the container (the Environment's code), not pulling its image.
  const deadline = Date.now() + input.timeoutMs;
  const container = await engine.docker.createContainer(
    buildContainerSpec({
      name,
      image: definition.image,
      labels: {
        [LABEL.scope]: input.scope,
        [LABEL.role]: 'build',
        [LABEL.snapshot]: hash,
        [LABEL.environment]: definition.id,
        [LABEL.installation]: definition.installation,
      },
      networkMode: input.networkMode,
      limits: input.limits,
    }),
  );
  try {
    await container.start();
    const build = { ...input, redactor, deadline, localFolders };
    const rootMode = await prepare(container, build);
    input.onStep?.('clone');
    await cloneRepositories(container, build, say);
    input.onStep?.('setup');
    await runSetup(container, build, say);
    input.onStep?.('commit');
    say('Saving the snapshot');
    const tag = snapshotTag(hash);
    await saveSnapshot(container, input, baseConfig, rootMode);
    say(`Snapshot ${tag} is ready`);
    return tag;
  } finally {
    await removeQuietly(container);
  }
}

async function ensureBaseImage(
  input: SnapshotInput,
  say: (t: string) => void,
): Promise<Docker.ImageInspectInfo> {
  const { docker } = input.engine;
  const image = input.definition.image;
  try {
    return await docker.getImage(image).inspect();
  } catch (error) {
    if (dockerStatusOf(error) !== 404) throw error;
  }
  say(`Pulling ${image}`);
  try {
    const stream = await docker.pull(image);
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())),
    );
    return await docker.getImage(image).inspect();
  } catch (cause) {
    if (isEngineUnreachable(cause)) throw cause;
    throw new EnvironmentError(
      'image_missing',
      `The image ${image} is not on the Docker engine "${input.engine.name}" and could not be pulled ` +
        `(${dockerMessageOf(cause)}). Pull or build it on that engine, or choose another image for the Environment.`,
      { cause },
    );
  }
}

/** Makes sure the non-root user and the workspace exist; returns the mode of "/". */
async function prepare(container: Docker.Container, input: Build): Promise<string> {
  const { uid, gid, workspace } = input;
  const script = [
    'set -e',
    `getent group ${gid} >/dev/null 2>&1 || echo "orrery:x:${gid}:" >> /etc/group`,
    `if ! getent passwd ${uid} >/dev/null 2>&1; then`,
    `  echo "orrery:x:${uid}:${gid}:Orrery:/home/orrery:/bin/bash" >> /etc/passwd`,
    `  mkdir -p /home/orrery && chown ${uid}:${gid} /home/orrery`,
    'fi',
    `mkdir -p ${shellQuote(workspace)} && chown ${uid}:${gid} ${shellQuote(workspace)}`,
    `mkdir -p ${SOURCES} && chmod 755 ${SOURCES}`,
    'stat -c %a /',
  ].join('\n');
  const result = await step(container, input, { command: script, user: '0:0', quiet: true });
  return result.trim().split('\n').pop() ?? '755';
}

async function cloneRepositories(
  container: Docker.Container,
  input: Build,
  say: (t: string) => void,
): Promise<void> {
  const repos = input.definition.repositories;
  for (const [i, repo] of repos.entries()) {
    const folder = folderFor(repo);
    const target = `${input.workspace}/${folder}`;
    const shown = displayUrl(repo.url);
    input.onProgress(`cloning ${shown} (${i + 1} of ${repos.length})`);
    say(`Cloning ${shown} into ${target}`);
    const real = input.localFolders[i];
    // Remote ones are cloned on the runner's side: the container needs no network and sees no credential.
    const bundle =
      real !== undefined
        ? await bundleLocalRepository(real, localPathOf(repo.url))
        : await cloneOnRunner(repo, {
            credentials: input.repositoryCredentials ?? {},
            knownHostsFile: input.gitKnownHostsFile,
            timeoutMs: Math.max(1_000, Math.min(input.stepTimeoutMs, input.deadline - Date.now())),
          });
    const source = `${SOURCES}/${i}.bundle`;
    await putFile(container, SOURCES, `${i}.bundle`, bundle);
    const checkout = repo.ref ? ` && git -C ${shellQuote(target)} checkout -q ${shellQuote(repo.ref)}` : '';
    const origin = ` && git -C ${shellQuote(target)} remote set-url origin ${shellQuote(real !== undefined ? repo.url : originUrl(repo.url))}`;
    const command = `git clone -q -- ${shellQuote(source)} ${shellQuote(target)}${checkout}${origin}`;
    // As root: the image may shut other users out until the snapshot is saved; the workspace is chowned after.
    await step(container, input, { command, user: '0:0', failure: `Cloning ${shown} failed` });
  }
}

async function runSetup(container: Docker.Container, input: Build, say: (t: string) => void): Promise<void> {
  const script = input.definition.setupScript;
  if (script.trim()) {
    input.onProgress('running the setup script');
    say('Running the setup script');
    await step(container, input, {
      command: script,
      user: '0:0',
      env: input.definition.variables,
      cwd: input.workspace,
      failure: 'The setup script failed',
    });
  }
  const w = shellQuote(input.workspace);
  await step(container, input, {
    command: `rm -rf ${SOURCES} /tmp/.orrery-runs-* && chown -R ${input.uid}:${input.gid} ${w}`,
    user: '0:0',
    quiet: true,
  });
}

interface StepOptions {
  command: string;
  user: string;
  env?: Record<string, string>;
  cwd?: string;
  /** Logs nothing: the manager's own preparation. */
  quiet?: boolean;
  failure?: string;
}

/** Runs one build step, streaming its output to the build log; throws build_failed unless it exits 0. */
async function step(container: Docker.Container, input: Build, options: StepOptions): Promise<string> {
  const runId = `build-${randomBytes(6).toString('hex')}`;
  const left = input.deadline - Date.now();
  const buildLimit = `the build ran longer than ${Math.round(input.timeoutMs / 1000)} s`;
  if (left <= 0) {
    throw new EnvironmentError(
      'build_failed',
      `${options.failure ?? 'Preparing the build container failed'} (${buildLimit})`,
    );
  }
  const timeoutMs = Math.min(input.stepTimeoutMs, left);
  const base = { environmentId: input.definition.id, hash: input.hash };
  const result = await supervise({
    options: {
      command: options.command,
      timeoutMs,
      onStdout: options.quiet ? undefined : (text) => input.onLog({ ...base, stream: 'stdout', text }),
      onStderr: options.quiet ? undefined : (text) => input.onLog({ ...base, stream: 'stderr', text }),
    },
    maxOutputBytes: 256 * 1024,
    redactor: input.redactor,
    start: dockerExecStarter(container, {
      runId,
      command: options.command,
      cwd: options.cwd ?? '/',
      env: options.env ?? {},
      user: options.user,
    }),
    kill: () => killRun(container, runId, options.user),
    interrupted: () => false,
    onKillError: (error) => input.log.warn('could not stop a build step', { error: messageOf(error) }),
  });
  if (result.ended === 'exited' && result.exitCode === 0) return result.stdout;
  const why =
    result.ended === 'timeout'
      ? timeoutMs < input.stepTimeoutMs
        ? buildLimit
        : `it ran longer than ${Math.round(input.stepTimeoutMs / 1000)} s`
      : `exit code ${result.exitCode ?? 'none'}`;
  const tail = result.stderr.trim().split('\n').slice(-5).join('\n');
  throw new EnvironmentError(
    'build_failed',
    `${options.failure ?? 'Preparing the build container failed'} (${why})${tail ? `: ${tail}` : ''}`,
  );
}

/**
 * Commits the build container. An image whose root folder other users
 * cannot enter (e.g. made from a 0700 temporary folder) would lock the
 * non-root user out of everything, and a commit cannot change "/" itself:
 * such a build is flattened through export/import instead, which gives "/"
 * its normal 0755.
 */
async function saveSnapshot(
  container: Docker.Container,
  input: SnapshotInput,
  base: Docker.ImageInspectInfo,
  rootMode: string,
): Promise<void> {
  const tag = snapshotTag(input.hash);
  const [repo, version] = [tag.slice(0, tag.lastIndexOf(':')), input.hash];
  const changes = [
    `USER ${input.uid}:${input.gid}`,
    `WORKDIR ${input.workspace}`,
    `CMD ${JSON.stringify(IDLE_COMMAND)}`,
    `LABEL ${LABEL.snapshot}=${input.hash} ${LABEL.environment}=${input.definition.id} ${LABEL.installation}=${input.definition.installation}`,
  ];
  const othersMayEnter = (parseInt(rootMode, 8) & 0o001) !== 0;
  if (othersMayEnter) {
    await container.commit({ repo, tag: version, changes });
    return;
  }
  input.onLog({
    environmentId: input.definition.id,
    hash: input.hash,
    stream: 'progress',
    text: `The image's root folder has mode ${rootMode}, which shuts out the non-root user; flattening the snapshot to fix it`,
  });
  const env = (base.Config?.Env ?? []).map((e) => `ENV ${dockerfileEnv(e)}`);
  await container.stop({ t: 1 }).catch(() => undefined);
  const exported = await container.export();
  const progress = await input.engine.docker.importImage(exported, {
    repo,
    tag: version,
    changes: [...env, ...changes],
  });
  await new Promise<void>((resolve, reject) =>
    input.engine.docker.modem.followProgress(progress, (err: Error | null) =>
      err ? reject(err) : resolve(),
    ),
  );
}

function dockerfileEnv(entry: string): string {
  const at = entry.indexOf('=');
  const key = entry.slice(0, at);
  const value = entry.slice(at + 1).replace(/[\\"$]/g, (c) => `\\${c}`);
  return `${key}="${value}"`;
}

async function putFile(container: Docker.Container, dir: string, name: string, body: Buffer): Promise<void> {
  const pack = tar.pack();
  pack.entry({ name, size: body.length, mode: 0o644, uid: 0, gid: 0 }, body);
  pack.finalize();
  await container.putArchive(pack as unknown as NodeJS.ReadableStream, { path: dir });
}

async function removeQuietly(container: Docker.Container): Promise<void> {
  try {
    await container.remove({ force: true, v: true });
  } catch (error) {
    if (dockerStatusOf(error) !== 404 && dockerStatusOf(error) !== 409) throw error;
  }
}

/** Removes this installation's older snapshots of the Environment that no container uses any more. */
export async function pruneOldSnapshots(
  docker: Docker,
  definition: EnvironmentDefinition,
  keepHash: string,
  log: Log,
): Promise<void> {
  const images = await docker.listImages({ filters: { label: [`${LABEL.environment}=${definition.id}`] } });
  for (const image of images) {
    if (image.Labels?.[LABEL.snapshot] === keepHash) continue;
    // Another installation on the same engine keeps its images; unlabelled ones predate labels (and saw secrets).
    const builtFor = image.Labels?.[LABEL.installation];
    if (builtFor !== undefined && builtFor !== definition.installation) continue;
    await docker
      .getImage(image.Id)
      .remove()
      .catch((error: unknown) => log.debug('an older snapshot is still in use', { error: messageOf(error) }));
  }
}
