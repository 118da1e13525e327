import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type Person, type TestServer } from '../test-support.js';

let t: TestServer;
let owner: Person;
let expertId: string;
type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string> } };

const sessionCount = async () => (await t.database.db.selectFrom('sessions').select('id').execute()).length;

beforeAll(async () => {
  t = await startTestServer();
  owner = await t.person('Ada');
  expertId = (await t.api<{ experts: { id: string }[] }>(owner.token, 'GET', '/api/experts')).body.experts[0]!
    .id;
});

afterAll(async () => {
  await t.close();
});

describe('bad REST input', () => {
  it('answers malformed JSON with 400 and stores nothing', async () => {
    const before = await sessionCount();
    const res = await t.api<ErrorBody>(owner.token, 'POST', '/api/sessions', '{"expertId": "x", "prompt": ');
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({ code: 'bad_request', message: 'The body is not valid JSON.' });
    expect(await sessionCount()).toBe(before);
  });

  it('names unknown and invalid fields', async () => {
    const unknown = await t.api<ErrorBody>(owner.token, 'POST', '/api/sessions', {
      expertId,
      prompt: 'x',
      colour: 'red',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('validation_failed');
    expect(unknown.body.error.message).toContain('colour');
    const invalid = await t.api<ErrorBody>(owner.token, 'POST', '/api/sessions', {
      expertId: 'bad id!',
      prompt: '   ',
    });
    expect(invalid.body.error.fields).toEqual({
      expertId: 'must contain only letters, digits, "-" and "_"',
      prompt: 'is required',
    });
    const query = await t.api<ErrorBody>(owner.token, 'GET', '/api/sessions?filter=everything');
    expect(query.status).toBe(400);
    expect(Object.keys(query.body.error.fields ?? {})).toEqual(['filter']);
  });

  it('refuses bodies over 1 MiB with 413', async () => {
    const before = await sessionCount();
    const res = await t.api<ErrorBody>(owner.token, 'POST', '/api/sessions', {
      expertId,
      prompt: 'x'.repeat(1_100_000),
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
    expect(await sessionCount()).toBe(before);
  });

  it('answers unknown routes, bad sign-ins and missing tokens in the one error shape', async () => {
    expect(await t.api(owner.token, 'GET', '/api/nothing-here')).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found' } },
    });
    const login = await t.api<ErrorBody>(null, 'POST', '/api/auth/login', {
      email: owner.user.email,
      password: 'wrong password',
    });
    expect(login).toMatchObject({ status: 401, body: { error: { code: 'unauthenticated' } } });
    const unknown = await t.api<ErrorBody>(null, 'POST', '/api/auth/login', {
      email: 'nobody@example.com',
      password: 'x',
    });
    expect(unknown.body).toEqual(login.body);
    expect(await t.api(null, 'GET', '/api/sessions')).toMatchObject({
      status: 401,
      body: { error: { code: 'unauthenticated' } },
    });
    expect(await t.api('not-a-token', 'GET', '/api/me')).toMatchObject({ status: 401 });
  });

  it('refuses sign-ins for an email after ten failures, and not for others', async () => {
    const victim = await t.person('Target');
    for (let i = 0; i < 10; i += 1) {
      const res = await t.api(null, 'POST', '/api/auth/login', {
        email: victim.user.email,
        password: `guess ${i}`,
      });
      expect(res.status).toBe(401);
    }
    const blocked = await t.api<ErrorBody>(null, 'POST', '/api/auth/login', {
      email: victim.user.email,
      password: 'a long enough password',
    });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('rate_limited');
    const other = await t.api(null, 'POST', '/api/auth/login', {
      email: owner.user.email,
      password: 'a long enough password',
    });
    expect(other.status).toBe(200);
  });

  it('keeps Environment names unique in the organisation', async () => {
    const env = { name: 'Rails', image: 'ruby:3.4', scope: 'personal' };
    expect((await t.api(owner.token, 'POST', '/api/environments', env)).status).toBe(201);
    const again = await t.api<ErrorBody>(t.admin.token, 'POST', '/api/environments', {
      ...env,
      name: 'rails',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('already exists');
  });

  it('keeps fields a PATCH does not name', async () => {
    const created = await t.api<{ environment: { id: string } }>(owner.token, 'POST', '/api/environments', {
      name: 'Node',
      image: 'node:20',
      setupScript: 'npm ci',
      variables: { A: '1' },
      scope: 'personal',
    });
    const patched = await t.api<{ environment: { setupScript: string; variables: object; image: string } }>(
      owner.token,
      'PATCH',
      `/api/environments/${created.body.environment.id}`,
      { image: 'node:22' },
    );
    expect(patched.body.environment).toMatchObject({
      image: 'node:22',
      setupScript: 'npm ci',
      variables: { A: '1' },
    });
  });

  it('answers CORS preflights so the desktop renderer can call from its own origin', async () => {
    const res = await fetch(`${t.url}/api/sessions`, {
      method: 'OPTIONS',
      headers: {
        origin: 'app://orrery',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toContain('Authorization');
  });

  it('publishes an OpenAPI document generated from the request schemas', async () => {
    const doc = await t.api<{ paths: Record<string, Record<string, unknown>> }>(
      null,
      'GET',
      '/api/openapi.json',
    );
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/auth/login',
        '/sessions',
        '/sessions/{id}/grants/{userId}',
        '/runner/claim',
        '/sync/catch-up',
        '/attachments',
      ]),
    );
    expect(JSON.stringify(doc.body.paths['/sessions']!.post)).toContain('expertId');
  });
});
