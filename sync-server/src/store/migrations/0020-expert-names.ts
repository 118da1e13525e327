// Experts keep their name in a column (as Environments do), so session lists
// join it without reading JSON in SQL, which the two engines spell
// differently. Existing rows are filled from their bodies here, in TypeScript.
import type { Kysely } from 'kysely';
import type { EngineMigration } from './index.js';

/** The table as this migration knows it (tables.ts moves on with later migrations). */
interface ExpertsThen {
  experts: { id: string; body: string; name: string };
}

export const expertNames: EngineMigration = () => ({
  async up(untyped) {
    const db = untyped as Kysely<ExpertsThen>;
    await db.schema
      .alterTable('experts')
      .addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    const rows = await db.selectFrom('experts').select(['id', 'body']).execute();
    for (const row of rows) {
      await db
        .updateTable('experts')
        .set({ name: nameIn(row.body) })
        .where('id', '=', row.id)
        .execute();
    }
  },
});

function nameIn(body: string): string {
  try {
    const name = (JSON.parse(body) as { name?: unknown }).name;
    return typeof name === 'string' ? name : '';
  } catch {
    return '';
  }
}
