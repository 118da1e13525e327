// Where each document's log ends, as a row: on PostgreSQL the next sequence
// number is taken by updating it, so two sync servers appending to the same
// document take turns on the row and commit in sequence order. (The SQLite
// store, one process by construction, counts in memory and leaves it empty.)
import type { EngineMigration } from './index.js';

export const docHeads: EngineMigration = () => ({
  async up(db) {
    await db.schema
      .createTable('doc_heads')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .execute();
  },
});
