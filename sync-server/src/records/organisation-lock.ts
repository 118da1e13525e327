// A per-organisation lock for the few changes whose check and write must not
// interleave with another instance's (the last admin, one pending invitation per email).
import type { Transaction } from 'kysely';
import type { Tables } from '../store/tables.js';

/**
 * Holds the organisation's row until the transaction ends. An update that
 * changes nothing locks the row on PostgreSQL (a second change waits here,
 * then sees the first one's outcome) and starts the write on SQLite.
 */
export async function lockOrganisation(trx: Transaction<Tables>, orgId: string): Promise<void> {
  await trx
    .updateTable('organisations')
    .set((eb) => ({ id: eb.ref('id') }))
    .where('id', '=', orgId)
    .execute();
}
