// Names, labels and the snapshot key. Labels are set once at create and never
// change; they are how a restarted runner finds its containers again and how
// several runners on one engine keep apart (the runner scope).
import { createHash } from 'node:crypto';
import { EnvironmentError } from './errors.js';
import type { EnvironmentDefinition } from './types.js';

export const LABEL = {
  scope: 'dev.orrery.runner-scope',
  role: 'dev.orrery.role',
  session: 'dev.orrery.session',
  environment: 'dev.orrery.environment',
  snapshot: 'dev.orrery.snapshot',
  /** On snapshot images and build containers: the server installation they were built for. */
  installation: 'dev.orrery.installation',
  idleTimeoutMs: 'dev.orrery.idle-timeout-ms',
  maxRunTimeMs: 'dev.orrery.max-run-time-ms',
  cleanRestartAfterMs: 'dev.orrery.clean-restart-after-ms',
} as const;

export type ContainerRole = 'session' | 'build';

/**
 * Bumped when the way snapshots are built changes, so old snapshots are not reused.
 * 3: builds no longer see the secrets of the session that started them.
 */
const SNAPSHOT_FORMAT = 3;

export const SNAPSHOT_REPOSITORY = 'orrery/snapshot';

/**
 * The part of a definition that shapes its image; timeouts and names do not.
 * Nothing of the person whose session builds it is part of it (nor of the
 * build): everyone who uses the Environment gets the same image.
 */
export function snapshotHash(definition: EnvironmentDefinition): string {
  const canonical = JSON.stringify({
    format: SNAPSHOT_FORMAT,
    installation: definition.installation,
    image: definition.image,
    repositories: definition.repositories.map((r) => ({
      url: r.url,
      ref: r.ref ?? null,
      path: r.path ?? null,
    })),
    setupScript: definition.setupScript,
    variables: Object.entries(definition.variables).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

export function snapshotTag(hash: string): string {
  return `${SNAPSHOT_REPOSITORY}:${hash}`;
}

const NAME_PART = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export function checkScope(scope: string): string {
  if (!NAME_PART.test(scope) || scope.length > 40) {
    throw new EnvironmentError(
      'bad_request',
      `The runner scope "${scope}" must be up to 40 letters, digits, ".", "_" or "-", starting with a letter or digit`,
    );
  }
  return scope;
}

export function checkSessionId(sessionId: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(sessionId)) {
    throw new EnvironmentError(
      'bad_request',
      `"${sessionId}" is not a session id (letters, digits, "-" and "_")`,
    );
  }
  return sessionId;
}

/** The one container a session may have on an engine; Docker refuses a second with the same name. */
export function containerName(scope: string, sessionId: string): string {
  return `orrery-${scope}-${sessionId}`;
}

export function buildContainerName(scope: string, hash: string): string {
  return `orrery-${scope}-build-${hash.slice(0, 16)}`;
}

/**
 * The label filter for what this runner owns: its scope and, when it serves a
 * known installation, that installation. Every listing of containers and
 * networks goes through it, so nothing of another install is ever adopted or removed.
 */
export function ownedBy(scope: string, installation: string | undefined, ...more: string[]): string[] {
  return [
    `${LABEL.scope}=${scope}`,
    ...(installation ? [`${LABEL.installation}=${installation}`] : []),
    ...more,
  ];
}

export function sessionLabels(
  scope: string,
  sessionId: string,
  definition: EnvironmentDefinition,
  hash: string,
): Record<string, string> {
  return {
    [LABEL.scope]: scope,
    [LABEL.installation]: definition.installation,
    [LABEL.role]: 'session',
    [LABEL.session]: sessionId,
    [LABEL.environment]: definition.id,
    [LABEL.snapshot]: hash,
    [LABEL.idleTimeoutMs]: String(definition.idleTimeoutMs),
    [LABEL.maxRunTimeMs]: String(definition.maxRunTimeMs),
    [LABEL.cleanRestartAfterMs]: String(definition.cleanRestartAfterMs),
  };
}

export function labelNumber(labels: Record<string, string> | undefined, key: string): number | undefined {
  const value = Number(labels?.[key]);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}
