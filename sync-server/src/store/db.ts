// Opens the SQLite file in WAL mode and brings its schema up to date. The
// records (accounts, sessions, Experts, …) live here beside the Yjs log.
import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './private-files.js';
import { MIGRATIONS } from './schema.js';

export type Db = Database.Database;

export function openDb(file: string): Db {
  if (file !== ':memory:') makeFilesPrivate(file);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a committed transaction survives a process crash (kill -9);
  // only a power loss may drop the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  cacheStatements(db);
  return db;
}

/**
 * SQLite makes its -wal and -shm files with the database file's mode, so the
 * file is created owner-only before SQLite opens it; files of an older
 * install are tightened too.
 */
function makeFilesPrivate(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
  if (!existsSync(file)) closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    if (existsSync(f)) chmodSync(f, PRIVATE_FILE_MODE);
  }
}

/** Every query is prepared once: preparing is the costliest part of a small query. */
function cacheStatements(db: Db): void {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let statement = cache.get(sql);
    if (!statement) {
      statement = prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  }) as Db['prepare'];
}

function migrate(db: Db): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let v = version; v < MIGRATIONS.length; v += 1) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

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
