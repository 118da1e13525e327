// Moves an embedded install (the SQLite file and 0.1's attachment files in
// the data folder) into an empty PostgreSQL database: every table's rows in
// one transaction, in foreign-key order, then a check that both sides hold
// the same rows and every document the same Yjs state. Nothing is written to
// the target unless it all fits; the SQLite install is left as it was.
import BetterSqlite3 from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import * as Y from 'yjs';
import { settleInstallation } from '../installation.js';
import { legacyFileOf, partsOf } from '../records/attachments.js';
import {
  DatabaseUrlError,
  openDatabase,
  openPostgres,
  type Database,
  type Records,
  type SqliteConnection,
} from './database.js';
import { docStoreOf } from './doc-stores.js';
import { migrateToLatest } from './migrations/index.js';

/** Rows per INSERT: well under PostgreSQL's 65,535 parameters for the widest table. */
const BATCH_ROWS = 500;

export class MigrateError extends Error {}

export interface MigrateReport {
  /** Rows copied per table, in the order they were copied. */
  rows: Record<string, number>;
  documents: number;
  /** Attachments whose bytes came from 0.1's files. */
  attachmentFiles: number;
  /** Parts written for them. */
  attachmentFileParts: number;
  /** Attachments with a row but no bytes anywhere (already lost before the move). */
  missingAttachments: string[];
}

type Row = Record<string, unknown>;

export async function migrateToPostgres(options: {
  dataDir: string;
  url: string;
  /** The install's secrets key (main.ts's: ORRERY_SECRETS_KEY or <dataDir>/secrets.key), read once the install is found. */
  secretsKey: () => Buffer;
  log?: (line: string) => void;
}): Promise<MigrateReport> {
  const log = options.log ?? (() => {});
  const file = path.join(options.dataDir, 'orrery.sqlite');
  if (!existsSync(file))
    throw new MigrateError(
      `there is no Orrery database at ${file}: set ORRERY_DATA_DIR to the data folder to move`,
    );
  const target = openTarget(options.url);
  const snapshot = path.join(options.dataDir, `orrery.sqlite.moving-${randomBytes(4).toString('hex')}`);
  let source: Database | null = null;
  try {
    await reach(target);
    await snapshotOf(file, snapshot);
    source = await openDatabase({ file: snapshot });
    // The installation's id and key check go with it (an install that never ran
    // this release has neither yet), so servers in other data folders keep the
    // Environment snapshots and refuse a different key.
    await settleInstallation(source.db, options.dataDir, options.secretsKey());
    const sqlite = source.sqlite!;
    const tables = tablesInOrder(sqlite);
    await refuseNonEmpty(target, tables);
    await migrateToLatest(target);
    log(`copying ${tables.length} tables from ${file} to ${target.where}`);
    const report: MigrateReport = {
      rows: {},
      documents: 0,
      attachmentFiles: 0,
      attachmentFileParts: 0,
      missingAttachments: [],
    };
    await target.db.transaction().execute(async (trx) => {
      for (const table of tables) {
        try {
          report.rows[table] = await copyTable(sqlite, trx, table);
        } catch (err) {
          throw new MigrateError(
            `could not copy ${table} (nothing was written): ${err instanceof Error ? err.message : String(err)}`,
          );
        }
      }
      await fillDocHeads(sqlite, trx);
      await advanceSequences(trx, tables);
      Object.assign(
        report,
        await copyAttachmentFiles(sqlite, trx, path.join(options.dataDir, 'attachments')),
      );
      // Checked before the commit, so a copy that came out short is never left behind.
      await verifyRows(sqlite, trx, tables, report);
    });
    log('checking that every document has the same state on both sides');
    report.documents = await verifyDocuments(source, target);
    return report;
  } finally {
    await source?.close();
    await target.close();
    for (const f of [snapshot, `${snapshot}-wal`, `${snapshot}-shm`]) rmSync(f, { force: true });
  }
}

/**
 * The move reads a consistent copy taken with SQLite's online backup (a
 * server still writing cannot tear it), brought up to date there: the
 * install itself is left exactly as it was, so the release it came from
 * still opens it.
 */
async function snapshotOf(file: string, to: string): Promise<void> {
  const raw = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    raw.pragma('busy_timeout = 10000');
    await raw.backup(to);
  } finally {
    raw.close();
  }
}

