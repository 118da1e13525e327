// The REST contract between clients, the runner and the sync server. The
// server validates requests with these schemas and generates its OpenAPI
// document from them; clients parse responses with them.
//
// The routes are described once, by that document (GET /api/openapi.json);
// the one client over them is ./client (OrreryClient), whose route list
// sync-server/src/routes/openapi.test.ts checks against the document.
// Errors: ApiErrorBody ({ error: { code, message, fields? } }) with a 4xx/5xx status.
import { z } from 'zod';
import { Forge } from './changes.js';
import { secretNameProblem } from './env-names.js';
import { cronFieldProblem } from './triggers/cron.js';
import {
  AttachmentRef,
  Email,
  Environment,
  EnvironmentInput,
  Expert,
  ExpertInput,
  Id,
  ModelProvider,
  Organisation,
  Role,
  Session,
  Timestamp,
  Trigger,
  TriggerEvent,
  User,
  Visibility,
} from './domain.js';

// ── accounts ──

export const LoginRequest = z.strictObject({
  email: Email,
  password: z.string().min(1, 'is required').max(1024),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const LoginResponse = z.strictObject({
  token: z.string(),
  expiresAt: Timestamp,
  user: User,
  organisation: Organisation,
});
export type LoginResponse = z.infer<typeof LoginResponse>;

export const MeResponse = z.strictObject({ user: User, organisation: Organisation });
export type MeResponse = z.infer<typeof MeResponse>;

export const Password = z.string().min(10, 'must be at least 10 characters').max(1024);

export const CreateUserRequest = z.strictObject({
  email: Email,
  name: z.string().trim().min(1).max(120),
  password: Password,
  role: Role.default('member'),
});
export type CreateUserRequest = z.infer<typeof CreateUserRequest>;

/** What teammates may see of each other. */
export const Teammate = z.strictObject({ id: Id, name: z.string(), email: z.string() });
export type Teammate = z.infer<typeof Teammate>;

export const TeammatesResponse = z.strictObject({ users: z.array(Teammate) });

export const CreateServiceTokenRequest = z.strictObject({ name: z.string().trim().min(1).max(120) });
export const ServiceTokenResponse = z.strictObject({ id: Id, name: z.string(), token: z.string() });

// ── Experts and Environments ──

export const ExpertResponse = z.strictObject({ expert: Expert });
/** An Expert as the list shows it: with who made it, by name. */
export const ExpertListItem = Expert.extend({ ownerName: z.string() });
export type ExpertListItem = z.infer<typeof ExpertListItem>;
export const ExpertsResponse = z.strictObject({ experts: z.array(ExpertListItem) });
export type ExpertsResponse = z.infer<typeof ExpertsResponse>;
export const ExpertPatch = ExpertInput.partial();
export type ExpertPatch = z.infer<typeof ExpertPatch>;

export const EnvironmentResponse = z.strictObject({ environment: Environment });
export const EnvironmentsResponse = z.strictObject({ environments: z.array(Environment) });
export const EnvironmentPatch = EnvironmentInput.partial();

// ── sessions ──

/** How the caller may use a session. */
export const SessionAccess = z.enum(['owner', 'member', 'viewer']);
export type SessionAccess = z.infer<typeof SessionAccess>;

export const SessionListItem = Session.extend({
  ownerName: z.string(),
  expertName: z.string(),
  access: SessionAccess,
});
export type SessionListItem = z.infer<typeof SessionListItem>;

export const SessionFilter = z.enum(['all', 'mine', 'shared', 'archived']);
export type SessionFilter = z.infer<typeof SessionFilter>;

export const CreateSessionRequest = z.strictObject({
  expertId: Id,
  prompt: z.string().trim().min(1, 'is required').max(100_000),
  attachments: z.array(AttachmentRef).max(20).default([]),
  /** Overrides the Expert's default Environment. */
  environmentId: Id.nullable().optional(),
  /** Overrides the default visibility rule. */
  visibility: Visibility.optional(),
});
export type CreateSessionRequest = z.infer<typeof CreateSessionRequest>;

export const SessionResponse = z.strictObject({ session: SessionListItem });
export type SessionResponse = z.infer<typeof SessionResponse>;

export const SessionsQuery = z.strictObject({
  filter: SessionFilter.default('all'),
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(200),
  /** Continue after this many results. */
  offset: z.coerce.number().int().min(0).default(0),
});
export const SessionsResponse = z.strictObject({
  sessions: z.array(SessionListItem),
  total: z.number().int(),
  clock: z.number().int(),
});
export type SessionsResponse = z.infer<typeof SessionsResponse>;

export const ChangesQuery = z.strictObject({ since: z.coerce.number().int().min(0) });
export const ChangesResponse = z.strictObject({
  /** Sessions created or changed since the clock that the caller may open. */
  changed: z.array(SessionListItem),
  /** Sessions the caller may no longer open (deleted, made private, grant revoked). */
  removed: z.array(Id),
  clock: z.number().int(),
});
export type ChangesResponse = z.infer<typeof ChangesResponse>;

export const VisibilityRequest = z.strictObject({ visibility: Visibility });

/** Asks for the session's Environment to be paused now or restarted; a runner carries it out. */
export const EnvironmentActionRequest = z.strictObject({ action: z.enum(['pause', 'restart']) });
export type EnvironmentActionRequest = z.infer<typeof EnvironmentActionRequest>;

export const SendMessageRequest = z.strictObject({
  text: z.string().max(100_000),
  attachments: z.array(AttachmentRef).max(20).default([]),
});
export type SendMessageRequest = z.infer<typeof SendMessageRequest>;

export const SkippedAttachment = z.strictObject({ name: z.string(), reason: z.string() });
export type SkippedAttachment = z.infer<typeof SkippedAttachment>;
export const SendMessageResponse = z.strictObject({
  messageId: Id,
  skipped: z.array(SkippedAttachment),
});

/** Starting a session: the session, and the attachments of its first message the server left out, with why. */
export const CreateSessionResponse = z.strictObject({
  session: SessionListItem,
  skipped: z.array(SkippedAttachment),
});
export type CreateSessionResponse = z.infer<typeof CreateSessionResponse>;
export type SendMessageResponse = z.infer<typeof SendMessageResponse>;

export const Grant = z.strictObject({ user: Teammate, grantedAt: Timestamp });
export type Grant = z.infer<typeof Grant>;
export const GrantsResponse = z.strictObject({ grants: z.array(Grant) });

// ── triggers ──

const TriggerName = z.string().trim().min(1).max(120);
export const WebhookFilter = z.strictObject({
  /** A dotted path into the JSON payload, e.g. "action" or "pull_request.state". */
  path: z.string().min(1).max(200),
  equals: z.union([z.string(), z.number(), z.boolean(), z.null()]),
});
export const FiveFieldCron = z
  .string()
  .trim()
  .superRefine((cron, ctx) => {
    const problem = cronFieldProblem(cron);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const CreateTriggerRequest = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('webhook'),
    name: TriggerName,
    enabled: z.boolean().default(true),
    autoArchive: z.boolean().default(true),
    filter: WebhookFilter.nullable().default(null),
  }),
  z.strictObject({
    kind: z.literal('schedule'),
    name: TriggerName,
    enabled: z.boolean().default(true),
    autoArchive: z.boolean().default(true),
    cron: FiveFieldCron,
    timezone: z.string().min(1).max(64).default('UTC'),
    prompt: z.string().trim().min(1).max(100_000),
  }),
]);
export type CreateTriggerRequest = z.infer<typeof CreateTriggerRequest>;

