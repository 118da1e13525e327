import type { EnginesResponse } from '@orrery/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_REPORT_STALE_MS } from '../engines/engine-board.js';
import { startTestServer, type Person, type TestServer } from '../test-support.js';

let now = Date.UTC(2026, 11, 1, 9, 0, 0);
let t: TestServer;
let member: Person;
let runner: string;

beforeAll(async () => {
  t = await startTestServer({ clock: () => now });
  member = await t.person('Mia');
  runner = await t.serviceToken();
});
afterAll(() => t.close());

const refused = {
  name: 'build-host:2376',
  address: 'tcp://build-host:2376',
  state: 'refused',
  detail:
    "The Docker engine “build-host:2376” (tcp://build-host:2376) refused this runner's client certificate (/certs/cert.pem): check your TLS client certification settings.",
  since: now,
} as const;

describe('Docker engine health', () => {
  it('shows admins what each runner reported about its engines, and when a runner went quiet', async () => {
    const report = { runnerId: 'runner-a', engines: [{ ...refused }] };
    expect((await t.api(runner, 'POST', '/api/runner/engines', report)).status).toBe(204);

    const seen = await t.api<EnginesResponse>(t.admin.token, 'GET', '/api/engines');
    expect(seen.status).toBe(200);
    expect(seen.body.engines).toEqual([{ ...refused, runnerId: 'runner-a', reportedAt: now, stale: false }]);

    now += ENGINE_REPORT_STALE_MS + 1;
    const later = await t.api<EnginesResponse>(t.admin.token, 'GET', '/api/engines');
    expect(later.body.engines[0]).toMatchObject({ state: 'refused', stale: true });
  });

  it('is for admins only, and only runners report', async () => {
    const asMember = await t.api<{ error?: { message: string } }>(member.token, 'GET', '/api/engines');
    expect(asMember.status).toBe(403);
    expect(asMember.body.error?.message).toBe(
      'Only an admin of your organisation can see the Docker engines.',
    );
    const fake = { runnerId: 'me', engines: [{ ...refused, state: 'up', detail: '' }] };
    expect((await t.api(member.token, 'POST', '/api/runner/engines', fake)).status).toBe(403);
  });

  it('keeps organisations apart', async () => {
    const elsewhere = await t.services.accounts.createOrganisation('Elsewhere');
    const otherAdmin = await t.person('Oz', { orgId: elsewhere.id, role: 'admin' });
    const seen = await t.api<EnginesResponse>(otherAdmin.token, 'GET', '/api/engines');
    expect(seen.status).toBe(200);
    expect(seen.body.engines).toEqual([]);
  });

  it('refuses a malformed report with a clear error', async () => {
    const bad = await t.api<{ message: string }>(runner, 'POST', '/api/runner/engines', {
      runnerId: 'runner-a',
      engines: [{ name: 'x', address: 'y', state: 'melting', detail: '', since: now }],
    });
    expect(bad.status).toBe(400);
  });
});
