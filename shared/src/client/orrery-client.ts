// The one typed client of the REST API, used by the app, the runner and the
// tests: one method per route of ROUTES, grouped by resource, request bodies
// typed from the shared schemas and answers parsed with them.
import type { z } from 'zod';
import type { PutRepositoryCredentialRequest } from '../api.js';
import {
  AttachmentResponse,
  CatchUpResponse,
  ChangesResponse,
  CreateSessionResponse,
  EnhanceResponse,
  EnvironmentResponse,
  EnvironmentsResponse,
  ExpertResponse,
  ExpertsResponse,
  GrantsResponse,
  LoginResponse,
  MeResponse,
  ModelKeySummary,
  ModelProvidersResponse,
  ModelSettingsResponse,
  type KeyedProvider,
  RepositoryCredentialResponse,
  RepositoryCredentialsResponse,
  SecretResponse,
  SecretsResponse,
  SendMessageResponse,
  ServiceTokenResponse,
  ServiceTokensResponse,
  SessionResponse,
  SessionsResponse,
  TeammatesResponse,
  TriggerEventsResponse,
  TriggerResponse,
  TriggersResponse,
  UserResponse,
  WebhookAccepted,
  CreatedInvitationResponse,
  InvitationPreviewResponse,
  InvitationsResponse,
  MemberResponse,
  MembersResponse,
  OrganisationResponse,
  ReassignSessionsResponse,
  type AcceptInvitationRequest,
  type CreateInvitationRequest,
  SignInsResponse,
  SignOutOthersResponse,
  type CatchUpRequest,
  type ChangePasswordRequest,
  type UpdateMeRequest,
  type CreateServiceTokenRequest,
  type CreateSessionRequest,
  type CreateTriggerRequest,
  type CreateUserRequest,
  type EnhanceRequest,
  type EnvironmentActionRequest,
  type EnvironmentPatch,
  type ExpertPatch,
  type LoginRequest,
  type PutSecretRequest,
  type RenameSessionRequest,
  type SecretScope,
  type SendMessageRequest,
  type SessionFilter,
  type UpdateTriggerRequest,
} from '../api.js';
import type { EnvironmentInput, ExpertInput, Role, Visibility } from '../domain.js';
import {
  ClaimResponse,
  EnginesResponse,
  ExpertContext,
  HeartbeatResponse,
  InstallationResponse,
  SessionContext,
  type ClaimRequest,
  type CompleteRequest,
  type EngineReport,
} from '../runner-api.js';
import {
  BuildContext,
  BuildLogResponse,
  BuildResponse,
  BuildsResponse,
  type BuildReport,
} from '../builds.js';
import {
  CommitResponse,
  FileDiff,
  PullRequestResponse,
  PushResponse,
  RestoreResponse,
  SessionChanges,
  ShipDraft,
  type ChangesReport,
  type CommitRequest,
  type PullRequestRequest,
  type PushRequest,
} from '../changes.js';
import { ROUTES, pathOf, type Route } from './routes.js';
import {
  Transport,
  type RawBody,
  type SendOptions,
  type SignalLike,
  type TransportOptions,
} from './transport.js';

type In<S extends z.ZodType> = z.input<S>;
type Params = Record<string, string>;
type Query = Record<string, string | number | boolean | undefined>;
interface Call {
  params?: Params;
  query?: Query;
  signal?: SignalLike | undefined;
}

export class OrreryClient {
  readonly transport: Transport;

  constructor(options: TransportOptions) {
    this.transport = new Transport(options);
  }

  get baseUrl(): string {
    return this.transport.baseUrl;
  }

  /** The y-websocket endpoint of the server: ws(s)://host/sync. */
  get syncUrl(): string {
    return `${this.baseUrl.replace(/^http/, 'ws')}/sync`;
  }

  private json<S extends z.ZodType>(route: Route, schema: S, call: Call = {}, body?: unknown) {
    return this.transport.json(
      route.method,
      pathOf(route, call.params, call.query),
      schema,
      options(call, body),
    );
  }

  private none(route: Route, call: Call = {}, body?: unknown) {
    return this.transport.none(route.method, pathOf(route, call.params, call.query), options(call, body));
  }

  readonly auth = {
    login: (body: In<typeof LoginRequest>) => this.json(ROUTES.login, LoginResponse, {}, body),
    logout: () => this.none(ROUTES.logout),
    me: () => this.json(ROUTES.me, MeResponse),
  };