export const UpdateTriggerRequest = z.strictObject({
  name: TriggerName.optional(),
  enabled: z.boolean().optional(),
  autoArchive: z.boolean().optional(),
  filter: WebhookFilter.nullable().optional(),
  cron: FiveFieldCron.optional(),
  timezone: z.string().min(1).max(64).optional(),
  prompt: z.string().trim().min(1).max(100_000).optional(),
});
export type UpdateTriggerRequest = z.infer<typeof UpdateTriggerRequest>;

export const TriggerResponse = z.strictObject({
  trigger: Trigger,
  /** Webhooks only, and only when created or rotated: the secret is never shown again. */
  webhook: z.strictObject({ url: z.string(), secret: z.string() }).optional(),
  /** Schedules: when it fires next (null when disabled). */
  nextRunAt: Timestamp.nullable().optional(),
});
export type TriggerResponse = z.infer<typeof TriggerResponse>;
export const TriggersResponse = z.strictObject({ triggers: z.array(Trigger) });
export type TriggersResponse = z.infer<typeof TriggersResponse>;
export const TriggerEventsResponse = z.strictObject({ events: z.array(TriggerEvent) });
export type TriggerEventsResponse = z.infer<typeof TriggerEventsResponse>;
export const WebhookAccepted = z.strictObject({
  eventId: Id,
  outcome: z.enum(['started', 'filtered']),
  sessionId: Id.nullable(),
});
export type WebhookAccepted = z.infer<typeof WebhookAccepted>;

