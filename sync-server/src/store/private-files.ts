// Everything under the data folder (the database and its -wal/-shm files,
// the secrets key, attachments, the runner token) is readable by the owner
// only: folders 0700, files 0600. New files get it from their creation mode;
// installs made before this are brought in line on every start.
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates the folder if needed and takes away group and other access from it and everything inside. */
export function makePrivate(dir: string, warn: (message: string) => void): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  tighten(dir, warn);
}

/** Removes group and other access from a file or folder and, for a folder, from what it holds. Symbolic links are not followed. */
function tighten(entry: string, warn: (message: string) => void): void {
  const complain = (error: unknown) =>
    warn(
      `could not make ${entry} private to its owner (${error instanceof Error ? error.message : String(error)}); fix its owner or mode by hand.`,
    );
  try {
    const stat = lstatSync(entry);
    if (stat.isSymbolicLink()) return;
    // Only ever removes bits: what the owner may do stays as it was.
    if (stat.mode & 0o077) chmodSync(entry, stat.mode & 0o700);
    if (stat.isDirectory()) for (const name of readdirSync(entry)) tighten(path.join(entry, name), warn);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') complain(error);
  }
}
