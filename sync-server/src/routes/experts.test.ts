import type { ExpertsResponse } from '@orrery/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type Person, type TestServer } from '../test-support.js';

let t: TestServer;
let member: Person;
type Answer = {
  expert?: { id: string };
  error?: { code: string; message: string; fields?: Record<string, string> };
};

const input = (name: string, scope: 'personal' | 'organisation' = 'personal') => ({
  name,
  description: '',
  instructions: 'help',
  model: { provider: 'shell', name: '' },
  capabilities: { tools: ['run_command'] },
  defaultEnvironmentId: null,
  scope,
});
const MANAGED =
  'Organisation Experts are managed by admins. Make it personal, or ask an admin of your organisation.';

beforeAll(async () => {
  t = await startTestServer();
  member = await t.person('Mia Member');
});
afterAll(() => t.close());

describe('Experts', () => {
  it('lists each Expert with its author by name', async () => {
    const mine = await t.api<Answer>(member.token, 'POST', '/api/experts', input('Mia’s helper'));
    expect(mine.status).toBe(201);
    const list = await t.api<ExpertsResponse>(member.token, 'GET', '/api/experts');
    const names = Object.fromEntries(list.body.experts.map((e) => [e.name, e.ownerName]));
    expect(names['Mia’s helper']).toBe('Mia Member');
    expect(names['Shell']).toBe(t.admin.user.name);
  });

  it('lets only admins make an Expert organisation-wide', async () => {
    const refused = await t.api<Answer>(
      member.token,
      'POST',
      '/api/experts',
      input('Team helper', 'organisation'),
    );
    expect(refused.status).toBe(403);
    expect(refused.body.error?.message).toBe(MANAGED);
    const mine = await t.api<Answer>(member.token, 'POST', '/api/experts', input('Soon shared'));
    const widen = await t.api<Answer>(member.token, 'PATCH', `/api/experts/${mine.body.expert!.id}`, {
      scope: 'organisation',
    });
    expect(widen.status).toBe(403);
    expect(widen.body.error?.message).toBe(MANAGED);
    const byAdmin = await t.api<Answer>(
      t.admin.token,
      'POST',
      '/api/experts',
      input('Team helper', 'organisation'),
    );
    expect(byAdmin.status).toBe(201);
  });

  it('refuses a member changing or deleting an organisation Expert', async () => {
    const list = await t.api<ExpertsResponse>(member.token, 'GET', '/api/experts');
    const team = list.body.experts.find((e) => e.name === 'Team helper')!;
    const change = await t.api<Answer>(member.token, 'PATCH', `/api/experts/${team.id}`, {
      instructions: 'mine now',
    });
    expect(change.status).toBe(403);
    expect(change.body.error?.message).toBe(MANAGED);
    expect((await t.api<Answer>(member.token, 'DELETE', `/api/experts/${team.id}`)).status).toBe(403);
    const still = await t.api<{ expert: { instructions: string } }>(
      member.token,
      'GET',
      `/api/experts/${team.id}`,
    );
    expect(still.body.expert.instructions).toBe('help');
  });

  it('says a name is taken, on the name field, in any letter case', async () => {
    for (const [method, path, body] of [
      ['POST', '/api/experts', input('shell')],
      ['POST', '/api/experts', input('  MIA’S HELPER ')],
    ] as const) {
      const taken = await t.api<Answer>(member.token, method, path, body);
      expect(taken.status).toBe(409);
      expect(taken.body.error?.fields?.name).toMatch(
        /^You already have an Expert named ".+"; pick another name\.$/,
      );
    }
    const other = await t.api<Answer>(member.token, 'POST', '/api/experts', input('Another'));
    const rename = await t.api<Answer>(member.token, 'PATCH', `/api/experts/${other.body.expert!.id}`, {
      name: 'Shell',
    });
    expect(rename.status).toBe(409);
    // Saving an Expert under its own name is not a clash.
    const same = await t.api<Answer>(member.token, 'PATCH', `/api/experts/${other.body.expert!.id}`, {
      name: 'Another',
      description: 'changed',
    });
    expect(same.status).toBe(200);
  });
});
