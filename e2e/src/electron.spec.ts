// The desktop app itself, driven through Playwright's Electron support. It
// runs wherever an Electron binary is installed; where Electron was installed
// without one (offline, ELECTRON_SKIP_BINARY_DOWNLOAD=1) it is skipped and says why.
import { _electron as electron } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTeammate } from './api.js';
import { signIn } from './app.js';
import { expect, test } from './fixtures.js';
import { ROOT } from './stack.js';

function electronBinary(): string | null {
  try {
    // The electron package exports the path of its binary, and throws when it was never downloaded.
    const binary = createRequire(path.join(ROOT, 'desktop', 'package.json'))('electron') as unknown;
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

test('the desktop app opens with the bridge only, signs in and shows the session list', async ({
  server,
  admin,
}, testInfo) => {
  const binary = electronBinary();
  const reason =
    'No Electron binary on this machine: electron was installed without it (ELECTRON_SKIP_BINARY_DOWNLOAD=1 or offline). Install it with its binary to run this journey.';
  if (binary === null) console.warn(`[electron journey skipped] ${reason}`);
  testInfo.skip(binary === null, reason);
  execFileSync('npm', ['run', 'build:electron', '-w', 'desktop'], { cwd: ROOT, stdio: 'inherit' });
  const home = mkdtempSync(path.join(tmpdir(), 'orrery-electron-'));
  const app = await electron.launch({
    executablePath: binary!,
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
