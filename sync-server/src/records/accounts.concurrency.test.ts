// Two sync servers on one PostgreSQL: the account changes that must happen
// once (claiming an invitation, demoting the last admin, first-run setup,
// revoking a token) are made by both at the same moment, through two
// connection pools as two instances would, and happen once. SQLite (one
// process, one connection) runs the same cases through one pool.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database, type Engine } from '../store/database.js';
import { testPostgres } from '../testing/engines.js';
import { Accounts, EmailTakenError, FIRST_ORGANISATION_ID, insertUser } from './accounts.js';
import { Invitations } from './invitations.js';
import { Teammates } from './teammates.js';

const ROUNDS = 10;
const dirs: string[] = [];
const open: Database[] = [];
afterAll(async () => {
  await Promise.all(open.map((d) => d.close()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Two instances on one database: two pools on PostgreSQL, the one connection twice on SQLite. */
async function twoInstances(engine: Engine): Promise<[Database, Database]> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'orrery-accounts-'));
    dirs.push(dir);
    const one = await openDatabase({ file: path.join(dir, 'orrery.sqlite') });
    open.push(one);
    return [one, one];
  }
  const url = await (await testPostgres()).createDatabase();
  const a = await openDatabase({ url, file: '' });
  const b = await openDatabase({ url, file: '' });
  open.push(a, b);
  return [a, b];
}

const now = () => Date.now();

async function organisationWithAdmins(database: Database, admins: number) {
  const accounts = new Accounts(database.db, now);
  const org = await accounts.createOrganisation('Acme');
  const people = [];
  for (let i = 0; i < admins; i++) {
    const user = await insertUser(
      database.db,
      { orgId: org.id, email: `admin${i}.${org.id}@example.com`, name: `Admin ${i}`, role: 'admin' },
      'not a real hash',
      now(),
    );
    people.push(user!);
  }
  return { org, people, accounts };
}

