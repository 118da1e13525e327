// The account records say the same on SQLite and PostgreSQL where the two
// engines differ underneath: LIKE's case, ordering by name, the escaping of
// a search's % and _, counts of changed rows, and when a token's last use is
// written.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../store/database.js';
import { openTestDatabase } from '../testing/engines.js';
import { Accounts, insertUser } from './accounts.js';
import { Invitations } from './invitations.js';
import { Teammates } from './teammates.js';

const dir = mkdtempSync(path.join(tmpdir(), 'orrery-accounts-engines-'));
const open: Database[] = [];
afterAll(async () => {
  await Promise.all(open.map((d) => d.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe.each(['sqlite', 'postgres'] as const)('on %s', (engine) => {
  let now = 1_000_000;
  const clock = () => now;

  async function organisation(names: string[]) {
    const database = await openTestDatabase(engine, path.join(dir, `${engine}-${open.length}`));
    open.push(database);
    const accounts = new Accounts(database.db, clock);
    const org = await accounts.createOrganisation('Acme');
    const people = [];
    for (const [i, name] of names.entries()) {
      const email = `${name.toLowerCase().replace(/\W/g, '')}.${i}@example.com`;
      const role = i === 0 ? 'admin' : 'member';
      people.push((await insertUser(database.db, { orgId: org.id, email, name, role }, 'hash', now))!);
    }
    return { database, accounts, org, people };
  }

  it('searches teammates by name or email in any case, takes % and _ literally, and orders by name ignoring case', async () => {
    const { accounts, org } = await organisation(['zoe', 'Adam', 'bea', 'Ben 100%', 'Ben_x']);
    const names = async (q: string) => (await accounts.searchTeammates(org.id, q)).map((u) => u.name);
    expect(await names('')).toEqual(['Adam', 'bea', 'Ben 100%', 'Ben_x', 'zoe']);
    expect(await names('BE')).toEqual(['bea', 'Ben 100%', 'Ben_x']);
    expect(await names('ZOE.0@EXAMPLE')).toEqual(['zoe']);
    expect(await names('%')).toEqual(['Ben 100%']);
    expect(await names('_')).toEqual(['Ben_x']);
    expect(await names('n_')).toEqual(['Ben_x']);
    expect(await accounts.searchTeammates(org.id, 'b', 2)).toHaveLength(2);
  });

  it('lists teammates active first, each part by name ignoring case, with when they were last active', async () => {
    const { database, accounts, org, people } = await organisation(['Admin', 'carl', 'Bob', 'anna']);
    const teammates = new Teammates(database.db, clock);
    expect(await teammates.deactivate(org.id, people[3]!.id)).toMatchObject({ deactivatedAt: now });
    const { token } = await accounts.issueUserToken(people[2]!);
    now += 2 * 60 * 1000;
    await accounts.resolve(token);
    const members = await teammates.list(org.id);
    expect(members.map((m) => m.name)).toEqual(['Admin', 'Bob', 'carl', 'anna']);
    expect(members.find((m) => m.name === 'Bob')?.lastActiveAt).toBe(now);
    expect(members.find((m) => m.name === 'carl')?.lastActiveAt).toBeNull();
  });

  it("writes a token's last use at most once a minute, and revokes with a count of what changed", async () => {
    const { database, accounts, org, people } = await organisation(['Admin']);
    const { token, tokenId } = await accounts.issueUserToken(people[0]!, 'Firefox');
    const lastUsed = async () =>
      (
        await database.db
          .selectFrom('tokens')
          .select('last_used_at')
          .where('id', '=', tokenId)
          .executeTakeFirst()
      )?.last_used_at;
    const issuedAt = now;
    now += 30 * 1000;
    await accounts.resolve(token);
    expect(await lastUsed()).toBe(issuedAt);
    now += 31 * 1000;
    await Promise.all([accounts.resolve(token), accounts.resolve(token)]);
    expect(await lastUsed()).toBe(now);
    expect(await accounts.signIns(people[0]!.id)).toEqual([
      {
        id: tokenId,
        userAgent: 'Firefox',
        createdAt: issuedAt,
        lastUsedAt: now,
        expiresAt: expect.any(Number) as number,
      },
    ]);

    expect(await accounts.revokeToken(org.id, tokenId, 'service')).toBe(false);
    expect(await accounts.revokeToken(org.id, tokenId)).toBe(true);
    expect(await accounts.revokeToken(org.id, tokenId)).toBe(false);
    expect(await accounts.resolve(token)).toBeNull();
  });

  it("gives a deactivated person's sessions to another, dropping the new owner's grant and telling the old owner's list", async () => {
    const { database, org, people } = await organisation(['Admin', 'Eve', 'Finn']);
    const [, eve, finn] = people;
    for (const id of ['s1', 's2'])
      await database.db
        .insertInto('sessions')
        .values({
          id,
          org_id: org.id,
          owner_id: eve!.id,
          expert_id: 'x',
          environment_id: null,
          title: id,
          visibility: 'private',
          origin: 'manual',
          trigger_id: null,
          created_at: now,
          updated_at: now,
          clock: 0,
        })
        .execute();
    await database.db
      .insertInto('grants')
      .values({ session_id: 's1', user_id: finn!.id, granted_by: eve!.id, created_at: now })
      .execute();
    const teammates = new Teammates(database.db, clock);
    expect(await teammates.reassignSessions(org.id, eve!.id, 'nobody')).toBe('not-found');
    expect((await teammates.reassignSessions(org.id, eve!.id, finn!.id)) as string[]).toEqual(
      expect.arrayContaining(['s1', 's2']),
    );
    const sessions = await database.db.selectFrom('sessions').select(['owner_id', 'clock']).execute();
    expect(sessions.every((s) => s.owner_id === finn!.id && s.clock > 0)).toBe(true);
    expect(await database.db.selectFrom('grants').selectAll().execute()).toEqual([]);
    const removals = await database.db
      .selectFrom('session_removals')
      .select(['session_id', 'user_id'])
      .execute();
    expect(removals).toHaveLength(2);
    expect(removals.every((r) => r.user_id === eve!.id)).toBe(true);
  });

  it('lists invitations newest first with who invited, and an invitation revoked twice is revoked once', async () => {
    const { database, org, people } = await organisation(['Admin']);
    const invitations = new Invitations(database.db, clock);
    const first = await invitations.create(people[0]!, 'one@example.com', 'member');
    now += 1;
    const second = await invitations.create(people[0]!, 'two@example.com', 'admin');
    expect((await invitations.list(org.id)).map((i) => [i.email, i.invitedBy, i.status])).toEqual([
      ['two@example.com', 'Admin', 'pending'],
      ['one@example.com', 'Admin', 'pending'],
    ]);
    expect(await invitations.revoke(org.id, first.invitation.id)).toBe(true);
    expect(await invitations.revoke(org.id, first.invitation.id)).toBe(false);
    expect((await invitations.byToken(first.token)).state).toBe('revoked');
    expect((await invitations.byToken(second.token)).state).toBe('pending');
    expect((await invitations.byToken('no such token')).state).toBe('unknown');
  });
});
