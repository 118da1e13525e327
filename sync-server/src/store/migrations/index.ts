// One migrator for both engines (Kysely's, with its own bookkeeping tables).
// Each migration is a module here, in order; a migration gets the engine so
// the rare step that must differ (0001's DDL) can say so in one place.
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Database, Engine } from '../database.js';
import { initial } from './0001-initial.js';
import { docHeads } from './0002-doc-heads.js';
import { expertNames } from './0020-expert-names.js';
import { oneOpenAction } from './0030-one-open-action.js';
import { attachmentBlobs } from './0050-attachment-blobs.js';
import { installation } from './0060-installation.js';

export type EngineMigration = (engine: Engine) => Migration;

// The names sort in the order they run; never rename or reorder one that shipped.
const MIGRATIONS: Record<string, EngineMigration> = {
  '0001-initial': initial,
  '0002-doc-heads': docHeads,
  '0020-expert-names': expertNames,
  '0030-one-open-action': oneOpenAction,
  '0050-attachment-blobs': attachmentBlobs,
  '0060-installation': installation,
};

export class MigrationError extends Error {}

export async function migrateToLatest(database: Database): Promise<void> {
  const provider: MigrationProvider = {
    getMigrations: () =>
      Promise.resolve(
        Object.fromEntries(Object.entries(MIGRATIONS).map(([name, make]) => [name, make(database.engine)])),
      ),
  };
  const { error, results } = await new Migrator({
    db: database.db as Kysely<unknown>,
    provider,
  }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'a migration';
    throw new MigrationError(
      `could not bring the database at ${database.where} up to date (${failed}): ${error instanceof Error ? error.message : JSON.stringify(error)}`,
    );
  }
}
