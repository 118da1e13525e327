// Every route and document kind against every kind of caller. A session you
// may not see answers 404 (it does not exist for you); one you may see but not
// change answers 403.
import { sessionDocName, userDocName, type SessionResponse } from '@orrery/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, tryUpgrade, type Person, type TestServer } from '../test-support.js';

const ROLES = ['owner', 'member', 'viewer', 'revokedViewer', 'otherOrg', 'anonymous', 'runner'] as const;
type Role = (typeof ROLES)[number];
type Outcome = number | 'open';
type Expect = Record<Role, Outcome>;

let t: TestServer;
const tokens = {} as Record<Role, string | null>;
let owner: Person;
let spare: Person;
let priv: string;
let expertId: string;
let personalExpert: string;
let personalEnv: string;
let attachment: string;

const row = (
  o: Outcome,
  m: Outcome,
  v: Outcome,
  r: Outcome,
  x: Outcome,
  a: Outcome,
  run: Outcome,
): Expect => ({
  owner: o,
  member: m,
  viewer: v,
  revokedViewer: r,
  otherOrg: x,
  anonymous: a,
  runner: run,
});

const status = async (role: Role, method: string, path: string, body?: unknown) =>
  (await t.api(tokens[role], method, path, body)).status;

const cases: [string, (role: Role) => Promise<Outcome>, Expect][] = [
  [
    'GET /api/sessions/:id',
    (r) => status(r, 'GET', `/api/sessions/${priv}`),
    row(200, 404, 200, 404, 404, 401, 403),
  ],
  [
    'PATCH /api/sessions/:id',
    (r) => status(r, 'PATCH', `/api/sessions/${priv}`, { title: 'Renamed' }),
    row(200, 404, 403, 404, 404, 401, 403),
  ],
  [
    'POST /api/sessions/:id/archive',
    (r) => status(r, 'POST', `/api/sessions/${priv}/archive`),
    row(200, 404, 403, 404, 404, 401, 403),
  ],
  [
    'POST /api/sessions/:id/unarchive',
    (r) => status(r, 'POST', `/api/sessions/${priv}/unarchive`),
    row(200, 404, 403, 404, 404, 401, 403),
  ],
  [
    'PUT /api/sessions/:id/visibility',
    (r) => status(r, 'PUT', `/api/sessions/${priv}/visibility`, { visibility: 'private' }),
    row(200, 404, 403, 404, 404, 401, 403),
  ],
  [
    'GET /api/sessions/:id/grants',
    (r) => status(r, 'GET', `/api/sessions/${priv}/grants`),
    row(200, 404, 403, 404, 404, 401, 403),
  ],
  [
    'PUT /api/sessions/:id/grants/:user',
    (r) => status(r, 'PUT', `/api/sessions/${priv}/grants/${spare.user.id}`),
    row(204, 404, 403, 404, 404, 401, 403),
  ],
  [
    'DELETE /api/sessions/:id/grants/:user',
    (r) => status(r, 'DELETE', `/api/sessions/${priv}/grants/${spare.user.id}`),
    row(204, 404, 403, 404, 404, 401, 403),
  ],
  [
    'POST /api/sessions/:id/messages',
    (r) => status(r, 'POST', `/api/sessions/${priv}/messages`, { text: 'hi' }),
    row(201, 404, 403, 404, 404, 401, 403),
  ],
  [
    'GET /api/sessions lists it',
    (r) => listed(r, `/api/sessions?filter=all`),
    row(200, 0, 200, 0, 0, 401, 403),
  ],
  [
    'GET /api/sessions/changes lists it',
    (r) => listed(r, `/api/sessions/changes?since=0`),
    row(200, 0, 200, 0, 0, 401, 403),
  ],
  [
    'POST /api/sessions',
    (r) => status(r, 'POST', '/api/sessions', { expertId, prompt: 'x' }),
    row(201, 201, 201, 201, 404, 401, 403),
  ],
  ['DELETE /api/sessions/:id', (r) => deleteFresh(r), row(204, 404, 403, 404, 404, 401, 403)],
  [
    'WS session doc',
    (r) => tryUpgrade(t, sessionDocName(priv), tokens[r]),
    row('open', 403, 'open', 403, 403, 401, 'open'),
  ],
  [
    'WS user doc',
    (r) => tryUpgrade(t, userDocName(owner.user.id), tokens[r]),
    row('open', 403, 403, 403, 403, 401, 403),
  ],
  ['catch-up session doc', (r) => catchUp(r, sessionDocName(priv)), row(200, 0, 200, 0, 0, 401, 200)],
  ['catch-up user doc', (r) => catchUp(r, userDocName(owner.user.id)), row(200, 0, 0, 0, 0, 401, 0)],
  [
    'GET /api/attachments/:sha',
    (r) => status(r, 'GET', `/api/attachments/${attachment}?session=${priv}`),
    row(200, 404, 200, 404, 404, 401, 200),
  ],
  ['POST /api/attachments?session', (r) => upload(r), row(201, 404, 403, 404, 404, 401, 403)],
  [
    'GET /api/experts/:id (personal)',
    (r) => status(r, 'GET', `/api/experts/${personalExpert}`),
    row(200, 404, 404, 404, 404, 401, 403),
  ],
  [
    'PATCH /api/experts/:id (personal)',
    (r) => status(r, 'PATCH', `/api/experts/${personalExpert}`, { description: 'd' }),
    row(200, 404, 404, 404, 404, 401, 403),
  ],
  [
    'GET /api/experts/:id (organisation)',
    (r) => status(r, 'GET', `/api/experts/${expertId}`),
    row(200, 200, 200, 200, 404, 401, 403),
  ],
  [
    'PATCH /api/experts/:id (organisation, built-in)',
    (r) => status(r, 'PATCH', `/api/experts/${expertId}`, { description: 'd' }),
    row(403, 403, 403, 403, 404, 401, 403),
  ],
  ['DELETE /api/experts/:id (personal)', (r) => deleteExpert(r), row(204, 404, 404, 404, 404, 401, 403)],
  [
    'DELETE /api/environments/:id (personal)',
    (r) => deleteEnvironment(r),
    row(204, 404, 404, 404, 404, 401, 403),
  ],
  [
    'DELETE /api/service-tokens/:id (admins only)',
    (r) => status(r, 'DELETE', `/api/service-tokens/${spareServiceTokenId}`),
    row(403, 403, 403, 403, 403, 401, 403),
  ],
  [
    'GET /api/runner/experts/:id/context',
    (r) => status(r, 'GET', `/api/runner/experts/${expertId}/context`),
    row(403, 403, 403, 403, 403, 401, 200),
  ],
  [
    'GET /api/environments/:id (personal)',
    (r) => status(r, 'GET', `/api/environments/${personalEnv}`),
    row(200, 404, 404, 404, 404, 401, 403),
  ],
  [
    'PATCH /api/environments/:id (personal)',
    (r) => status(r, 'PATCH', `/api/environments/${personalEnv}`, { setupScript: 'true' }),
    row(200, 404, 404, 404, 404, 401, 403),
  ],
  ['GET /api/experts', (r) => status(r, 'GET', '/api/experts'), row(200, 200, 200, 200, 200, 401, 403)],
  [
    'GET /api/environments',
    (r) => status(r, 'GET', '/api/environments'),
    row(200, 200, 200, 200, 200, 401, 403),
  ],
  ['GET /api/users', (r) => status(r, 'GET', '/api/users?q=a'), row(200, 200, 200, 200, 200, 401, 403)],
  [
    'POST /api/users (admins only)',
    (r) =>
      status(r, 'POST', '/api/users', { email: `${r}@x.example`, name: 'N', password: 'long enough pw' }),
    row(403, 403, 403, 403, 403, 401, 403),
  ],
  [
    'POST /api/service-tokens (admins only)',
    (r) => status(r, 'POST', '/api/service-tokens', { name: 'r' }),
    row(403, 403, 403, 403, 403, 401, 403),
  ],
  ['GET /api/me', (r) => status(r, 'GET', '/api/me'), row(200, 200, 200, 200, 200, 401, 403)],
  ['GET /api/secrets', (r) => status(r, 'GET', '/api/secrets'), row(200, 200, 200, 200, 200, 401, 403)],
  [
    'PUT /api/secrets/private/:name',
    (r) => status(r, 'PUT', '/api/secrets/private/MATRIX_TOKEN', { value: `value of ${r}` }),
    row(200, 200, 200, 200, 200, 401, 403),
  ],
  [
    'PUT /api/secrets/shared/:name (admins only)',
    (r) => status(r, 'PUT', '/api/secrets/shared/MATRIX_TOKEN', { value: 'shared value' }),
    row(403, 403, 403, 403, 403, 401, 403),
  ],
  [
    'DELETE /api/secrets/shared/:name (admins only)',
    (r) => status(r, 'DELETE', '/api/secrets/shared/MATRIX_TOKEN'),
    row(403, 403, 403, 403, 403, 401, 403),
  ],
  [
    'POST /api/runner/claim',
    (r) => status(r, 'POST', '/api/runner/claim', { runnerId: 'r', waitMs: 0 }),
    row(403, 403, 403, 403, 403, 401, 200),
  ],
  [
    'GET /api/runner/sessions/:id/context',
    (r) => status(r, 'GET', `/api/runner/sessions/${priv}/context`),
    row(403, 403, 403, 403, 403, 401, 200),
  ],
  [
    'POST /api/runner/sessions/:id/finished',
    (r) => status(r, 'POST', `/api/runner/sessions/${priv}/finished`),
    row(403, 403, 403, 403, 403, 401, 204),
  ],
  [
    'PUT /api/runner/sessions/:id/changes',
    (r) => status(r, 'PUT', `/api/runner/sessions/${priv}/changes`, report),
    row(403, 403, 403, 403, 403, 401, 204),
  ],
  [
    'GET /api/sessions/:id/changes',
    (r) => status(r, 'GET', `/api/sessions/${priv}/changes`),
    row(200, 404, 200, 404, 404, 401, 403),
  ],
  [
    'GET /api/sessions/:id/changes/diff',
    (r) => status(r, 'GET', `/api/sessions/${priv}/changes/diff?repo=app&path=a.txt`),
    row(200, 404, 200, 404, 404, 401, 403),
  ],
  [
    'GET /api/sessions/:id/changes/draft',
    (r) => status(r, 'GET', `/api/sessions/${priv}/changes/draft?repo=app`),
    row(200, 404, 200, 404, 404, 401, 403),
  ],
  // The owner passes the access check and meets the turn that has not run yet: 409.
  [
    'POST /api/sessions/:id/changes/commit',
    (r) => status(r, 'POST', `/api/sessions/${priv}/changes/commit`, { repo: 'app', message: 'm' }),
    row(409, 404, 403, 404, 404, 401, 403),
  ],
  [
    'POST /api/sessions/:id/changes/push',
    (r) => status(r, 'POST', `/api/sessions/${priv}/changes/push`, { repo: 'app' }),
    row(409, 404, 403, 404, 404, 401, 403),
  ],
  [
    'POST /api/sessions/:id/changes/pull-request',
    (r) =>
      status(r, 'POST', `/api/sessions/${priv}/changes/pull-request`, {
        repo: 'app',
        title: 't',
        base: 'main',
      }),
    row(409, 404, 403, 404, 404, 401, 403),
  ],
  [
    'GET /api/sessions/:id/changes/patch',
    (r) => status(r, 'GET', `/api/sessions/${priv}/changes/patch?repo=app`),
    row(409, 404, 403, 404, 404, 401, 403),
  ],
  [
    'POST /api/sessions/:id/checkpoints/:checkpointId/restore',
    (r) => status(r, 'POST', `/api/sessions/${priv}/checkpoints/cp-1/restore`),
    row(409, 404, 403, 404, 404, 401, 403),
  ],
];

