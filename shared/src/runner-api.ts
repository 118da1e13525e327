// The contract between the sync server's job queue and runners. A runner
// authenticates with a service token, claims work with a lease, keeps the
// lease alive with heartbeats, and reports completion. A lease that expires
// (the runner died) makes the job claimable again; the next runner marks the
// interrupted turn in the session document before it goes on.
//
//   POST /api/runner/claim                 ClaimRequest → ClaimResponse (long-poll)
//   POST /api/runner/jobs/:id/heartbeat    LeaseRequest → HeartbeatResponse, 409 when the lease is lost
//   POST /api/runner/jobs/:id/complete     CompleteRequest → 204, 409 when the lease is lost
//   GET  /api/runner/sessions/:id/context  → SessionContext
//   GET  /api/runner/experts/:id/context   → ExpertContext (enhancing on Home, before a session exists)
//   GET  /api/runner/builds/:id/context, POST /api/runner/builds/:id/report  (builds.ts)
//   POST /api/runner/sessions/:id/finished → 204: the queue is drained (auto-archive for triggers)
//   GET  /api/attachments/:sha256?session=<id>  the content of an attachment of that session
//   WS   /sync/session/<id>?token=<service token>  read-write, as for the owner
import { z } from 'zod';
import { SessionAction, SessionActionFailure, SessionActionResult, Forge } from './changes.js';
import { Environment, Expert, Id, ModelProvider, Session, Timestamp } from './domain.js';

export const LEASE_MS = 15_000;
export const HEARTBEAT_MS = 5_000;

export const JobKind = z.enum([
  /** The session's queue has messages (or a turn was interrupted): run turns until it is empty. */
  'turn',
  /** The session was deleted: remove its container. */
  'remove_environment',
  /** Rewrite a prompt (Enhance prompt); the result travels back with completion. */
  'enhance',
  /** The owner asked to pause the session's Environment now. */
  'pause_environment',
  /** The owner asked to restart the session's Environment (its workspace is kept). */
  'restart_environment',
  /** Build an Environment's snapshot now (Build now, or its definition changed); see builds.ts. */
  'build_environment',
  /**
   * A person asked to restore a checkpoint, commit, push, open a pull request
   * or download a patch (changes.ts); the result travels back with completion.
   */
  'session_action',
]);
export type JobKind = z.infer<typeof JobKind>;

/** What an 'enhance' job works on: the prompt, the Expert whose model rewrites it, and the session if any. */
export const EnhancePayload = z.strictObject({
  text: z.string().min(1).max(20_000),
  expertId: Id,
  /** Null when enhancing on Home, before a session exists. */
  sessionId: Id.nullable(),
  /** Who asked: on Home, only file trees from their own sessions ground the rewrite. */
  requesterId: Id.optional(),
});
export type EnhancePayload = z.infer<typeof EnhancePayload>;

export const EnhanceResult = z.strictObject({
  text: z.string().max(100_000),
  /** Who wrote it: the Expert's model, or the deterministic enhancer. */
  by: z.enum(['model', 'deterministic']),
  /** What the enhancer found to add, or that it found nothing (the text is then the prompt as it was). */
  note: z.string().max(1000).optional(),
});
export type EnhanceResult = z.infer<typeof EnhanceResult>;

export const Job = z.strictObject({
  id: Id,
  kind: JobKind,
  /** The session the job is about; null only for an 'enhance' job on Home. */
  sessionId: Id.nullable(),
  payload: EnhancePayload.optional(),
  /** A 'build_environment' job's build. */
  buildId: Id.optional(),
  /** A 'session_action' job's action, and the person who asked for it. */
  action: SessionAction.optional(),
  requesterId: Id.optional(),
  /** Whom a commit made for a 'session_action' job is by: the person who asked. */
  author: z.strictObject({ name: z.string().max(200), email: z.string().max(320) }).optional(),
  leaseToken: z.string(),
  leaseExpiresAt: Timestamp,
  /** How many times this job was claimed before; >0 means an earlier runner lost it. */
  attempts: z.number().int().nonnegative(),
});
export type Job = z.infer<typeof Job>;

export const ClaimRequest = z.strictObject({
  runnerId: z.string().min(1).max(120),
  /** Long-poll: wait this long for work before answering "none". */
  waitMs: z.number().int().min(0).max(30_000).default(25_000),
  kinds: z.array(JobKind).min(1).default(JobKind.options),
});
export type ClaimRequest = z.infer<typeof ClaimRequest>;

export const ClaimResponse = z.strictObject({ job: Job.nullable() });
export type ClaimResponse = z.infer<typeof ClaimResponse>;

export const LeaseRequest = z.strictObject({ leaseToken: z.string() });
export const HeartbeatResponse = z.strictObject({ leaseExpiresAt: Timestamp });