  readonly users = {
    search: (q: string, limit?: number) =>
      this.json(ROUTES.searchUsers, TeammatesResponse, { query: { q, limit } }),
    create: (body: In<typeof CreateUserRequest>) => this.json(ROUTES.createUser, UserResponse, {}, body),
    serviceTokens: () => this.json(ROUTES.listServiceTokens, ServiceTokensResponse),
    createServiceToken: (body: In<typeof CreateServiceTokenRequest>) =>
      this.json(ROUTES.createServiceToken, ServiceTokenResponse, {}, body),
    revokeServiceToken: (id: string) => this.none(ROUTES.revokeServiceToken, { params: { id } }),
  };

  readonly experts = {
    list: () => this.json(ROUTES.listExperts, ExpertsResponse),
    create: (body: In<typeof ExpertInput>) => this.json(ROUTES.createExpert, ExpertResponse, {}, body),
    get: (id: string) => this.json(ROUTES.getExpert, ExpertResponse, { params: { id } }),
    update: (id: string, patch: In<typeof ExpertPatch>) =>
      this.json(ROUTES.updateExpert, ExpertResponse, { params: { id } }, patch),
    delete: (id: string) => this.none(ROUTES.deleteExpert, { params: { id } }),
  };

  readonly environments = {
    list: () => this.json(ROUTES.listEnvironments, EnvironmentsResponse),
    create: (body: In<typeof EnvironmentInput>) =>
      this.json(ROUTES.createEnvironment, EnvironmentResponse, {}, body),
    get: (id: string) => this.json(ROUTES.getEnvironment, EnvironmentResponse, { params: { id } }),
    update: (id: string, patch: In<typeof EnvironmentPatch>) =>
      this.json(ROUTES.updateEnvironment, EnvironmentResponse, { params: { id } }, patch),
    delete: (id: string) => this.none(ROUTES.deleteEnvironment, { params: { id } }),
  };

  /** An Environment's builds; `log` with waitMs waits for the next line (long-poll). */
  readonly builds = {
    start: (environmentId: string) =>
      this.json(ROUTES.startBuild, BuildResponse, { params: { id: environmentId } }),
    list: (environmentId: string) =>
      this.json(ROUTES.listBuilds, BuildsResponse, { params: { id: environmentId } }),
    log: (buildId: string, query: { after?: number; waitMs?: number } = {}, signal?: SignalLike) =>
      this.json(ROUTES.buildLog, BuildLogResponse, { params: { id: buildId }, query, signal }),
  };

  readonly sessions = {
    list: (query: { filter?: SessionFilter; q?: string; limit?: number; offset?: number } = {}) =>
      this.json(ROUTES.listSessions, SessionsResponse, { query }),
    changes: (since: number) => this.json(ROUTES.sessionChanges, ChangesResponse, { query: { since } }),
    create: (body: In<typeof CreateSessionRequest>) =>
      this.json(ROUTES.createSession, CreateSessionResponse, {}, body),
    get: (id: string) => this.json(ROUTES.getSession, SessionResponse, { params: { id } }),
    rename: (id: string, body: In<typeof RenameSessionRequest>) =>
      this.json(ROUTES.renameSession, SessionResponse, { params: { id } }, body),
    delete: (id: string) => this.none(ROUTES.deleteSession, { params: { id } }),
    archive: (id: string) => this.json(ROUTES.archiveSession, SessionResponse, { params: { id } }),
    unarchive: (id: string) => this.json(ROUTES.unarchiveSession, SessionResponse, { params: { id } }),
    setVisibility: (id: string, visibility: Visibility) =>
      this.json(ROUTES.setVisibility, SessionResponse, { params: { id } }, { visibility }),
    sendMessage: (id: string, body: In<typeof SendMessageRequest>) =>
      this.json(ROUTES.sendMessage, SendMessageResponse, { params: { id } }, body),
    environmentAction: (id: string, action: EnvironmentActionRequest['action']) =>
      this.none(ROUTES.environmentAction, { params: { id } }, { action }),
  };

  readonly grants = {
    list: (sessionId: string) => this.json(ROUTES.listGrants, GrantsResponse, { params: { id: sessionId } }),
    grant: (sessionId: string, userId: string) =>
      this.none(ROUTES.grant, { params: { id: sessionId, userId } }),
    revoke: (sessionId: string, userId: string) =>
      this.none(ROUTES.revoke, { params: { id: sessionId, userId } }),
  };

  /** Secrets are write-only: the value goes up in a body and never comes back. */
  readonly secrets = {
    list: () => this.json(ROUTES.listSecrets, SecretsResponse),
    put: (scope: SecretScope, name: string, value: PutSecretRequest['value']) =>
      this.json(ROUTES.putSecret, SecretResponse, { params: { scope, name } }, { value }),
    delete: (scope: SecretScope, name: string) => this.none(ROUTES.deleteSecret, { params: { scope, name } }),
  };

