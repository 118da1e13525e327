import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { INSTALLATION_ID_FILE, InstallationError, settleInstallation } from './installation.js';
import { openDatabase } from './store/database.js';
import { testPostgres } from './testing/engines.js';

const dirs: string[] = [];
const dir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'orrery-inst-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('an installation of several instances on one database', () => {
  it('shares the first instance’s id, and refuses an instance with another secrets key', async () => {
    const url = await (await testPostgres()).createDatabase();
    const [a, b] = await Promise.all([openDatabase({ url, file: '' }), openDatabase({ url, file: '' })]);
    const key = randomBytes(32);
    const first = dir();
    // An install moved from SQLite keeps the id its snapshots are labelled with.
    writeFileSync(path.join(first, INSTALLATION_ID_FILE), `${'ab'.repeat(16)}\n`);
    expect(await settleInstallation(a.db, first, key)).toBe('ab'.repeat(16));
    expect(await settleInstallation(b.db, dir(), key)).toBe('ab'.repeat(16));
    await expect(settleInstallation(b.db, dir(), randomBytes(32))).rejects.toThrow(InstallationError);
    await expect(settleInstallation(b.db, dir(), randomBytes(32))).rejects.toThrow(/same ORRERY_SECRETS_KEY/);
    await Promise.all([a.close(), b.close()]);
  });
});
