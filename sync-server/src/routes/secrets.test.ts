import type { SecretsResponse, SessionContext, SessionResponse } from '@orrery/shared';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRETS_KEY_FILE, SecretBox } from '../auth/secret-box.js';
import { Secrets } from '../records/secrets.js';
import { startTestServer, type Person, type TestServer } from '../test-support.js';

let t: TestServer;
let member: Person;
let teammate: Person;
let outsider: Person;
const SHARED_VALUE = 'shared-value-9f8e7d6c5b4a';
const PRIVATE_VALUE = 'private-value-1a2b3c4d5e6f';

beforeAll(async () => {
  t = await startTestServer();
  member = await t.person('Bea');
  teammate = await t.person('Cy');
  const elsewhere = await t.services.accounts.createOrganisation('Elsewhere');
  outsider = await t.person('Dee', { orgId: elsewhere.id, role: 'admin' });
});

afterAll(async () => {
  await t.close();
});

const put = (who: Person, scope: string, name: string, value: unknown) =>
  t.api<{ secret?: unknown; error?: { code: string; message: string; fields?: Record<string, string> } }>(
    who.token,
    'PUT',
    `/api/secrets/${scope}/${name}`,
    { value },
  );
const list = async (who: Person) =>
  (await t.api<SecretsResponse>(who.token, 'GET', '/api/secrets')).body.secrets;

async function contextOf(owner: Person): Promise<SessionContext> {
  const expertId = (await t.api<{ experts: { id: string }[] }>(owner.token, 'GET', '/api/experts')).body
    .experts[0]!.id;
  const session = (
    await t.api<SessionResponse>(owner.token, 'POST', '/api/sessions', { expertId, prompt: 'hi' })
  ).body.session;
  return (
    await t.api<SessionContext>(await t.serviceToken(), 'GET', `/api/runner/sessions/${session.id}/context`)
  ).body;
}

describe('secrets', () => {
  it('are write-only: set and listed by name and scope, never read back in any answer', async () => {
    const set = await put(t.admin, 'shared', 'API_TOKEN', SHARED_VALUE);
    expect(set.status).toBe(200);
    expect(set.body.secret).toMatchObject({ name: 'API_TOKEN', scope: 'shared', overridden: false });
    expect((await put(member, 'private', 'GITHUB_TOKEN', PRIVATE_VALUE)).status).toBe(200);

    const mine = await list(member);
    expect(mine.map((s) => [s.name, s.scope, s.updatedBy])).toEqual([
      ['API_TOKEN', 'shared', t.admin.user.name],
      ['GITHUB_TOKEN', 'private', 'Bea'],
    ]);
    expect(JSON.stringify(mine)).not.toContain(SHARED_VALUE);
    expect(JSON.stringify(set.body)).not.toContain(SHARED_VALUE);
    // A teammate sees the shared one, not Bea's private one; another organisation sees neither.
    expect((await list(teammate)).map((s) => s.name)).toEqual(['API_TOKEN']);
    expect(await list(outsider)).toEqual([]);
  });

  it('only admins change shared secrets', async () => {
    const refused = await put(member, 'shared', 'API_TOKEN', 'taken-over');
    expect(refused.status).toBe(403);
    expect(refused.body.error?.message).toBe('Only an admin of your organisation may change shared secrets.');
    expect((await t.api(member.token, 'DELETE', '/api/secrets/shared/API_TOKEN')).status).toBe(403);
    expect((await contextOf(teammate)).secrets.API_TOKEN).toBe(SHARED_VALUE);
  });

  it('reach a runner in the session’s context, a private one winning over a shared one of the same name', async () => {
    await put(member, 'private', 'API_TOKEN', PRIVATE_VALUE);
    expect((await list(member)).find((s) => s.scope === 'shared')?.overridden).toBe(true);
    expect((await list(teammate)).find((s) => s.scope === 'shared')?.overridden).toBe(false);

    expect((await contextOf(member)).secrets).toEqual({
      API_TOKEN: PRIVATE_VALUE,
      GITHUB_TOKEN: PRIVATE_VALUE,
    });
    expect((await contextOf(teammate)).secrets).toEqual({ API_TOKEN: SHARED_VALUE });
    // Only a runner gets values: a person asking for a context is refused.
    expect((await t.api(member.token, 'GET', '/api/runner/sessions/x/context')).status).toBe(403);
  });

  it('refuse names that are not UPPER_SNAKE_CASE and values that are empty, too big or hold NUL, saying why', async () => {
    const lower = await put(member, 'private', 'github-token', 'x');
    expect(lower.status).toBe(400);
    expect(lower.body.error?.fields?.name).toMatch(/must be UPPER_SNAKE_CASE/);
    expect((await put(member, 'team', 'X_TOKEN', 'x')).status).toBe(400);
    const empty = await put(member, 'private', 'EMPTY', '');
    expect(empty.body.error?.fields?.value).toBe('is required');
    const big = await put(member, 'private', 'BIG', 'é'.repeat(32 * 1024 + 1));
    expect(big.body.error?.fields?.value).toBe('must be at most 64 KB');
    expect((await put(member, 'private', 'NUL', 'a\0b')).body.error?.fields?.value).toMatch(/NUL/);
    expect((await list(member)).map((s) => s.name)).not.toContain('BIG');
  });

  it('are removed by their owner, and say so when there is nothing to remove', async () => {
    await put(member, 'private', 'TEMP_TOKEN', 'temporary-value-123');
    expect((await t.api(member.token, 'DELETE', '/api/secrets/private/TEMP_TOKEN')).status).toBe(204);
    const again = await t.api<{ error: { message: string } }>(
      member.token,
      'DELETE',
      '/api/secrets/private/TEMP_TOKEN',
    );
    expect(again.status).toBe(404);
    expect(again.body.error.message).toBe('There is no private secret named TEMP_TOKEN.');
  });

  it('are sealed at rest under a key only this user can read', async () => {
    // What the database holds, on either engine, and on SQLite the file's bytes too.
    const rows = JSON.stringify(await t.database.db.selectFrom('secrets').selectAll().execute());
    expect(rows).not.toContain(SHARED_VALUE);
    expect(rows).not.toContain(PRIVATE_VALUE);
    t.database.sqlite?.pragma('wal_checkpoint(TRUNCATE)');
    for (const file of readdirSync(t.dir).filter((f) => f.startsWith('orrery.sqlite'))) {
      const bytes = readFileSync(path.join(t.dir, file));
      expect(bytes.includes(Buffer.from(SHARED_VALUE))).toBe(false);
      expect(bytes.includes(Buffer.from(PRIVATE_VALUE))).toBe(false);
    }
    expect(statSync(path.join(t.dir, SECRETS_KEY_FILE)).mode & 0o777).toBe(0o600);
  });

  it('left out (and named in the log) when the server’s key no longer opens them', async () => {
    const warnings: string[] = [];
    const log = { info: () => {}, warn: (m: string) => warnings.push(m), error: () => {} };
    const otherKey = new Secrets(t.database.db, new SecretBox(Buffer.alloc(32, 7)), Date.now, log);
    expect(await otherKey.forSession(t.orgId, teammate.user.id)).toEqual({});
    expect(warnings).toEqual([expect.stringContaining('The shared secret API_TOKEN of organisation')]);
    expect(warnings.join()).not.toContain(SHARED_VALUE);
  });
});
