// Records tests on either engine: a fresh database with an organisation and
// a few people in it, written directly (the accounts records are not under test).
import type { User } from '@orrery/shared';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Database, Engine } from '../store/database.js';
import { openTestDatabase } from '../testing/engines.js';

export interface Fixture {
  database: Database;
  org: string;
  admin: User;
  member: User;
  viewer: User;
}

export async function recordsFixture(engine: Engine): Promise<Fixture> {
  const database = await openTestDatabase(engine, mkdtempSync(path.join(tmpdir(), 'orrery-records-')));
  const org = 'org1';
  await database.db.insertInto('organisations').values({ id: org, name: 'Acme', created_at: 1 }).execute();
  const person = async (id: string, name: string, role: 'admin' | 'member'): Promise<User> => {
    const email = `${id}@acme.test`;
    await database.db
      .insertInto('users')
      .values({ id, org_id: org, email, name, password_hash: 'x', role, created_at: 1, deactivated_at: null })
      .execute();
    return { id, orgId: org, email, name, role, createdAt: 1 };
  };
  return {
    database,
    org,
    admin: await person('admin1', 'Ada', 'admin'),
    member: await person('member1', 'Max', 'member'),
    viewer: await person('viewer1', 'Vi', 'member'),
  };
}
