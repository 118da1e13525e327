// The desktop app itself, driven through Playwright's Electron support. It
// runs wherever Electron's binary is installed or can be downloaded; elsewhere
// (offline) it is skipped and says why.
import { _electron as electron } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureElectronBinary } from '../../build/electron-binary.mjs';
import { createTeammate } from './api.js';
import { signIn } from './app.js';
import { expect, test } from './fixtures.js';
import { ROOT } from './stack.js';

test('the desktop app opens with the bridge only, signs in and shows the session list', async ({
  server,
  admin,
}, testInfo) => {
  // npm ci never downloads Electron's binary; it is fetched here when the network allows.
  const { binary, missing } = ensureElectronBinary({ quiet: true });
  if (missing) console.warn(`[electron journey skipped] ${missing}`);
  testInfo.skip(binary === undefined, missing);
  execFileSync('npm', ['run', 'build:electron', '-w', 'desktop'], { cwd: ROOT, stdio: 'inherit' });
  const home = mkdtempSync(path.join(tmpdir(), 'orrery-electron-'));
  const app = await electron.launch({
    executablePath: binary,
    args: [path.join(ROOT, 'desktop/dist/electron-main/main.cjs'), '--no-sandbox', '--password-store=basic'],
    env: { ...process.env, XDG_CONFIG_HOME: home, HOME: home },
  });
  try {
    const window = await app.firstWindow();
    await expect(window).toHaveTitle('Orrery');
    // The page sees exactly one bridge object and no Node.
    expect(
      await window.evaluate(
        () => typeof (window as unknown as { orrery?: { invoke?: unknown } }).orrery?.invoke,
      ),
    ).toBe('function');
    expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
      'undefined',
    );
    const ada = await createTeammate(server, admin, 'Ada Desktop');
    await signIn(window, server, ada);
    await expect(window.getByRole('link', { name: 'New Session' })).toBeVisible();
    // The sign-in was kept by the main process (safeStorage) and survives a restart of the window.
    await window.reload();
    await expect(window.getByRole('link', { name: 'New Session' })).toBeVisible();
  } finally {
    await app.close();
    rmSync(home, { recursive: true, force: true });
  }
});