export const CompleteRequest = z.strictObject({
  leaseToken: z.string(),
  outcome: z.enum(['done', 'failed']),
  detail: z.string().max(2000).default(''),
  /** An 'enhance' job's answer. */
  result: EnhanceResult.optional(),
  /** A 'session_action' job's answer when it is done, */
  actionResult: SessionActionResult.optional(),
  /** or why it failed, when it failed in a way people can act on. */
  failure: SessionActionFailure.optional(),
});
export type CompleteRequest = z.infer<typeof CompleteRequest>;

/**
 * A repository credential's value as a runner receives it, in a session's
 * context: only the ones the Environment's repositories name, and only when
 * the repository's host is the credential's host. The runner clones with it
 * from its own side; it never enters a container.
 */
export const RunnerRepositoryCredential = z.strictObject({
  host: z.string().min(1).max(255),
  kind: z.enum(['https-token', 'ssh-key']),
  value: z.string(),
  /** The forge behind the host, for pull requests; absent when it takes none (or from older servers). */
  forge: Forge.optional(),
});
export type RunnerRepositoryCredential = z.infer<typeof RunnerRepositoryCredential>;

/** Everything a runner needs to run a session's turns. Secrets are included; runners never log them. */
/**
 * The organisation's model provider keys and allowed base URLs, set in
 * Settings → Model providers. A runner uses a key only when its own
 * environment has none (ANTHROPIC_API_KEY, OPENAI_API_KEY win), and strips it
 * from anything it writes.
 */
export const OrgModels = z.strictObject({
  anthropicApiKey: z.string().optional(),
  openaiApiKey: z.string().optional(),
  /** Extend the runner's ORRERY_MODEL_BASE_URLS for this organisation's sessions. */
  baseUrls: z.array(z.string()).max(50),
});
export type OrgModels = z.infer<typeof OrgModels>;

export const SessionContext = z.strictObject({
  session: Session,
  expert: Expert,
  environment: Environment.nullable(),
  /** Secret values by variable name, exported into the Environment and stripped from output. */
  secrets: z.record(z.string(), z.string()),
  /** The server's installation: snapshot images are labelled with it and reused only within it. */
  installationId: z.string().min(1).max(100),
  /** Repository credentials by name (see RunnerRepositoryCredential); absent from older servers. */
  repositoryCredentials: z.record(z.string(), RunnerRepositoryCredential).optional(),
  /** Absent from servers older than Settings → Model providers. */
  models: OrgModels.optional(),
});
export type SessionContext = z.infer<typeof SessionContext>;

/** What enhancing on Home needs: the Expert and its default Environment. */
export const ExpertContext = z.strictObject({
  expert: Expert,
  environment: Environment.nullable(),
  models: OrgModels.optional(),
});
export type ExpertContext = z.infer<typeof ExpertContext>;

export const TriggerFinishedRequest = z.strictObject({ sessionId: Id });

/** How one of a runner's Docker engines is doing, as the runner last saw it. */
export const EngineHealth = z.strictObject({
  name: z.string().min(1).max(200),
  /** Where it is (never credentials): unix:///…, tcp://host:port, ssh://user@host:port. */
  address: z.string().max(500),
  /** 'refused': it answered but refused this runner's certificates or login; retrying does not help. */
  state: z.enum(['up', 'down', 'refused']),
  /** What is wrong and what to change (empty when up). */
  detail: z.string().max(2_000),
  /** When it entered this state. */
  since: Timestamp,
});
export type EngineHealth = z.infer<typeof EngineHealth>;

export const EngineReport = z.strictObject({
  runnerId: z.string().min(1).max(200),
  engines: z.array(EngineHealth).max(100),
  /**
   * The model providers this runner holds a key for (never the keys); "shell"
   * needs none. Absent from runners older than this field.
   */
  providers: z.array(ModelProvider).max(ModelProvider.options.length).optional(),
});
export type EngineReport = z.infer<typeof EngineReport>;

/** `GET /api/engines` (admins): every engine the organisation's runners reported. */
export const EnginesResponse = z.strictObject({
  engines: z.array(
    EngineHealth.extend({
      runnerId: z.string(),
      reportedAt: Timestamp,
      /** The runner has not reported for a while: it may be gone. */
      stale: z.boolean(),
    }),
  ),
});
export type EnginesResponse = z.infer<typeof EnginesResponse>;

/** `GET /api/runner/installation`: which installation a runner serves, so it touches only that installation's containers. */
export const InstallationResponse = z.strictObject({
  installationId: z.string().regex(/^[a-f0-9]{32}$/),
});
export type InstallationResponse = z.infer<typeof InstallationResponse>;
