// The app's REST client: the shared OrreryClient under the method names the
// renderer uses, plus the one thing only a browser does (upload progress).
import {
  AttachmentResponse,
  OrreryClient,
  ROUTES,
  errorFromAnswer,
  parseAnswer,
  pathOf,
  type AttachmentRef,
  type CatchUpRequest,
  type CommitRequest,
  type PullRequestRequest,
  type PushRequest,
  type CreateSessionRequest,
  type CreateTriggerRequest,
  type EnhanceRequest,
  type PutRepositoryCredentialRequest,
  type Role,
  type EnvironmentInput,
  type ExpertInput,
  type ExpertPatch,
  type KeyedProvider,
  type SecretScope,
  type SendMessageRequest,
  type SessionFilter,
  type UpdateTriggerRequest,
  type Visibility,
} from '@orrery/shared';
import { ApiError } from './api-error.js';

export type Fetch = typeof fetch;

/** "localhost:8787" → "http://localhost:8787"; throws a readable error for what is not an address. */
export function normaliseServerUrl(input: string): string {
  const trimmed = input.trim();
  if (!trimmed)
    throw new ApiError('bad_request', 'Enter the server address, e.g. http://localhost:8787.', null);
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ApiError(
      'bad_request',
      `"${trimmed}" is not a server address, e.g. http://localhost:8787.`,
      null,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ApiError('bad_request', 'The server address must start with http:// or https://.', null);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** The y-websocket endpoint of a server: ws(s)://host/sync. */
export function syncUrlOf(serverUrl: string): string {
  return `${serverUrl.replace(/^http/, 'ws')}/sync`;
}

export class ApiClient {
  private readonly api: OrreryClient;

  constructor(
    readonly serverUrl: string,
    private readonly token: string | null,
    fetchImpl: Fetch = (...args) => fetch(...args),
  ) {
    this.api = new OrreryClient({
      baseUrl: serverUrl,
      token,
      fetch: (url, init) => fetchImpl(url, init as RequestInit),
    });
  }

  static login(serverUrl: string, email: string, password: string, fetchImpl?: Fetch) {
    return new ApiClient(serverUrl, null, fetchImpl).api.auth.login({ email, password });
  }

  /** What an invitation link is for; the invitee is not signed in yet. */
  static lookupInvitation(serverUrl: string, token: string, fetchImpl?: Fetch) {
    return new ApiClient(serverUrl, null, fetchImpl).api.invitations.lookup(token);
  }

  /** Accepts an invitation; answers a sign-in, like login. */
  static acceptInvitation(
    serverUrl: string,
    body: { token: string; name: string; password: string },
    fetchImpl?: Fetch,
  ) {
    return new ApiClient(serverUrl, null, fetchImpl).api.invitations.accept(body);
  }

  logout = () => this.api.auth.logout();
  me = () => this.api.auth.me();
  experts = () => this.api.experts.list();
  expert = (id: string) => this.api.experts.get(id);
  createExpert = (body: ExpertInput) => this.api.experts.create(body);
  updateExpert = (id: string, patch: ExpertPatch) => this.api.experts.update(id, patch);
  deleteExpert = (id: string) => this.api.experts.delete(id);
  modelProviders = () => this.api.modelProviders();
  // Model provider keys are write-only, like secrets: they go up and never come back.
  modelSettings = () => this.api.modelSettings.get();
  putModelKey = (provider: KeyedProvider, value: string) => this.api.modelSettings.putKey(provider, value);
  deleteModelKey = (provider: KeyedProvider) => this.api.modelSettings.deleteKey(provider);
  putModelBaseUrls = (baseUrls: string[]) => this.api.modelSettings.putBaseUrls(baseUrls);
  listSessions = (query: { filter?: SessionFilter; q?: string; limit?: number; offset?: number } = {}) =>
    this.api.sessions.list(query);
  changes = (since: number) => this.api.sessions.changes(since);
  createSession = (body: CreateSessionRequest) => this.api.sessions.create(body);
  getSession = (id: string) => this.api.sessions.get(id);
  archive = (id: string) => this.api.sessions.archive(id);
  unarchive = (id: string) => this.api.sessions.unarchive(id);
  setVisibility = (id: string, visibility: Visibility) => this.api.sessions.setVisibility(id, visibility);
  sendMessage = (id: string, body: SendMessageRequest) => this.api.sessions.sendMessage(id, body);
  environmentAction = (id: string, action: 'pause' | 'restart') =>
    this.api.sessions.environmentAction(id, action);
  catchUp = (body: CatchUpRequest) => this.api.sync.catchUp(body);
  enhance = (body: EnhanceRequest) => this.api.enhance(body);
  searchTeammates = (q: string) => this.api.users.search(q);
  grants = (id: string) => this.api.grants.list(id);
  grant = (id: string, userId: string) => this.api.grants.grant(id, userId);
  revoke = (id: string, userId: string) => this.api.grants.revoke(id, userId);

  // Secrets are write-only: the value goes up in a body and never comes back.
  listSecrets = () => this.api.secrets.list();
  putSecret = (scope: SecretScope, name: string, value: string) => this.api.secrets.put(scope, name, value);
  deleteSecret = (scope: SecretScope, name: string) => this.api.secrets.delete(scope, name);

  // Teammates and invitations (changes are for admins; the server decides).
  members = () => this.api.teammates.list();
  changeRole = (id: string, role: Role) => this.api.teammates.changeRole(id, role);
  deactivate = (id: string) => this.api.teammates.deactivate(id);
  reactivate = (id: string) => this.api.teammates.reactivate(id);
  reassignSessions = (id: string, toUserId: string) => this.api.teammates.reassignSessions(id, toUserId);
  invitations = () => this.api.invitations.list();
  invite = (email: string, role: Role) => this.api.invitations.create({ email, role });
  revokeInvitation = (id: string) => this.api.invitations.revoke(id);
  renameOrganisation = (name: string) => this.api.organisation.rename(name);

  // Triggers on an Expert; a webhook's secret comes back only from create and rotate.
  listTriggers = (expertId: string) => this.api.triggers.list(expertId);
  createTrigger = (expertId: string, body: CreateTriggerRequest) => this.api.triggers.create(expertId, body);
  updateTrigger = (id: string, body: UpdateTriggerRequest) => this.api.triggers.update(id, body);
  deleteTrigger = (id: string) => this.api.triggers.delete(id);
  rotateTriggerSecret = (id: string) => this.api.triggers.rotateSecret(id);
  triggerEvents = (id: string) => this.api.triggers.events(id);

  // Environments: the definitions sessions run in; the server decides who may change which.
  environments = () => this.api.environments.list();
  environment = (id: string) => this.api.environments.get(id);
  createEnvironment = (body: EnvironmentInput) => this.api.environments.create(body);
  updateEnvironment = (id: string, patch: EnvironmentInput) => this.api.environments.update(id, patch);
  deleteEnvironment = (id: string) => this.api.environments.delete(id);

  renameSession = (id: string, title: string) => this.api.sessions.rename(id, { title });
  deleteSession = (id: string) => this.api.sessions.delete(id);
  updateMe = (name: string) => this.api.account.update({ name });
  changePassword = (currentPassword: string, newPassword: string) =>
    this.api.account.changePassword({ currentPassword, newPassword });
  signIns = () => this.api.account.signIns();
  signOutSignIn = (id: string) => this.api.account.signOut(id);
  signOutOthers = () => this.api.account.signOutOthers();

  // Environment builds: Build now, the list with the build in use, and a build's log (long-poll with waitMs).
  startBuild = (environmentId: string) => this.api.builds.start(environmentId);
  listBuilds = (environmentId: string) => this.api.builds.list(environmentId);
  buildLog = (buildId: string, query: { after?: number; waitMs?: number }, signal?: AbortSignal) =>
    this.api.builds.log(buildId, query, signal);

  /**
   * Uploads one attachment's bytes. XMLHttpRequest rather than fetch, because
   * only it reports upload progress in browsers; its answer is read by the
   * shared client's parsers all the same.
   */
  uploadAttachment(
    file: Blob,
    name: string,
    options: {
      sessionId?: string | null;
      onProgress?: (sent: number, total: number) => void;
      signal?: AbortSignal;
    },
  ): Promise<AttachmentRef> {
    const path = pathOf(ROUTES.uploadAttachment, {}, { session: options.sessionId ?? undefined });
    const route = `POST ${path.split('?')[0]}`;
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `${this.serverUrl}${path}`);
      if (this.token) xhr.setRequestHeader('authorization', `Bearer ${this.token}`);
      xhr.setRequestHeader('x-file-name', encodeURIComponent(name));
      xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
      xhr.upload.onprogress = (e) => options.onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size);
      xhr.onerror = () =>
        reject(new ApiError('offline', `Cannot reach the server at ${this.serverUrl}.`, null));
      xhr.onabort = () => reject(new ApiError('bad_request', `The upload of ${name} was cancelled.`, null));
      xhr.onload = () => {
        if (xhr.status < 200 || xhr.status >= 300)
          return reject(errorFromAnswer(xhr.status, xhr.statusText, xhr.responseText, route));
        // parseAnswer throws an ApiError (bad_response) when the answer is not an attachment.
        void Promise.resolve()
          .then(() => parseAnswer(AttachmentResponse, xhr.responseText, xhr.status, route).attachment)
          .then(resolve, reject);
      };
      options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.send(file);
    });
  }

  /** Downloads an attachment's content (the token travels in a header, so links cannot be used). */
  async attachment(sha256: string, sessionId: string): Promise<Blob> {
    const { bytes, contentType } = await this.api.attachments.download(sha256, sessionId);
    return new Blob([bytes], { type: contentType });
  }

  // Repository credentials are write-only too: host, kind and value go up; only the summary comes back.
  listRepositoryCredentials = () => this.api.repositoryCredentials.list();
  putRepositoryCredential = (scope: SecretScope, name: string, body: PutRepositoryCredentialRequest) =>
    this.api.repositoryCredentials.put(scope, name, body);
  deleteRepositoryCredential = (scope: SecretScope, name: string) =>
    this.api.repositoryCredentials.delete(scope, name);

  // Shipping what the agent changed, and undoing a turn: the server checks access, a runner does the work.
  shipDraft = (sessionId: string, repo: string) => this.api.changes.draft(sessionId, repo);
  commitChanges = (sessionId: string, body: CommitRequest) => this.api.changes.commit(sessionId, body);
  pushBranch = (sessionId: string, body: PushRequest) => this.api.changes.push(sessionId, body);
  openPullRequest = (sessionId: string, body: PullRequestRequest) =>
    this.api.changes.openPullRequest(sessionId, body);
  restoreCheckpoint = (sessionId: string, checkpointId: string) =>
    this.api.changes.restore(sessionId, checkpointId);
  /** The repository's `git format-patch` as a file, with the name the server suggests (if it can be read). */
  async downloadPatch(sessionId: string, repo: string): Promise<{ blob: Blob; disposition: string | null }> {
    const { bytes, disposition } = await this.api.changes.patch(sessionId, repo);
    return { blob: new Blob([bytes], { type: 'text/x-patch' }), disposition };
  }

  // What the agent changed in a session's repositories (the server's last record; it never wakes the Environment).
  sessionChanges = (sessionId: string, signal?: AbortSignal) => this.api.changes.get(sessionId, signal);
  fileDiff = (sessionId: string, repo: string, path: string, signal?: AbortSignal) =>
    this.api.changes.diff(sessionId, repo, path, signal);
}
