// Builds an Environment's snapshot image once per definition hash: a build
// container from the base image, the repositories cloned into the workspace,
// the setup script run, the result committed as orrery/snapshot:<hash>.
// Everything the build prints goes to the caller's log callback, secrets
// redacted. The setup script runs as root (it may install system packages);
// the workspace is handed to the non-root user afterwards.
import { randomBytes } from 'node:crypto';
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
import { bundleLocalRepository, displayUrl, folderFor, localPathOf } from './repo-source.js';
import { shellQuote } from './scripts.js';
import { supervise } from './supervise.js';
import type { BuildLogEntry, EnvironmentDefinition } from './types.js';
import { IDLE_COMMAND } from './container-spec.js';

export type BuildLogLine = BuildLogEntry;

export interface SnapshotInput {
  engine: Engine;
  networkMode: string;
  scope: string;
  definition: EnvironmentDefinition;
  hash: string;
  secrets: Record<string, string>;
  uid: number;
  gid: number;
  workspace: string;
  stepTimeoutMs: number;
  log: Log;
  onLog: (line: BuildLogLine) => void;
  onProgress: (detail: string) => void;
}

const SOURCES = '/tmp/.orrery-sources';

export async function snapshotExists(docker: Docker, hash: string): Promise<boolean> {
  try {
    await docker.getImage(snapshotTag(hash)).inspect();
    return true;
  } catch (error) {
    if (dockerStatusOf(error) === 404) return false;
    throw error;
  }
}

export async function buildSnapshot(input: SnapshotInput): Promise<string> {
  const { engine, definition, hash } = input;
  const redactor = new Redactor(Object.values(input.secrets));
  const say = (text: string) => input.onLog({ environmentId: definition.id, hash, stream: 'progress', text });
  const baseConfig = await ensureBaseImage(input, say);
  const name = buildContainerName(input.scope, hash);
  await removeQuietly(engine.docker.getContainer(name));
  say(`Starting a build container from ${definition.image}`);
  const container = await engine.docker.createContainer({
    name,
    Image: definition.image,
    Entrypoint: [],
    Cmd: IDLE_COMMAND,
    User: '0:0',
    WorkingDir: '/',
    Labels: {
      [LABEL.scope]: input.scope,
      [LABEL.role]: 'build',
      [LABEL.snapshot]: hash,
      [LABEL.environment]: definition.id,
    },
    HostConfig: { NetworkMode: input.networkMode, Init: true, LogConfig: { Type: 'none', Config: {} } },
  });
  try {
    await container.start();
    const rootMode = await prepare(container, input, redactor);
    await cloneRepositories(container, input, redactor, say);
    await runSetup(container, input, redactor, say);
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
async function prepare(
  container: Docker.Container,
  input: SnapshotInput,
  redactor: Redactor,
): Promise<string> {
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
  const result = await step(container, input, redactor, { command: script, user: '0:0', quiet: true });
  return result.trim().split('\n').pop() ?? '755';
}

async function cloneRepositories(
  container: Docker.Container,
  input: SnapshotInput,
  redactor: Redactor,
  say: (t: string) => void,
): Promise<void> {
  const repos = input.definition.repositories;
  for (const [i, repo] of repos.entries()) {
    const folder = folderFor(repo);
    const target = `${input.workspace}/${folder}`;
    const shown = displayUrl(repo.url);
    input.onProgress(`cloning ${shown} (${i + 1} of ${repos.length})`);
    say(`Cloning ${shown} into ${target}`);
    const local = localPathOf(repo.url);
    let source = repo.url;
    if (local) {
      const bundle = await bundleLocalRepository(local);
      source = `${SOURCES}/${i}.bundle`;
      await putFile(container, SOURCES, `${i}.bundle`, bundle);
    }
    const checkout = repo.ref ? ` && git -C ${shellQuote(target)} checkout -q ${shellQuote(repo.ref)}` : '';
    const origin = local
      ? ` && git -C ${shellQuote(target)} remote set-url origin ${shellQuote(repo.url)}`
      : '';
    const command = `git clone -q -- ${shellQuote(source)} ${shellQuote(target)}${checkout}${origin}`;
    // As root: the image may shut other users out until the snapshot is saved; the workspace is chowned after.
    await step(container, input, redactor, {
      command,
      user: '0:0',
      failure: `Cloning ${shown} failed${input.networkMode === 'none' && !local ? ' (the build container has no network on this engine)' : ''}`,
    });
  }
}

async function runSetup(
  container: Docker.Container,
  input: SnapshotInput,
  redactor: Redactor,
  say: (t: string) => void,
): Promise<void> {
  const script = input.definition.setupScript;
  if (script.trim()) {
    input.onProgress('running the setup script');
    say('Running the setup script');
    await step(container, input, redactor, {
      command: script,
      user: '0:0',
      env: { ...input.definition.variables, ...input.secrets },
      cwd: input.workspace,
      failure: 'The setup script failed',
    });
  }
  const w = shellQuote(input.workspace);
  await step(container, input, redactor, {
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
async function step(
  container: Docker.Container,
  input: SnapshotInput,
  redactor: Redactor,
  options: StepOptions,
): Promise<string> {
  const runId = `build-${randomBytes(6).toString('hex')}`;
  const base = { environmentId: input.definition.id, hash: input.hash };
  const result = await supervise({
    options: {
      command: options.command,
      timeoutMs: input.stepTimeoutMs,
      onStdout: options.quiet ? undefined : (text) => input.onLog({ ...base, stream: 'stdout', text }),
      onStderr: options.quiet ? undefined : (text) => input.onLog({ ...base, stream: 'stderr', text }),
    },
    maxOutputBytes: 256 * 1024,
    redactor,
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
      ? `it ran longer than ${Math.round(input.stepTimeoutMs / 1000)} s`
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
    `LABEL ${LABEL.snapshot}=${input.hash} ${LABEL.environment}=${input.definition.id}`,
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

/** Removes older snapshots of the same Environment that no container uses any more. */
export async function pruneOldSnapshots(
  docker: Docker,
  environmentId: string,
  keepHash: string,
  log: Log,
): Promise<void> {
  const images = await docker.listImages({ filters: { label: [`${LABEL.environment}=${environmentId}`] } });
  for (const image of images) {
    if (image.Labels?.[LABEL.snapshot] === keepHash) continue;
    await docker
      .getImage(image.Id)
      .remove()
      .catch((error: unknown) => log.debug('an older snapshot is still in use', { error: messageOf(error) }));
  }
}
