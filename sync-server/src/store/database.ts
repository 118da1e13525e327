// The records and the document log live in one database: an embedded SQLite
// file (the default, for one machine) or PostgreSQL (ORRERY_DATABASE_URL =
// postgres://…, for several sync servers). Records speak to it through Kysely,
// which writes each query in the engine's dialect; the schema is brought up
// to date by one migrator for both (store/migrations).
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { migrateToLatest } from './migrations/index.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './private-files.js';
import type { Tables } from './tables.js';

export type Engine = 'sqlite' | 'postgres';

/** The better-sqlite3 connection of an embedded store. */
export type SqliteConnection = BetterSqlite3.Database;

export interface Database {
  engine: Engine;
  /** Where it lives, for messages: the file, or the PostgreSQL URL without its password. */
  where: string;
  db: Kysely<Tables>;
  /**
   * SQLite only: the one connection Kysely also uses. The document log appends
   * through it synchronously (group commit) and never while a transaction is open.
   */
  sqlite: SqliteConnection | null;
  close(): Promise<void>;
}

export type Records = Kysely<Tables>;

export class DatabaseUrlError extends Error {}

/** `file` is the SQLite file used when no PostgreSQL URL is given. */
export async function openDatabase(options: { url?: string | null; file: string }): Promise<Database> {
  const url = options.url?.trim();
  const database = url ? openPostgres(url) : openSqlite(options.file);
  try {
    await migrateToLatest(database);
  } catch (err) {
    await database.close();
    throw err;
  }
  return database;
}

export function openSqlite(file: string): Database {
  if (file !== ':memory:') makeFilesPrivate(file);
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a committed transaction survives a process crash (kill -9);
  // only a power loss may drop the last commits.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  cacheStatements(sqlite);
  const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: sqlite }) });
  return {
    engine: 'sqlite',
    where: file,
    db,
    sqlite,
    // Kysely's SQLite driver closes the connection it was given.
    close: () => db.destroy(),
  };
}

// BIGINT (8 bytes) and NUMERIC come back from pg as strings by default; every
// integer Orrery stores (milliseconds, sizes, sequence numbers) fits a double.
const NUMBER_TYPES = new Set([20, 1700]);
const parseDefault = pg.types.getTypeParser.bind(pg.types) as (oid: number, format?: string) => unknown;
const types = {
  getTypeParser: ((oid: number, format?: string): unknown =>
    NUMBER_TYPES.has(oid)
      ? (value: string) => Number(value)
      : parseDefault(oid, format)) as typeof pg.types.getTypeParser,
};

export function openPostgres(url: string): Database {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DatabaseUrlError(
      `ORRERY_DATABASE_URL is not a URL: write it as postgres://user:password@host:5432/database`,
    );
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new DatabaseUrlError(
      `ORRERY_DATABASE_URL must start with postgres:// (got ${parsed.protocol}//); leave it unset to use the embedded SQLite file`,
    );
  }
  parsed.password = parsed.password ? '***' : '';
  const pool = new pg.Pool({ connectionString: url, max: 10, types });
  // An idle connection the server dropped must not take the process down; the next query reconnects.
  pool.on('error', () => {});
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  return { engine: 'postgres', where: parsed.toString(), db, sqlite: null, close: () => db.destroy() };
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
function cacheStatements(db: SqliteConnection): void {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, BetterSqlite3.Statement>();
  db.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (!statement) {
      statement = prepare(source);
      cache.set(source, statement);
    }
    return statement;
  }) as SqliteConnection['prepare'];
}