describe.each(['postgres', 'sqlite'] as const)('on %s, at the same moment on two instances', (engine) => {
  it('two accepts of one invitation link make one account; the other hears it was used', async () => {
    const [a, b] = await twoInstances(engine);
    const { org, people } = await organisationWithAdmins(a, 1);
    const invitations = [new Invitations(a.db, now), new Invitations(b.db, now)] as const;
    for (let round = 0; round < ROUNDS; round++) {
      const email = `invitee${round}@example.com`;
      const { token } = await invitations[0].create(people[0]!, email, 'member');
      const results = await Promise.all([
        invitations[0].accept(token, 'First', 'hash'),
        invitations[1].accept(token, 'Second', 'hash'),
      ]);
      const made = results.filter((r) => typeof r !== 'string');
      expect(made).toHaveLength(1);
      expect(results.filter((r) => r === 'accepted')).toHaveLength(1);
      const accounts = await a.db.selectFrom('users').select('id').where('email', '=', email).execute();
      expect(accounts).toEqual([{ id: made[0]!.id }]);
      expect((await invitations[1].byToken(token)).state).toBe('accepted');
    }
    expect((await invitations[0].list(org.id)).every((i) => i.status === 'accepted')).toBe(true);
  });

  it('two invitations of one email made at once leave one link that works', async () => {
    const [a, b] = await twoInstances(engine);
    const { people } = await organisationWithAdmins(a, 1);
    for (let round = 0; round < ROUNDS; round++) {
      const email = `twice${round}@example.com`;
      const made = await Promise.all([
        new Invitations(a.db, now).create(people[0]!, email, 'member'),
        new Invitations(b.db, now).create(people[0]!, email, 'admin'),
      ]);
      const states = await Promise.all(made.map(({ token }) => new Invitations(a.db, now).byToken(token)));
      expect(states.map((s) => s.state).sort()).toEqual(['pending', 'revoked']);
    }
  });

  it('two admins demoting each other leave one admin; the refused one hears why', async () => {
    const [a, b] = await twoInstances(engine);
    for (let round = 0; round < ROUNDS; round++) {
      const { org, people } = await organisationWithAdmins(a, 2);
      const [x, y] = [people[0]!, people[1]!];
      const results = await Promise.all([
        new Teammates(a.db, now).setRole(org.id, y.id, 'member'),
        new Teammates(b.db, now).setRole(org.id, x.id, 'member'),
      ]);
      expect(results.filter((r) => r === 'last-admin')).toHaveLength(1);
      const admins = await adminsOf(a, org.id);
      expect(admins).toHaveLength(1);
    }
  });

  it('two admins deactivating each other (or one demoting, one deactivating) leave one active admin', async () => {
    const [a, b] = await twoInstances(engine);
    for (let round = 0; round < ROUNDS; round++) {
      const { org, people } = await organisationWithAdmins(a, 2);
      const [x, y] = [people[0]!, people[1]!];
      const results = await Promise.all([
        new Teammates(a.db, now).deactivate(org.id, y.id),
        round % 2 === 0
          ? new Teammates(b.db, now).deactivate(org.id, x.id)
          : new Teammates(b.db, now).setRole(org.id, x.id, 'member'),
      ]);
      expect(results.filter((r) => r === 'last-admin')).toHaveLength(1);
      expect(await adminsOf(a, org.id)).toHaveLength(1);
    }
  });

  it('one email added twice at once makes one account; the other call says the email is taken', async () => {
    const [a, b] = await twoInstances(engine);
    const { org } = await organisationWithAdmins(a, 1);
    const input = { orgId: org.id, email: 'twice@example.com', name: 'Twice', role: 'member' as const };
    const results = await Promise.allSettled([
      new Accounts(a.db, now).createUser({ ...input, password: 'a long enough password' }),
      new Accounts(b.db, now).createUser({ ...input, password: 'a long enough password' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected');
    expect(refused?.reason).toBeInstanceOf(EmailTakenError);
  });

  it('a token revoked on both instances at once is revoked once, and resolves on neither', async () => {
    const [a, b] = await twoInstances(engine);
    const { people } = await organisationWithAdmins(a, 1);
    const accounts = [new Accounts(a.db, now), new Accounts(b.db, now)] as const;
    for (let round = 0; round < ROUNDS; round++) {
      const { token, tokenId } = await accounts[0].issueUserToken(people[0]!);
      expect(await accounts[1].resolve(token)).toMatchObject({ kind: 'user', tokenId });
      const revoked = await Promise.all([
        accounts[0].revokeSignIn(people[0]!.id, tokenId),
        accounts[1].revokeSignIn(people[0]!.id, tokenId),
      ]);
      expect(revoked.filter(Boolean)).toHaveLength(1);
      expect(await accounts[0].resolve(token)).toBeNull();
      expect(await accounts[1].tokenLive(tokenId)).toBe(false);
    }
  });

  it('first-run setup on both instances at once makes one organisation and one admin', async () => {
    for (let round = 0; round < 3; round++) {
      const [a, b] = await twoInstances(engine);
      const admin = { email: 'admin@example.com', name: 'Admin', password: 'a long enough password' };
      const made = await Promise.all([
        new Accounts(a.db, now).createFirstOrganisation('Acme', admin),
        new Accounts(b.db, now).createFirstOrganisation('Acme', admin),
      ]);
      expect(made.filter((m) => m !== null)).toHaveLength(1);
      expect(await a.db.selectFrom('organisations').select('id').execute()).toEqual([
        { id: FIRST_ORGANISATION_ID },
      ]);
      expect(await adminsOf(b, FIRST_ORGANISATION_ID)).toHaveLength(1);
      expect(await new Accounts(b.db, now).firstAdmin(FIRST_ORGANISATION_ID)).toMatchObject({
        email: admin.email,
      });
    }
  });
});

function adminsOf(database: Database, orgId: string) {
  return database.db
    .selectFrom('users')
    .select('id')
    .where('org_id', '=', orgId)
    .where('role', '=', 'admin')
    .where('deactivated_at', 'is', null)
    .execute();
}
