// Every REST route the client calls, written as the OpenAPI document names it
// (paths under /api, `{param}` placeholders). The server's openapi test checks
// each entry against /api/openapi.json, so a renamed route fails there.

export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
}

const route = (method: Route['method'], path: string): Route => ({ method, path });

export const ROUTES = {
  login: route('POST', '/auth/login'),
  logout: route('POST', '/auth/logout'),
  me: route('GET', '/me'),

  searchUsers: route('GET', '/users'),
  createUser: route('POST', '/users'),
  listServiceTokens: route('GET', '/service-tokens'),
  createServiceToken: route('POST', '/service-tokens'),
  revokeServiceToken: route('DELETE', '/service-tokens/{id}'),

  listExperts: route('GET', '/experts'),
  createExpert: route('POST', '/experts'),
  getExpert: route('GET', '/experts/{id}'),
  updateExpert: route('PATCH', '/experts/{id}'),
  deleteExpert: route('DELETE', '/experts/{id}'),

  listEnvironments: route('GET', '/environments'),
  createEnvironment: route('POST', '/environments'),
  getEnvironment: route('GET', '/environments/{id}'),
  updateEnvironment: route('PATCH', '/environments/{id}'),
  deleteEnvironment: route('DELETE', '/environments/{id}'),

  listSessions: route('GET', '/sessions'),
  sessionChanges: route('GET', '/sessions/changes'),
  createSession: route('POST', '/sessions'),
  getSession: route('GET', '/sessions/{id}'),
  renameSession: route('PATCH', '/sessions/{id}'),
  deleteSession: route('DELETE', '/sessions/{id}'),
  archiveSession: route('POST', '/sessions/{id}/archive'),
  unarchiveSession: route('POST', '/sessions/{id}/unarchive'),
  setVisibility: route('PUT', '/sessions/{id}/visibility'),
  sendMessage: route('POST', '/sessions/{id}/messages'),
  environmentAction: route('POST', '/sessions/{id}/environment'),

  listGrants: route('GET', '/sessions/{id}/grants'),
  grant: route('PUT', '/sessions/{id}/grants/{userId}'),
  revoke: route('DELETE', '/sessions/{id}/grants/{userId}'),

  listSecrets: route('GET', '/secrets'),
  putSecret: route('PUT', '/secrets/{scope}/{name}'),
  deleteSecret: route('DELETE', '/secrets/{scope}/{name}'),

  uploadAttachment: route('POST', '/attachments'),
  downloadAttachment: route('GET', '/attachments/{sha256}'),

  catchUp: route('POST', '/sync/catch-up'),
  enhance: route('POST', '/enhance'),

  listTriggers: route('GET', '/experts/{id}/triggers'),
  createTrigger: route('POST', '/experts/{id}/triggers'),
  updateTrigger: route('PATCH', '/triggers/{id}'),
  deleteTrigger: route('DELETE', '/triggers/{id}'),
  rotateTriggerSecret: route('POST', '/triggers/{id}/secret'),
  triggerEvents: route('GET', '/triggers/{id}/events'),
  deliverWebhook: route('POST', '/hooks/{orgId}/{triggerId}'),

  engines: route('GET', '/engines'),
  claim: route('POST', '/runner/claim'),
  heartbeat: route('POST', '/runner/jobs/{id}/heartbeat'),
  complete: route('POST', '/runner/jobs/{id}/complete'),
  sessionContext: route('GET', '/runner/sessions/{id}/context'),
  expertContext: route('GET', '/runner/experts/{id}/context'),
  sessionFinished: route('POST', '/runner/sessions/{id}/finished'),
  reportEngines: route('POST', '/runner/engines'),
  installation: route('GET', '/runner/installation'),

  listRepositoryCredentials: route('GET', '/repository-credentials'),
  putRepositoryCredential: route('PUT', '/repository-credentials/{scope}/{name}'),
  deleteRepositoryCredential: route('DELETE', '/repository-credentials/{scope}/{name}'),

  listMembers: route('GET', '/teammates'),
  changeRole: route('PATCH', '/teammates/{id}'),
  deactivateMember: route('POST', '/teammates/{id}/deactivate'),
  reactivateMember: route('POST', '/teammates/{id}/reactivate'),
  reassignSessions: route('POST', '/teammates/{id}/sessions/reassign'),
  listInvitations: route('GET', '/invitations'),
  createInvitation: route('POST', '/invitations'),
  revokeInvitation: route('DELETE', '/invitations/{id}'),
  lookupInvitation: route('POST', '/invitations/lookup'),
  acceptInvitation: route('POST', '/invitations/accept'),
  renameOrganisation: route('PATCH', '/organisation'),

  updateMe: route('PATCH', '/me'),
  changePassword: route('POST', '/me/password'),
  listSignIns: route('GET', '/me/sign-ins'),
  signOut: route('DELETE', '/me/sign-ins/{id}'),
  signOutOthers: route('POST', '/me/sign-ins/sign-out-others'),

  modelProviders: route('GET', '/model-providers'),
  modelSettings: route('GET', '/model-providers/settings'),
  putModelKey: route('PUT', '/model-providers/{provider}/key'),
  deleteModelKey: route('DELETE', '/model-providers/{provider}/key'),
  putModelBaseUrls: route('PUT', '/model-providers/base-urls'),

  startBuild: route('POST', '/environments/{id}/builds'),
  listBuilds: route('GET', '/environments/{id}/builds'),
  buildLog: route('GET', '/builds/{id}/log'),
  buildContext: route('GET', '/runner/builds/{id}/context'),
  buildReport: route('POST', '/runner/builds/{id}/report'),

  workspaceChanges: route('GET', '/sessions/{id}/changes'),
  workspaceDiff: route('GET', '/sessions/{id}/changes/diff'),
  shipDraft: route('GET', '/sessions/{id}/changes/draft'),
  downloadPatch: route('GET', '/sessions/{id}/changes/patch'),
  commitChanges: route('POST', '/sessions/{id}/changes/commit'),
  pushBranch: route('POST', '/sessions/{id}/changes/push'),
  openPullRequest: route('POST', '/sessions/{id}/changes/pull-request'),
  restoreCheckpoint: route('POST', '/sessions/{id}/checkpoints/{checkpointId}/restore'),
  reportChanges: route('PUT', '/runner/sessions/{id}/changes'),
} as const satisfies Record<string, Route>;

/** Everything the API serves lives under this prefix (the document's `servers`). */
const API_PREFIX = '/api';

/**
 * The URL path of a route: placeholders filled with encoded values, then the
 * query (undefined values left out).
 */
export function pathOf(
  route: Route,
  params: Record<string, string> = {},
  query: Record<string, string | number | boolean | undefined> = {},
): string {
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${route.method} ${route.path} needs a value for {${name}}.`);
    return encodeURIComponent(value);
  });
  const search = Object.entries(query)
    .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
    .join('&');
  return `${API_PREFIX}${path}${search ? `?${search}` : ''}`;
}