  /** Write-only like secrets; the runner alone ever reads a value. */
  readonly repositoryCredentials = {
    list: () => this.json(ROUTES.listRepositoryCredentials, RepositoryCredentialsResponse),
    put: (scope: SecretScope, name: string, body: In<typeof PutRepositoryCredentialRequest>) =>
      this.json(
        ROUTES.putRepositoryCredential,
        RepositoryCredentialResponse,
        { params: { scope, name } },
        body,
      ),
    delete: (scope: SecretScope, name: string) =>
      this.none(ROUTES.deleteRepositoryCredential, { params: { scope, name } }),
  };

  readonly attachments = {
    /** Uploads bytes; for upload progress in a browser, see the app's XMLHttpRequest path. */
    upload: async (
      content: RawBody,
      name: string,
      options: { contentType?: string; sessionId?: string | null; signal?: SignalLike } = {},
    ) => {
      const path = pathOf(ROUTES.uploadAttachment, {}, { session: options.sessionId ?? undefined });
      const send: SendOptions = {
        raw: content,
        contentType: options.contentType ?? 'application/octet-stream',
        headers: { 'x-file-name': encodeURIComponent(name) },
        signal: options.signal,
      };
      return (await this.transport.json('POST', path, AttachmentResponse, send)).attachment;
    },
    /** An attachment's content (the token travels in a header, so links cannot be used). */
    download: (sha256: string, sessionId: string, signal?: SignalLike) => {
      const path = pathOf(ROUTES.downloadAttachment, { sha256 }, { session: sessionId });
      return this.transport.bytes('GET', path, { signal });
    },
  };

  /** What the agent changed in a session's repositories, and shipping it (see changes.ts). */
  readonly changes = {
    get: (sessionId: string, signal?: SignalLike) =>
      this.json(ROUTES.workspaceChanges, SessionChanges, { params: { id: sessionId }, signal }),
    diff: (sessionId: string, repo: string, path: string, signal?: SignalLike) =>
      this.json(ROUTES.workspaceDiff, FileDiff, { params: { id: sessionId }, query: { repo, path }, signal }),
    draft: (sessionId: string, repo: string) =>
      this.json(ROUTES.shipDraft, ShipDraft, { params: { id: sessionId }, query: { repo } }),
    /** `git format-patch` of the repository's commits and uncommitted changes since the session started. */
    patch: (sessionId: string, repo: string, signal?: SignalLike) =>
      this.transport.bytes('GET', pathOf(ROUTES.downloadPatch, { id: sessionId }, { repo }), { signal }),
    commit: (sessionId: string, body: In<typeof CommitRequest>) =>
      this.json(ROUTES.commitChanges, CommitResponse, { params: { id: sessionId } }, body),
    push: (sessionId: string, body: In<typeof PushRequest>) =>
      this.json(ROUTES.pushBranch, PushResponse, { params: { id: sessionId } }, body),
    openPullRequest: (sessionId: string, body: In<typeof PullRequestRequest>) =>
      this.json(ROUTES.openPullRequest, PullRequestResponse, { params: { id: sessionId } }, body),
    restore: (sessionId: string, checkpointId: string) =>
      this.json(ROUTES.restoreCheckpoint, RestoreResponse, { params: { id: sessionId, checkpointId } }),
  };

  readonly sync = {
    catchUp: (body: In<typeof CatchUpRequest>) => this.json(ROUTES.catchUp, CatchUpResponse, {}, body),
  };

  readonly enhance = (body: In<typeof EnhanceRequest>) =>
    this.json(ROUTES.enhance, EnhanceResponse, {}, body);

  readonly triggers = {
    list: (expertId: string) =>
      this.json(ROUTES.listTriggers, TriggersResponse, { params: { id: expertId } }),
    create: (expertId: string, body: In<typeof CreateTriggerRequest>) =>
      this.json(ROUTES.createTrigger, TriggerResponse, { params: { id: expertId } }, body),
    update: (id: string, body: In<typeof UpdateTriggerRequest>) =>
      this.json(ROUTES.updateTrigger, TriggerResponse, { params: { id } }, body),
    delete: (id: string) => this.none(ROUTES.deleteTrigger, { params: { id } }),
    rotateSecret: (id: string) => this.json(ROUTES.rotateTriggerSecret, TriggerResponse, { params: { id } }),
    events: (id: string) => this.json(ROUTES.triggerEvents, TriggerEventsResponse, { params: { id } }),
    /** What a webhook sender does; this client's token must be the trigger's webhook secret. */
    deliver: (orgId: string, triggerId: string, payload: unknown) =>
      this.json(ROUTES.deliverWebhook, WebhookAccepted, { params: { orgId, triggerId } }, payload),
  };