// ── enhance prompt ──

export const EnhanceRequest = z.strictObject({
  text: z.string().trim().min(1, 'is required').max(20_000),
  /** The Expert whose model rewrites the prompt (on Home: the one chosen). */
  expertId: Id.optional(),
  /** The session whose conversation and Environment ground the rewrite. */
  sessionId: Id.optional(),
});
export type EnhanceRequest = z.infer<typeof EnhanceRequest>;

export const EnhanceResponse = z.strictObject({
  text: z.string(),
  by: z.enum(['model', 'deterministic']),
  /** What the enhancer found to add, or that it found nothing (the text is then the prompt as it was). */
  note: z.string().max(1000).optional(),
});
export type EnhanceResponse = z.infer<typeof EnhanceResponse>;

// ── attachments ──

export const AttachmentResponse = z.strictObject({ attachment: AttachmentRef });

// ── batch catch-up ──

export const CatchUpRequest = z.strictObject({
  docs: z
    .array(
      z.strictObject({
        name: z.string().max(200),
        /** Base64 of Y.encodeStateVector; empty for "everything". */
        stateVector: z.string().max(1_000_000),
      }),
    )
    .max(500),
});
export type CatchUpRequest = z.infer<typeof CatchUpRequest>;
export const CatchUpResponse = z.strictObject({
  /** Base64 of the update that brings each readable document up to date. */
  docs: z.array(z.strictObject({ name: z.string(), update: z.string() })),
  /** Names the caller may not read (or that do not exist). */
  denied: z.array(z.string()),
});
export type CatchUpResponse = z.infer<typeof CatchUpResponse>;

// ── web-socket close codes for /sync ──

export const SyncCloseCode = {
  /** Access revoked while connected (session made private, grant revoked, signed out). */
  accessRevoked: 4403,
  /** A frame that is not valid y-websocket protocol. */
  protocolError: 4400,
  /** A frame over the per-connection size limit. */
  messageTooBig: 1009,
  /** Too many frames too fast. */
  rateLimited: 4429,
  /** The document, or its owner's documents together, reached the storage quota; not retried. */
  quotaExceeded: 4413,
  /** The server is shutting down; reconnect later. */
  goingAway: 1001,
} as const;

// ── added with the sync server (backwards compatible) ──

export const UserResponse = z.strictObject({ user: User });
export type UserResponse = z.infer<typeof UserResponse>;

export const ServiceTokenSummary = z.strictObject({ id: Id, name: z.string(), createdAt: Timestamp });
export const ServiceTokensResponse = z.strictObject({ tokens: z.array(ServiceTokenSummary) });

export const RenameSessionRequest = z.strictObject({
  title: z.string().trim().min(1, 'is required').max(200),
});
export type RenameSessionRequest = z.infer<typeof RenameSessionRequest>;

// ── secrets ──
// Write-only values exported as environment variables into the Environments of
// a person's sessions and stripped from their output. Private ones belong to
// one person; shared ones to the organisation (only admins change those). A
// private secret wins over a shared one of the same name.
//   GET    /api/secrets                  → SecretsResponse (names and scopes, never values)
//   PUT    /api/secrets/:scope/:name     PutSecretRequest → SecretResponse (shared: admins)
//   DELETE /api/secrets/:scope/:name     → 204 (shared: admins)

export const SecretName = z
  .string()
  .regex(
    /^[A-Z][A-Z0-9_]{0,127}$/,
    'must be UPPER_SNAKE_CASE: capital letters, digits and underscores, starting with a letter (e.g. GITHUB_TOKEN)',
  );
