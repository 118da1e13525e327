// The global change clock: every change to a session record takes the next
// value, so clients can ask for "what changed since" by one number. One row,
// updated in place: both engines serialise the increments, so two sync
// servers never hand out the same value.
import { sql } from 'kysely';
import type { Records } from './database.js';

export async function nextClock(db: Records): Promise<number> {
  const { value } = await db
    .updateTable('change_clock')
    .set({ value: sql<number>`value + 1` })
    .returning('value')
    .executeTakeFirstOrThrow();
  return value;
}

export async function currentClock(db: Records): Promise<number> {
  const { value } = await db.selectFrom('change_clock').select('value').executeTakeFirstOrThrow();
  return value;
}