function openTarget(url: string): Database {
  try {
    return openPostgres(url);
  } catch (err) {
    if (err instanceof DatabaseUrlError)
      throw new MigrateError(err.message.replace('ORRERY_DATABASE_URL', '--to'));
    throw err;
  }
}

async function reach(target: Database): Promise<void> {
  try {
    await sql`SELECT 1`.execute(target.db);
  } catch (err) {
    throw new MigrateError(
      `could not reach PostgreSQL at ${target.where}: ${err instanceof Error ? err.message : String(err)} ` +
        '(is the server running, and do the user, password and database in the URL exist?)',
    );
  }
}

/** The tables of the SQLite file that hold Orrery's rows, each after the tables it references. */
export function tablesInOrder(sqlite: SqliteConnection): string[] {
  const names = sqlite
    .prepare<[], { name: string }>(
      `SELECT name FROM sqlite_master WHERE type = 'table'
       AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE 'kysely\\_%' ESCAPE '\\' ORDER BY name`,
    )
    .all()
    .map((r) => r.name);
  const ordered: string[] = [];
  const visit = (name: string, path: string[]) => {
    if (ordered.includes(name) || path.includes(name)) return;
    const refs = sqlite.prepare<[], { table: string }>(`PRAGMA foreign_key_list("${name}")`).all();
    for (const ref of refs) if (ref.table !== name) visit(ref.table, [...path, name]);
    ordered.push(name);
  };
  for (const name of names) visit(name, []);
  return ordered;
}

async function refuseNonEmpty(target: Database, tables: string[]): Promise<void> {
  const present = await target.db
    .selectFrom(sql<{ table_name: string }>`information_schema.tables`.as('t'))
    .select('table_name')
    .where(sql`table_schema`, '=', sql`current_schema()`)
    .where('table_name', 'in', tables)
    .execute();
  const filled: string[] = [];
  for (const { table_name } of present) {
    const { n } = await count(target.db, table_name);
    if (n > 0) filled.push(`${table_name} (${n})`);
  }
  if (filled.length) {
    throw new MigrateError(
      `the PostgreSQL database at ${target.where} already holds Orrery data: ${filled.join(', ')}. ` +
        'Move into an empty database (for example: createdb orrery) so nothing there is mixed or overwritten.',
    );
  }
}

async function count(db: Records, table: string): Promise<{ n: number }> {
  const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(db);
  return { n: Number(rows[0]!.n) };
}

async function copyTable(sqlite: SqliteConnection, trx: Records, table: string): Promise<number> {
  // Read as a stream (some tables have no rowid to page by), written in batches.
  const db = trx as unknown as Kysely<Record<string, Row>>;
  // The target was empty before its migrations ran: what they seeded (the change clock's row) is replaced by the install's.
  await db.deleteFrom(table).execute();
  let batch: Row[] = [];
  let copied = 0;
  for (const row of sqlite.prepare<[], Row>(`SELECT * FROM "${table}"`).iterate()) {
    batch.push(row);
    if (batch.length === BATCH_ROWS) {
      await db.insertInto(table).values(batch).execute();
      copied += batch.length;
      batch = [];
    }
  }
  if (batch.length) await db.insertInto(table).values(batch).execute();
  return copied + batch.length;
}

/** On PostgreSQL the next sequence number is the head's plus one: the head is each document's last. */
async function fillDocHeads(sqlite: SqliteConnection, trx: Records): Promise<void> {
  const heads = sqlite
    .prepare<[], { name: string; seq: number }>(
      `SELECT name, MAX(seq) AS seq FROM (
         SELECT name, seq FROM doc_updates UNION ALL SELECT name, through_seq AS seq FROM doc_snapshots
       ) GROUP BY name`,
    )
    .all();
  const db = trx;
  for (let at = 0; at < heads.length; at += BATCH_ROWS) {
    await db
      .insertInto('doc_heads')
      .values(heads.slice(at, at + BATCH_ROWS))
      .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ seq: eb.ref('excluded.seq') })))
      .execute();
  }
}

/**
 * A column PostgreSQL numbers itself (serial or identity; none in today's
 * schema) must go on from the copied rows' largest value, or the next insert
 * would collide with a copied row.
 */