export const SecretScope = z.enum(['private', 'shared']);
export type SecretScope = z.infer<typeof SecretScope>;

/** At most this many bytes of UTF-8 in one secret's value. */
export const SECRET_VALUE_MAX_BYTES = 64 * 1024;

/** The length of a string in UTF-8, without an encoder (this module runs everywhere). */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

export const SecretSummary = z.strictObject({
  name: SecretName,
  scope: SecretScope,
  updatedAt: Timestamp,
  /** Who last set the value (their name). */
  updatedBy: z.string(),
  updatedById: Id,
  /** A shared secret the caller has a private one of the same name for: theirs is used. */
  overridden: z.boolean(),
});
export type SecretSummary = z.infer<typeof SecretSummary>;

export const SecretsResponse = z.strictObject({ secrets: z.array(SecretSummary) });
export type SecretsResponse = z.infer<typeof SecretsResponse>;

export const SecretResponse = z.strictObject({ secret: SecretSummary });
export type SecretResponse = z.infer<typeof SecretResponse>;

export const PutSecretRequest = z.strictObject({
  value: z
    .string()
    .min(1, 'is required')
    .refine(
      (v) => utf8Bytes(v) <= SECRET_VALUE_MAX_BYTES,
      `must be at most ${SECRET_VALUE_MAX_BYTES / 1024} KB`,
    )
    .refine((v) => !v.includes('\0'), 'must not contain NUL characters'),
});
export type PutSecretRequest = z.infer<typeof PutSecretRequest>;

export const SecretParams = z.strictObject({ scope: SecretScope, name: SecretName });

