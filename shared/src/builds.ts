// Environment builds: each change to what a snapshot is made from (image,
// repositories, setup script, variables) is built once, on a runner, with a
// log people can follow. Sessions use the newest build that succeeded until a
// newer one does.
//
//   POST /api/environments/:id/builds            Build now (whoever may change the Environment)
//   GET  /api/environments/:id/builds            the latest builds and the one in use
//   GET  /api/builds/:id/log?after=&waitMs=      log lines after a line number; waits for more (long-poll)
//   GET  /api/runner/builds/:id/context          what a runner builds
//   POST /api/runner/builds/:id/report           a runner's progress, log lines and outcome
import { z } from 'zod';
import { Environment, Id, Timestamp } from './domain.js';
import { RunnerRepositoryCredential } from './runner-api.js';

export const BuildStatus = z.enum(['queued', 'building', 'ready', 'failed']);
export type BuildStatus = z.infer<typeof BuildStatus>;

/** Where a build is, or where it failed. */
export const BuildStep = z.enum(['queued', 'starting', 'clone', 'setup', 'commit', 'done']);
export type BuildStep = z.infer<typeof BuildStep>;

/** What a snapshot is made from; the other fields of an Environment change sessions, not builds. */
export const BuildDefinition = Environment.pick({
  image: true,
  repositories: true,
  setupScript: true,
  variables: true,
});
export type BuildDefinition = z.infer<typeof BuildDefinition>;

export function buildDefinitionOf(environment: BuildDefinition): BuildDefinition {
  return {
    image: environment.image,
    repositories: environment.repositories,
    setupScript: environment.setupScript,
    variables: environment.variables,
  };
}

/** One definition compares equal to another whatever the order of its variables. */
export function sameBuildDefinition(a: BuildDefinition, b: BuildDefinition): boolean {
  const canonical = (d: BuildDefinition) =>
    JSON.stringify([d.image, d.repositories, d.setupScript, Object.entries(d.variables).sort()]);
  return canonical(a) === canonical(b);
}

export const BuildTrigger = z.enum(['created', 'changed', 'manual']);
export type BuildTrigger = z.infer<typeof BuildTrigger>;

export const EnvironmentBuild = z.strictObject({
  id: Id,
  environmentId: Id,
  status: BuildStatus,
  step: BuildStep,
  /** Why it was built: the Environment was created or changed, or someone asked. */
  trigger: BuildTrigger,
  requestedBy: Id.nullable(),
  createdAt: Timestamp,
  startedAt: Timestamp.nullable(),
  finishedAt: Timestamp.nullable(),
  /** What went wrong, for a failed build: a sentence naming the step. */
  error: z.string().max(4_000).nullable(),
  /** How many log lines it has. */
  lines: z.number().int().nonnegative(),
});
export type EnvironmentBuild = z.infer<typeof EnvironmentBuild>;

export const BuildsResponse = z.strictObject({
  /** Newest first. */
  builds: z.array(EnvironmentBuild),
  /** The build sessions use now: the newest that succeeded; null before any did. */
  inUse: EnvironmentBuild.nullable(),
});
export type BuildsResponse = z.infer<typeof BuildsResponse>;

export const BuildResponse = z.strictObject({ build: EnvironmentBuild });

export const BuildLogStream = z.enum(['stdout', 'stderr', 'progress']);
export const BuildLogLine = z.strictObject({
  /** 1-based, in order. */
  n: z.number().int().positive(),
  stream: BuildLogStream,
  text: z.string().max(8_000),
  at: Timestamp,
});
export type BuildLogLine = z.infer<typeof BuildLogLine>;

export const BuildLogQuery = z.object({
  after: z.coerce.number().int().nonnegative().default(0),
  /** Wait this long for a new line or a change of status before answering (0: answer at once). */
  waitMs: z.coerce.number().int().min(0).max(25_000).default(0),
});

export const BuildLogResponse = z.strictObject({
  build: EnvironmentBuild,
  lines: z.array(BuildLogLine),
  /** Lines before these were dropped: a build keeps its last MAX_BUILD_LOG_LINES. */
  dropped: z.number().int().nonnegative(),
});
export type BuildLogResponse = z.infer<typeof BuildLogResponse>;

export const MAX_BUILD_LOG_LINES = 5_000;

/** `GET /api/runner/builds/:id/context` */
export const BuildContext = z.strictObject({
  build: EnvironmentBuild,
  environment: Environment,
  installationId: z.string().min(1).max(100),
  /**
   * The repository credentials of whoever asked for the build, for the
   * repositories on each one's host only: the runner clones with them on its
   * own side (see SessionContext).
   */
  repositoryCredentials: z.record(z.string(), RunnerRepositoryCredential).default({}),
});
export type BuildContext = z.infer<typeof BuildContext>;

/** `POST /api/runner/builds/:id/report`: start, lines, a step, or the outcome (with the job's lease). */
export const BuildReport = z.strictObject({
  leaseToken: z.string(),
  /** The build (re)starts: earlier lines (from a runner that died) are dropped. */
  started: z.boolean().optional(),
  step: BuildStep.optional(),
  lines: z
    .array(z.strictObject({ stream: BuildLogStream, text: z.string().max(8_000) }))
    .max(500)
    .default([]),
  outcome: z
    .strictObject({ status: z.enum(['ready', 'failed']), error: z.string().max(4_000).nullable() })
    .optional(),
});
export type BuildReport = z.infer<typeof BuildReport>;
