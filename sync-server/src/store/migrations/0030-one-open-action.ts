// One open session action per session, kept by the database: instances used
// to check and insert inside one process's transaction, which no longer holds
// when two sync servers take actions for the same session at once.
import { sql } from 'kysely';
import type { EngineMigration } from './index.js';

export const oneOpenAction: EngineMigration = () => ({
  async up(db) {
    // Actions open before the upgrade have nobody waiting for them (the server restarted).
    await sql`UPDATE jobs SET state = 'failed', detail = 'nobody waits for it any more', payload = NULL,
      lease_token = NULL WHERE kind = 'session_action' AND state IN ('pending', 'leased')`.execute(db);
    await db.schema
      .createIndex('jobs_one_action')
      .unique()
      .on('jobs')
      .column('session_id')
      .where(sql.raw<boolean>(`kind = 'session_action' AND state IN ('pending', 'leased')`))
      .execute();
  },
});
