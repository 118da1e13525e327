// Who may make an Environment organisation-wide: admins only. A member's
// attempt is refused by the server, whatever the app shows them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type Person, type TestServer } from '../test-support.js';

let t: TestServer;
let member: Person;
type ErrorBody = { error: { code: string; message: string } };
type EnvBody = { environment: { id: string; scope: string } };
const base = { image: 'orrery/env-base:bookworm' };

beforeAll(async () => {
  t = await startTestServer();
  member = await t.person('Mel');
});

afterAll(async () => {
  await t.close();
});

describe('the scope of an Environment', () => {
  it('refuses a member creating an organisation Environment, and says what to do', async () => {
    const res = await t.api<ErrorBody>(member.token, 'POST', '/api/environments', {
      ...base,
      name: 'Team box',
      scope: 'organisation',
    });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      'Only admins may make an Environment for the whole organisation; keep it personal.',
    );
    const list = await t.api<{ environments: { name: string }[] }>(member.token, 'GET', '/api/environments');
    expect(list.body.environments.map((e) => e.name)).not.toContain('Team box');
  });

  it('refuses a member turning their personal Environment organisation-wide', async () => {
    const made = await t.api<EnvBody>(member.token, 'POST', '/api/environments', {
      ...base,
      name: 'Mine',
      scope: 'personal',
    });
    expect(made.status).toBe(201);
    const id = made.body.environment.id;
    const res = await t.api<ErrorBody>(member.token, 'PATCH', `/api/environments/${id}`, {
      scope: 'organisation',
    });
    expect(res.status).toBe(403);
    const again = await t.api<EnvBody>(member.token, 'GET', `/api/environments/${id}`);
    expect(again.body.environment.scope).toBe('personal');
    // The rest of it stays theirs to change.
    const renamed = await t.api<EnvBody>(member.token, 'PATCH', `/api/environments/${id}`, {
      name: 'Still mine',
      scope: 'personal',
    });
    expect(renamed.status).toBe(200);
  });

  it('refuses a member changing an organisation Environment made by an admin', async () => {
    const made = await t.api<EnvBody>(t.admin.token, 'POST', '/api/environments', {
      ...base,
      name: 'Shared box',
      scope: 'organisation',
    });
    expect(made.status).toBe(201);
    const id = made.body.environment.id;
    expect((await t.api(member.token, 'GET', `/api/environments/${id}`)).status).toBe(200);
    const patch = await t.api(member.token, 'PATCH', `/api/environments/${id}`, { setupScript: 'true' });
    expect(patch.status).toBe(403);
    expect((await t.api(member.token, 'DELETE', `/api/environments/${id}`)).status).toBe(403);
    // An admin may.
    const byAdmin = await t.api(t.admin.token, 'PATCH', `/api/environments/${id}`, { setupScript: 'true' });
    expect(byAdmin.status).toBe(200);
  });
});

describe('a name already taken', () => {
  it('is answered as a problem with the name field', async () => {
    await t.api(member.token, 'POST', '/api/environments', { ...base, name: 'Rails', scope: 'personal' });
    const res = await t.api<ErrorBody & { error: { fields?: Record<string, string> } }>(
      t.admin.token,
      'POST',
      '/api/environments',
      { ...base, name: 'rails', scope: 'personal' },
    );
    expect(res.status).toBe(409);
    expect(res.body.error.fields).toEqual({
      name: 'An Environment named "rails" already exists in your organisation; pick another name.',
    });
  });
});