async function advanceSequences(trx: Records, tables: string[]): Promise<void> {
  const { rows } = await sql<{ table_name: string; column_name: string }>`
    SELECT table_name, column_name FROM information_schema.columns
    WHERE table_schema = current_schema() AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')`.execute(
    trx,
  );
  for (const { table_name, column_name } of rows.filter((r) => tables.includes(r.table_name))) {
    await sql`SELECT setval(pg_get_serial_sequence(${table_name}, ${column_name}),
      COALESCE((SELECT MAX(${sql.ref(column_name)}) FROM ${sql.table(table_name)}), 0) + 1, false)`.execute(
      trx,
    );
  }
}

/** 0.1 kept attachment bytes in files: each goes into the target's parts. */
async function copyAttachmentFiles(sqlite: SqliteConnection, trx: Records, dir: string) {
  const withoutParts = sqlite
    .prepare<[], { sha256: string }>(
      `SELECT sha256 FROM attachments a WHERE NOT EXISTS (SELECT 1 FROM attachment_blobs b WHERE b.sha256 = a.sha256)`,
    )
    .all();
  const db = trx;
  const missingAttachments: string[] = [];
  let attachmentFiles = 0;
  let attachmentFileParts = 0;
  for (const { sha256 } of withoutParts) {
    const file = legacyFileOf(dir, sha256);
    if (!existsSync(file)) {
      missingAttachments.push(sha256);
      continue;
    }
    for (const part of partsOf(sha256, readFileSync(file))) {
      await db.insertInto('attachment_blobs').values(part).execute();
      attachmentFileParts += 1;
    }
    attachmentFiles += 1;
  }
  return { attachmentFiles, attachmentFileParts, missingAttachments };
}

/** Same row counts, and every attachment's bytes matching its digest. */
async function verifyRows(sqlite: SqliteConnection, trx: Records, tables: string[], report: MigrateReport) {
  // doc_heads is filled from the documents (SQLite keeps it empty); verifyDocuments compares their heads.
  for (const table of tables.filter((t) => t !== 'doc_heads')) {
    const there = (await count(trx, table)).n;
    const here = sqlite.prepare<[], { n: number }>(`SELECT count(*) AS n FROM "${table}"`).get()!.n;
    const expected = table === 'attachment_blobs' ? here + report.attachmentFileParts : here;
    if (there !== expected)
      throw new MigrateError(`${table}: ${here} rows in SQLite but ${there} in PostgreSQL`);
  }
  const attachments = await trx.selectFrom('attachments').select('sha256').execute();
  for (const { sha256 } of attachments) {
    if (report.missingAttachments.includes(sha256)) continue;
    const parts = await trx
      .selectFrom('attachment_blobs')
      .select('bytes')
      .where('sha256', '=', sha256)
      .orderBy('part')
      .execute();
    const digest = createHash('sha256')
      .update(Buffer.concat(parts.map((p) => p.bytes)))
      .digest('hex');
    if (digest !== sha256) throw new MigrateError(`attachment ${sha256} did not arrive intact in PostgreSQL`);
  }
}

/**
 * Every document loaded from each side, its updates merged, compared by state
 * vector and full state. (After the commit: the document log reads through
 * its own transactions.)
 */
async function verifyDocuments(source: Database, target: Database): Promise<number> {
  const sqlite = source.sqlite!;
  const names = sqlite
    .prepare<[], { name: string }>('SELECT name FROM doc_updates UNION SELECT name FROM doc_snapshots')
    .all()
    .map((r) => r.name);
  const from = docStoreOf(source);
  const to = docStoreOf(target);
  for (const name of names) {
    const [here, there] = [await from.load(name), await to.load(name)];
    const [a, b] = [stateOf(here.updates), stateOf(there.updates)];
    if (here.seq !== there.seq || !a.vector.equals(b.vector) || !a.update.equals(b.update))
      throw new MigrateError(
        `document ${name} differs after the move: was the server still running? ` +
          `Stop it, empty ${target.where} (dropdb and createdb) and move again.`,
      );
  }
  return names.length;
}

/** A document's whole state in a canonical encoding, comparable byte for byte. */
function stateOf(updates: Uint8Array[]): { vector: Buffer; update: Buffer } {
  const doc = new Y.Doc();
  if (updates.length) Y.applyUpdate(doc, Y.mergeUpdates(updates));
  const state = {
    vector: Buffer.from(Y.encodeStateVector(doc)),
    update: Buffer.from(Y.encodeStateAsUpdate(doc)),
  };
  doc.destroy();
  return state;
}
