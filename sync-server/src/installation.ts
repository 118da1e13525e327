// The installation id: random, made on the server's first run and kept in
// its data folder. Runners get it in every session's context and label the
// snapshot images they build with it, so an image is only ever reused by the
// installation that built it, even when several share a Docker engine.
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Records } from './store/database.js';

export const INSTALLATION_ID_FILE = 'installation-id';

const FORMAT = /^[a-f0-9]{32}$/;

export function loadInstallationId(dataDir: string): string {
  const file = path.join(dataDir, INSTALLATION_ID_FILE);
  try {
    return check(readFileSync(file, 'utf8').trim(), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const id = randomBytes(16).toString('hex');
  try {
    writeFileSync(file, `${id}\n`, { mode: 0o600, flag: 'wx' });
    return id;
  } catch (error) {
    // Another process of this installation made it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return check(readFileSync(file, 'utf8').trim(), file);
  }
}

function check(id: string, file: string): string {
  if (!FORMAT.test(id)) {
    throw new Error(
      `${file} must hold the installation id (32 hexadecimal digits). Restore it from a backup, or remove the file to make a new one (snapshots of the old id are then rebuilt).`,
    );
  }
  return id;
}

/**
 * The installation id all instances share, and a check that this instance
 * holds the secrets key the others do. The first instance to start records
 * its id (the one in its data folder, so an install moved from SQLite keeps
 * its snapshots) and its key's check value; the others adopt the id and
 * refuse to start with another key, which would seal secrets they cannot read.
 */
export async function settleInstallation(db: Records, dataDir: string, secretsKey: Buffer): Promise<string> {
  const check = createHmac('sha256', secretsKey).update('orrery secrets key check').digest('base64');
  await db
    .insertInto('installation')
    .values([
      { key: 'id', value: loadInstallationId(dataDir) },
      { key: 'secrets_key_check', value: check },
    ])
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const rows = await db.selectFrom('installation').select(['key', 'value']).execute();
  const value = (key: string) => rows.find((r) => r.key === key)!.value;
  if (value('secrets_key_check') !== check) {
    throw new InstallationError(
      'This instance holds a different secrets key from the one the database was set up with, so it could not read the secrets. ' +
        'Give every instance the same ORRERY_SECRETS_KEY (or the secrets.key file of the first one).',
    );
  }
  return value('id');
}

export class InstallationError extends Error {}
