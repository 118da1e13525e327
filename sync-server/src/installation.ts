// The installation id: random, made on the server's first run and kept in
// its data folder. Runners get it in every session's context and label the
// snapshot images they build with it, so an image is only ever reused by the
// installation that built it, even when several share a Docker engine.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

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
