// Which engine a test server runs on: SQLite unless ORRERY_TEST_ENGINE=postgres
// (the sync-server-postgres test project sets it), or a test asks for one.
// PostgreSQL is started once per test process, on first use, and removed
// when the process ends; each test server gets a database of its own.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { openDatabase, type Database, type Engine } from '../store/database.js';
import { startPostgres, type PostgresServer } from './postgres.js';

export function testEngine(): Engine {
  return process.env.ORRERY_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';
}

let shared: Promise<PostgresServer> | null = null;

/** The PostgreSQL server of this test process. */
export function testPostgres(): Promise<PostgresServer> {
  if (!shared) {
    shared = startPostgres();
    shared
      .then((server) => {
        // Vitest ends a worker by closing it: stop the server with it.
        process.once('beforeExit', () => void server.stop());
        process.once('exit', () => server.stopNow());
      })
      .catch(() => {});
  }
  return shared;
}

/** A fresh database on `engine`: the SQLite file goes in `dir`. */
export async function openTestDatabase(engine: Engine, dir: string): Promise<Database> {
  if (engine === 'sqlite') {
    mkdirSync(dir, { recursive: true });
    return openDatabase({ file: path.join(dir, 'orrery.sqlite') });
  }
  const server = await testPostgres();
  return openDatabase({ url: await server.createDatabase(), file: '' });
}