  /** The runner API: service tokens only. */
  readonly runner = {
    claim: (body: In<typeof ClaimRequest>, signal?: SignalLike) =>
      this.json(ROUTES.claim, ClaimResponse, { signal }, body),
    heartbeat: (jobId: string, leaseToken: string) =>
      this.json(ROUTES.heartbeat, HeartbeatResponse, { params: { id: jobId } }, { leaseToken }),
    complete: (jobId: string, body: In<typeof CompleteRequest>) =>
      this.none(ROUTES.complete, { params: { id: jobId } }, body),
    sessionContext: (sessionId: string) =>
      this.json(ROUTES.sessionContext, SessionContext, { params: { id: sessionId } }),
    expertContext: (expertId: string) =>
      this.json(ROUTES.expertContext, ExpertContext, { params: { id: expertId } }),
    sessionFinished: (sessionId: string) =>
      this.none(ROUTES.sessionFinished, { params: { id: sessionId } }, {}),
    reportEngines: (body: In<typeof EngineReport>) => this.none(ROUTES.reportEngines, {}, body),
    installation: (signal?: SignalLike) => this.json(ROUTES.installation, InstallationResponse, { signal }),
    buildContext: (buildId: string) =>
      this.json(ROUTES.buildContext, BuildContext, { params: { id: buildId } }),
    reportChanges: (sessionId: string, body: In<typeof ChangesReport>) =>
      this.none(ROUTES.reportChanges, { params: { id: sessionId } }, body),
    buildReport: (buildId: string, body: In<typeof BuildReport>) =>
      this.none(ROUTES.buildReport, { params: { id: buildId } }, body),
  };

  /** What the runners see of their Docker engines (admins). */
  readonly engines = () => this.json(ROUTES.engines, EnginesResponse);

  /** The people of the organisation; changing them is for admins. */
  readonly teammates = {
    list: () => this.json(ROUTES.listMembers, MembersResponse),
    changeRole: (id: string, role: Role) =>
      this.json(ROUTES.changeRole, MemberResponse, { params: { id } }, { role }),
    deactivate: (id: string) => this.json(ROUTES.deactivateMember, MemberResponse, { params: { id } }),
    reactivate: (id: string) => this.json(ROUTES.reactivateMember, MemberResponse, { params: { id } }),
    reassignSessions: (id: string, toUserId: string) =>
      this.json(ROUTES.reassignSessions, ReassignSessionsResponse, { params: { id } }, { toUserId }),
  };

  /** One-time invitation links: made, listed and revoked by admins; looked up and accepted by the invitee. */
  readonly invitations = {
    list: () => this.json(ROUTES.listInvitations, InvitationsResponse),
    create: (body: In<typeof CreateInvitationRequest>) =>
      this.json(ROUTES.createInvitation, CreatedInvitationResponse, {}, body),
    revoke: (id: string) => this.none(ROUTES.revokeInvitation, { params: { id } }),
    lookup: (token: string) => this.json(ROUTES.lookupInvitation, InvitationPreviewResponse, {}, { token }),
    accept: (body: In<typeof AcceptInvitationRequest>) =>
      this.json(ROUTES.acceptInvitation, LoginResponse, {}, body),
  };

  readonly organisation = {
    rename: (name: string) => this.json(ROUTES.renameOrganisation, OrganisationResponse, {}, { name }),
  };

  /** The caller's own account: name, password and sign-ins. */
  readonly account = {
    update: (body: In<typeof UpdateMeRequest>) => this.json(ROUTES.updateMe, MeResponse, {}, body),
    changePassword: (body: In<typeof ChangePasswordRequest>) => this.none(ROUTES.changePassword, {}, body),
    signIns: () => this.json(ROUTES.listSignIns, SignInsResponse),
    signOut: (id: string) => this.none(ROUTES.signOut, { params: { id } }),
    signOutOthers: () => this.json(ROUTES.signOutOthers, SignOutOthersResponse, {}, {}),
  };

  /** Which model providers can run now (any signed-in member). */
  readonly modelProviders = () => this.json(ROUTES.modelProviders, ModelProvidersResponse);

  /** Settings → Model providers: stored keys (write-only) and allowed base URLs. */
  readonly modelSettings = {
    get: () => this.json(ROUTES.modelSettings, ModelSettingsResponse),
    putKey: (provider: KeyedProvider, value: string) =>
      this.json(ROUTES.putModelKey, ModelKeySummary, { params: { provider } }, { value }),
    deleteKey: (provider: KeyedProvider) => this.none(ROUTES.deleteModelKey, { params: { provider } }),
    putBaseUrls: (baseUrls: string[]) =>
      this.json(ROUTES.putModelBaseUrls, ModelSettingsResponse, {}, { baseUrls }),
  };
}

function options(call: Call, body: unknown): SendOptions {
  return { ...(body !== undefined ? { json: body } : {}), signal: call.signal };
}