/** A changes report of the private session: one repository, one file with its diff. */
const report = {
  computedAt: 1,
  repositories: [
    {
      path: 'app',
      url: null,
      state: 'ok',
      detail: '',
      branch: 'main',
      head: null,
      base: null,
      operation: 'none',
      ahead: 0,
      commits: [],
      files: [
        {
          path: 'a.txt',
          oldPath: null,
          status: 'added',
          untracked: true,
          added: 1,
          removed: 0,
          binary: false,
          oldMode: null,
          newMode: null,
          size: 2,
          diff: 'kept',
        },
      ],
      moreFiles: 0,
      added: 1,
      removed: 0,
    },
  ],
  diffs: [{ repo: 'app', path: 'a.txt', patch: '+a\n' }],
};

async function listed(role: Role, path: string): Promise<Outcome> {
  const res = await t.api<{ sessions?: { id: string }[]; changed?: { id: string }[] }>(
    tokens[role],
    'GET',
    path,
  );
  if (res.status !== 200) return res.status;
  return (res.body.sessions ?? res.body.changed ?? []).some((s) => s.id === priv) ? 200 : 0;
}

async function catchUp(role: Role, name: string): Promise<Outcome> {
  const res = await t.api<{ docs: { name: string }[] }>(tokens[role], 'POST', '/api/sync/catch-up', {
    docs: [{ name, stateVector: '' }],
  });
  if (res.status !== 200) return res.status;
  return res.body.docs.some((d) => d.name === name) ? 200 : 0;
}

