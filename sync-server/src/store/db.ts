// The change clock, and the synchronous better-sqlite3 connection the records
// not yet moved to Kysely still use (the database is opened by database.ts).
import type { SqliteConnection } from './database.js';

export type Db = SqliteConnection;

/** The global change clock: every change to a session record takes the next value. */
export function nextClock(db: Db): number {
  const row = db.prepare('UPDATE change_clock SET value = value + 1 RETURNING value').get() as {
    value: number;
  };
  return row.value;
}

export function currentClock(db: Db): number {
  return (db.prepare('SELECT value FROM change_clock').get() as { value: number }).value;
}
