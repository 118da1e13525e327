// Helpers for the Docker-backed tests of this folder: a reachable engine
// (or a clear failure), managers with unique scopes and state folders, and
// cleanup of every container a test scope created.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import type { EnvironmentStatus } from '@orrery/shared';
import type { Clock } from './clock.js';
import {
  createEnvironmentManager,
  type DockerEnvironmentManager,
  type EnvironmentManagerConfig,
} from './manager.js';
import { LABEL } from './naming.js';
import type { Engine } from './engines.js';
import type { EnvironmentDefinition, StatusChange } from './types.js';

export const BASE_IMAGE = process.env.ORRERY_BASE_IMAGE ?? 'orrery/env-base:bookworm';

export async function requireDocker(
  docker = new Docker({ socketPath: '/var/run/docker.sock' }),
): Promise<Docker> {
  try {
    await docker.ping();
  } catch (error) {
    throw new Error(
      `These tests need a Docker engine at /var/run/docker.sock (run: sudo bash build/setup.sh): ${String(error)}`,
    );
  }
  try {
    await docker.getImage(BASE_IMAGE).inspect();
  } catch {
    throw new Error(`These tests need the image ${BASE_IMAGE} (run: sudo bash build/setup.sh)`);
  }
  return docker;
}

export function uniqueScope(prefix: string): string {
  return `t-${prefix}-${randomBytes(3).toString('hex')}`;
}

/** A definition whose snapshot is shared by the tests (same content, same hash). */
export function testDefinition(overrides: Partial<EnvironmentDefinition> = {}): EnvironmentDefinition {
  return {
    id: 'env-test',
    installation: 'test-installation',
    name: 'Test',
    image: BASE_IMAGE,
    repositories: [],
    setupScript: '',
    variables: { GREETING: 'hello from the environment' },
    idleTimeoutMs: 60 * 60 * 1000,
    maxRunTimeMs: 24 * 60 * 60 * 1000,
    cleanRestartAfterMs: 7 * 24 * 60 * 60 * 1000,
    ...overrides,
  };
}

export interface TestManager {
  manager: DockerEnvironmentManager;
  changes: StatusChange[];
  scope: string;
  stateDir: string;
}

export function makeManager(options: {
  docker?: Docker;
  engines?: Engine[];
  scope: string;
  stateDir?: string;
  clock?: Clock;
  config?: Partial<EnvironmentManagerConfig>;
  sessionExists?: (sessionId: string) => Promise<boolean>;
}): TestManager {
  const stateDir = options.stateDir ?? mkdtempSync(path.join(tmpdir(), 'orrery-env-test-'));
  const manager = createEnvironmentManager({
    docker: options.engines
      ? undefined
      : (options.docker ?? new Docker({ socketPath: '/var/run/docker.sock' })),
    engines: options.engines,
    clock: options.clock,
    sessionExists: options.sessionExists,
    config: {
      scope: options.scope,
      stateDir,
      limits: { memoryBytes: 512 * 1024 * 1024, cpus: 1, pids: 256 },
      ...options.config,
    },
  });
  const changes: StatusChange[] = [];
  manager.onStatus((change) => changes.push(change));
  return { manager, changes, scope: options.scope, stateDir };
}

/** Removes every container of the scope, on the given engine. */
export async function removeScope(docker: Docker, scope: string): Promise<void> {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`${LABEL.scope}=${scope}`] },
  });
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch(() => {}),
    ),
  );
}

export function cleanupDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function waitForStatus(
  t: TestManager,
  sessionId: string,
  status: EnvironmentStatus,
  ms = 30_000,
): Promise<StatusChange> {
  return waitFor(
    `${sessionId} to be ${status}`,
    () =>
      t.manager.status(sessionId) === status
        ? [...t.changes].reverse().find((c) => c.sessionId === sessionId && c.status === status)
        : undefined,
    ms,
  );
}

export async function dockerState(docker: Docker, name: string): Promise<string | undefined> {
  try {
    return (await docker.getContainer(name).inspect()).State.Status;
  } catch {
    return undefined;
  }
}