async function deleteFresh(role: Role): Promise<Outcome> {
  const created = await t.api<SessionResponse>(owner.token, 'POST', '/api/sessions', {
    expertId,
    prompt: 'to delete',
    visibility: 'private',
  });
  const id = created.body.session.id;
  await t.api(owner.token, 'PUT', `/api/sessions/${id}/grants/${viewerUserId}`);
  return status(role, 'DELETE', `/api/sessions/${id}`);
}

let envCounter = 0;
async function deleteEnvironment(role: Role): Promise<Outcome> {
  const created = await t.api<{ environment: { id: string } }>(owner.token, 'POST', '/api/environments', {
    name: `Doomed ${++envCounter}`,
    image: 'orrery/env-base:bookworm',
    scope: 'personal',
  });
  return status(role, 'DELETE', `/api/environments/${created.body.environment.id}`);
}

async function deleteExpert(role: Role): Promise<Outcome> {
  const created = await t.api<{ expert: { id: string } }>(
    owner.token,
    'POST',
    '/api/experts',
    // Expert names are unique among those a person can use.
    { ...expertInput('personal'), name: `Doomed (${role})` },
  );
  return status(role, 'DELETE', `/api/experts/${created.body.expert.id}`);
}

async function upload(role: Role): Promise<Outcome> {
  const res = await fetch(`${t.url}/api/attachments?session=${priv}`, {
    method: 'POST',
    headers: {
      ...(tokens[role] ? { authorization: `Bearer ${tokens[role]}` } : {}),
      'x-file-name': 'notes.txt',
      'content-type': 'text/plain',
    },
    body: `notes from ${role}`,
  });
  return res.status;
}

