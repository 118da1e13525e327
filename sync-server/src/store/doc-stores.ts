// The document log on the database's engine.
import type { Database } from './database.js';
import type { DocStore } from './doc-store.js';
import { PostgresDocStore } from './postgres-doc-store.js';
import { SqliteDocStore } from './sqlite-doc-store.js';

export function docStoreOf(database: Database): DocStore {
  return database.sqlite ? new SqliteDocStore(database.sqlite) : new PostgresDocStore(database.db);
}
