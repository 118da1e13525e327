// What every instance of one installation must agree on, kept in the
// database they share rather than in each one's data folder: the
// installation id, and a check value of the secrets key (not the key).
import type { EngineMigration } from './index.js';

export const installation: EngineMigration = () => ({
  async up(db) {
    await db.schema
      .createTable('installation')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
  },
});