let viewerUserId = '';
let spareServiceTokenId = '';

const expertInput = (scope: 'personal' | 'organisation') => ({
  name: 'Mine',
  instructions: 'help',
  model: { provider: 'shell', name: '' },
  capabilities: { tools: ['run_command'] },
  defaultEnvironmentId: null,
  scope,
});

beforeAll(async () => {
  t = await startTestServer();
  owner = await t.person('Owner');
  const member = await t.person('Member');
  const viewer = await t.person('Viewer');
  const revoked = await t.person('Revoked');
  spare = await t.person('Spare');
  viewerUserId = viewer.user.id;
  spareServiceTokenId = (await t.services.accounts.issueServiceToken(t.orgId, 'spare')).id;
  const other = await t.services.accounts.createOrganisation('Elsewhere');
  const outsider = await t.person('Outsider', { orgId: other.id });
  Object.assign(tokens, {
    owner: owner.token,
    member: member.token,
    viewer: viewer.token,
    revokedViewer: revoked.token,
    otherOrg: outsider.token,
    anonymous: null,
    runner: await t.serviceToken(),
  });
  expertId = (await t.api<{ experts: { id: string }[] }>(owner.token, 'GET', '/api/experts')).body.experts[0]!
    .id;
  personalExpert = (
    await t.api<{ expert: { id: string } }>(owner.token, 'POST', '/api/experts', expertInput('personal'))
  ).body.expert.id;
  personalEnv = (
    await t.api<{ environment: { id: string } }>(owner.token, 'POST', '/api/environments', {
      name: 'Mine',
      image: 'orrery/env-base:bookworm',
      scope: 'personal',
    })
  ).body.environment.id;
  const created = await t.api<SessionResponse>(owner.token, 'POST', '/api/sessions', {
    expertId,
    prompt: 'secret plans',
    visibility: 'private',
  });
  priv = created.body.session.id;
  await t.api(owner.token, 'PUT', `/api/sessions/${priv}/grants/${viewer.user.id}`);
  await t.api(owner.token, 'PUT', `/api/sessions/${priv}/grants/${revoked.user.id}`);
  expect((await t.api(owner.token, 'DELETE', `/api/sessions/${priv}/grants/${revoked.user.id}`)).status).toBe(
    204,
  );
  const up = await fetch(`${t.url}/api/attachments?session=${priv}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${owner.token}`,
      'x-file-name': 'plan.txt',
      'content-type': 'text/plain',
    },
    body: 'the plan',
  });
  attachment = ((await up.json()) as { attachment: { id: string } }).attachment.id;
  expect((await t.api(tokens.runner, 'PUT', `/api/runner/sessions/${priv}/changes`, report)).status).toBe(
    204,
  );
  // The admin, not the owner, may change organisation-wide built-ins.
  expect(
    (await t.api(t.admin.token, 'PATCH', `/api/experts/${expertId}`, { description: 'by the admin' })).status,
  ).toBe(200);
});

afterAll(async () => {
  await t.close();
});

describe('access control matrix', () => {
  for (const [name, request, expected] of cases) {
    it(name, async () => {
      const actual = {} as Expect;
      for (const role of ROLES) {
        // Grants change as the matrix runs; each row starts from "spare has access" for the DELETE row.
        if (name.startsWith('DELETE /api/sessions/:id/grants')) {
          await t.api(owner.token, 'PUT', `/api/sessions/${priv}/grants/${spare.user.id}`);
        }
        actual[role] = await request(role);
      }
      expect(actual).toEqual(expected);
    });
  }
});