/** Setting a secret also refuses names the shell or the loader would act on (see env-names); removing one does not. */
export const PutSecretParams = z.strictObject({
  scope: SecretScope,
  name: SecretName.superRefine((name, ctx) => {
    const problem = secretNameProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
});

// Repository credentials: a kind of secret bound to one git host, an HTTPS
// token or an SSH private key, named by an Environment's repository. Used by
// the runner from outside the container to clone and push; write-only.
//   GET    /api/repository-credentials                → RepositoryCredentialsResponse
//   PUT    /api/repository-credentials/:scope/:name   PutRepositoryCredentialRequest → RepositoryCredentialResponse
//   DELETE /api/repository-credentials/:scope/:name   → 204 (shared: admins)

export const RepositoryCredentialKind = z.enum(['https-token', 'ssh-key']);
export type RepositoryCredentialKind = z.infer<typeof RepositoryCredentialKind>;

export const RepositoryCredentialSummary = z.strictObject({
  name: SecretName,
  scope: SecretScope,
  /** The one git host it is sent to, e.g. "github.com" or "git.example.com:8443". */
  host: z.string().min(1).max(255),
  kind: RepositoryCredentialKind,
  /** The forge behind the host, for pull requests; null when it takes none through Orrery. */
  forge: Forge.nullable().optional(),
  updatedAt: Timestamp,
  updatedBy: z.string(),
});
export type RepositoryCredentialSummary = z.infer<typeof RepositoryCredentialSummary>;

export const RepositoryCredentialsResponse = z.strictObject({
  credentials: z.array(RepositoryCredentialSummary),
});
export const RepositoryCredentialResponse = z.strictObject({ credential: RepositoryCredentialSummary });

export const PutRepositoryCredentialRequest = z.strictObject({
  host: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$/, 'must be a host name, optionally with :port'),
  kind: RepositoryCredentialKind,
  value: PutSecretRequest.shape.value,
  /** Defaults to what the host says of itself (github.com, gitlab.com), else none. */
  forge: Forge.nullable().optional(),
});
export type PutRepositoryCredentialRequest = z.infer<typeof PutRepositoryCredentialRequest>;

// ── teammates, invitations and the organisation ──
// Admins invite by email with a role: the invitation is a one-time link
// (<server>/#/invite/<token>; the server keeps only a hash of the token) that
// expires after seven days and can be revoked. Admins change roles and
// deactivate people (signed out everywhere; their sessions stay and can be
// given to someone else). An organisation always keeps at least one admin.
//   GET    /api/teammates                          → MembersResponse (everyone)
//   PATCH  /api/teammates/:id                      ChangeRoleRequest → MemberResponse (admins)
//   POST   /api/teammates/:id/deactivate           → MemberResponse (admins)
//   POST   /api/teammates/:id/reactivate           → MemberResponse (admins)
//   POST   /api/teammates/:id/sessions/reassign    ReassignSessionsRequest → ReassignSessionsResponse (admins)
//   GET    /api/invitations                        → InvitationsResponse (admins)
//   POST   /api/invitations                        CreateInvitationRequest → CreatedInvitationResponse (admins)
//   DELETE /api/invitations/:id                    → 204 (admins)
//   POST   /api/invitations/lookup                 InvitationTokenRequest → InvitationPreviewResponse (no sign-in)
//   POST   /api/invitations/accept                 AcceptInvitationRequest → LoginResponse (no sign-in)
//   PATCH  /api/organisation                       RenameOrganisationRequest → OrganisationResponse (admins)

/** A person of the organisation as the Teammates list shows them. */
export const Member = z.strictObject({
  id: Id,
  name: z.string(),
  email: z.string(),
  role: Role,
  createdAt: Timestamp,
  /** When they last used the app (to the minute); null when never since this was recorded. */
  lastActiveAt: Timestamp.nullable(),
  /** Set when an admin deactivated them: they cannot sign in. */
  deactivatedAt: Timestamp.nullable(),
});
export type Member = z.infer<typeof Member>;
export const MembersResponse = z.strictObject({ members: z.array(Member) });
export type MembersResponse = z.infer<typeof MembersResponse>;
export const MemberResponse = z.strictObject({ member: Member });
export type MemberResponse = z.infer<typeof MemberResponse>;

export const ChangeRoleRequest = z.strictObject({ role: Role });
export type ChangeRoleRequest = z.infer<typeof ChangeRoleRequest>;

export const ReassignSessionsRequest = z.strictObject({ toUserId: Id });
export type ReassignSessionsRequest = z.infer<typeof ReassignSessionsRequest>;
export const ReassignSessionsResponse = z.strictObject({ moved: z.number().int().nonnegative() });
export type ReassignSessionsResponse = z.infer<typeof ReassignSessionsResponse>;

/** How long an invitation link works. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export const InvitationStatus = z.enum(['pending', 'expired', 'accepted']);
export type InvitationStatus = z.infer<typeof InvitationStatus>;

export const Invitation = z.strictObject({
  id: Id,
  email: z.string(),
  role: Role,
  status: InvitationStatus,
  /** The name of the admin who sent it. */
  invitedBy: z.string(),
  createdAt: Timestamp,
  expiresAt: Timestamp,
  acceptedAt: Timestamp.nullable(),
});
export type Invitation = z.infer<typeof Invitation>;
export const InvitationsResponse = z.strictObject({ invitations: z.array(Invitation) });
export type InvitationsResponse = z.infer<typeof InvitationsResponse>;

export const CreateInvitationRequest = z.strictObject({ email: Email, role: Role.default('member') });
export type CreateInvitationRequest = z.infer<typeof CreateInvitationRequest>;
/** The token is in this answer only: the server keeps a hash. Make the link with invitationLink(). */
export const CreatedInvitationResponse = z.strictObject({ invitation: Invitation, token: z.string() });
export type CreatedInvitationResponse = z.infer<typeof CreatedInvitationResponse>;

export const InvitationToken = z.string().min(1, 'is required').max(200);
export const InvitationTokenRequest = z.strictObject({ token: InvitationToken });
export const InvitationPreviewResponse = z.strictObject({
  organisation: z.strictObject({ name: z.string() }),
  email: z.string(),
  role: Role,
  expiresAt: Timestamp,
});
export type InvitationPreviewResponse = z.infer<typeof InvitationPreviewResponse>;

export const AcceptInvitationRequest = z.strictObject({
  token: InvitationToken,
  name: z.string().trim().min(1, 'is required').max(120),
  password: Password,
});
export type AcceptInvitationRequest = z.infer<typeof AcceptInvitationRequest>;

export const RenameOrganisationRequest = z.strictObject({
  name: z.string().trim().min(1, 'is required').max(120),
});
export type RenameOrganisationRequest = z.infer<typeof RenameOrganisationRequest>;
export const OrganisationResponse = z.strictObject({ organisation: Organisation });
export type OrganisationResponse = z.infer<typeof OrganisationResponse>;

/** The page an invitee opens: the web app that the server serves, at its accept form. */
export function invitationLink(serverUrl: string, token: string): string {
  return `${serverUrl.replace(/\/+$/, '')}/#/invite/${encodeURIComponent(token)}`;
}

// ── the signed-in person's own account ──
//   PATCH  /api/me                            UpdateMeRequest → MeResponse
//   POST   /api/me/password                   ChangePasswordRequest → 204 (other sign-ins end)
//   GET    /api/me/sign-ins                   → SignInsResponse
//   DELETE /api/me/sign-ins/:id               → 204
//   POST   /api/me/sign-ins/sign-out-others   → SignOutOthersResponse

export const UpdateMeRequest = z.strictObject({
  name: z.string().trim().min(1, 'is required').max(120, 'must be at most 120 characters'),
});
export type UpdateMeRequest = z.infer<typeof UpdateMeRequest>;

export const ChangePasswordRequest = z.strictObject({
  currentPassword: z.string().min(1, 'is required').max(1024),
  newPassword: Password,
});
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequest>;

/** One live sign-in (a user token) of the caller; the token itself is never shown. */
export const SignIn = z.strictObject({
  id: Id,
  /** The User-Agent the sign-in came with, when it sent one. */
  userAgent: z.string().nullable(),
  createdAt: Timestamp,
  lastUsedAt: Timestamp.nullable(),
  expiresAt: Timestamp,
  /** The sign-in this request was made with. */
  current: z.boolean(),
});
export type SignIn = z.infer<typeof SignIn>;

export const SignInsResponse = z.strictObject({ signIns: z.array(SignIn) });
export type SignInsResponse = z.infer<typeof SignInsResponse>;

export const SignOutOthersResponse = z.strictObject({ signedOut: z.number().int().min(0) });

// ── Model providers ──

/** Whether one model provider can run now, and if not, what an admin must do. */
export const ModelProviderStatus = z.strictObject({
  provider: ModelProvider,
  available: z.boolean(),
  /** Null when available: otherwise one sentence saying what an admin must do. */
  reason: z.string().nullable(),
});
export type ModelProviderStatus = z.infer<typeof ModelProviderStatus>;

export const ModelProvidersResponse = z.strictObject({ providers: z.array(ModelProviderStatus) });
export type ModelProvidersResponse = z.infer<typeof ModelProvidersResponse>;

/** Providers whose key an admin can store in Settings (the shell needs none). */
export const KeyedProvider = z.enum(['anthropic', 'openai']);
export type KeyedProvider = z.infer<typeof KeyedProvider>;

/** A stored key, as anyone may see it: whether it is set, by whom and when; never the key. */
export const ModelKeySummary = z.strictObject({
  provider: KeyedProvider,
  set: z.boolean(),
  updatedBy: z.string().nullable(),
  updatedAt: Timestamp.nullable(),
});
export type ModelKeySummary = z.infer<typeof ModelKeySummary>;

/** An address a model API may live at: http(s), no credentials in it. */
export const ModelBaseUrl = z
  .string()
  .trim()
  .max(2000)
  .pipe(z.url({ protocol: /^https?$/, message: 'must be a full address starting with http:// or https://' }))
  .refine((u) => !/^[a-z]+:\/\/[^/?#]*@/i.test(u), {
    message: 'must not contain a user name or password; store the key instead',
  });

export const ModelSettingsResponse = z.strictObject({
  keys: z.array(ModelKeySummary),
  baseUrls: z.array(z.string()),
});
export type ModelSettingsResponse = z.infer<typeof ModelSettingsResponse>;

export const PutModelKeyRequest = z.strictObject({
  value: z
    .string()
    .trim()
    .min(1, 'enter the key')
    .max(1000)
    .regex(/^[\x21-\x7e]+$/, 'must be one line without spaces, as the provider shows it'),
});
export type PutModelKeyRequest = z.infer<typeof PutModelKeyRequest>;

export const PutModelBaseUrlsRequest = z.strictObject({ baseUrls: z.array(ModelBaseUrl).max(20) });
export type PutModelBaseUrlsRequest = z.infer<typeof PutModelBaseUrlsRequest>;
