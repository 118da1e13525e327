// Electron's binary, fetched on demand. `npm ci` does not run electron's own
// download step (package.json's allowScripts denies it), so installs work on
// machines that cannot reach Electron's download host; the commands that
// need the desktop window call ensureElectronBinary() and say plainly when
// the binary cannot be had.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const requireFromDesktop = createRequire(path.join(root, 'desktop', 'package.json'));

/** The path of the installed Electron binary, or null when it was never downloaded. */
export function electronBinary() {
  try {
    // The electron package exports its binary's path, and throws when the binary is missing.
    const binary = requireFromDesktop('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

/**
 * The binary's path, downloading it first when it is missing. Returns
 * { binary } or { missing } with a sentence a person can act on.
 */
export function ensureElectronBinary({ quiet = false } = {}) {
  const present = electronBinary();
  if (present) return { binary: present };
  let installer;
  try {
    installer = path.join(path.dirname(requireFromDesktop.resolve('electron/package.json')), 'install.js');
  } catch {
    return { missing: 'The electron package is not installed: run `npm ci` first.' };
  }
  if (!quiet) console.log('[electron] downloading the Electron binary (once)…');
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  const run = spawnSync(process.execPath, [installer], {
    env,
    encoding: 'utf8',
    timeout: 10 * 60_000,
  });
  const binary = electronBinary();
  if (binary) return { binary };
  const detail = firstLine(run.stderr) || run.error?.message || `exit code ${run.status}`;
  return {
    missing:
      `The Electron binary is missing and could not be downloaded (${detail}). ` +
      'The desktop window needs it; the server, the web app and the tests do not. ' +
      'Run `npm run electron:fetch` where the internet is reachable, or set ELECTRON_MIRROR to a mirror you can reach.',
  };
}

function firstLine(text) {
  const line = (text ?? '')
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.length > 0 && !l.startsWith('at '));
  return line ? line.slice(0, 200) : '';
}

// `node build/electron-binary.mjs`: fetch it now (npm run electron:fetch).
if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const result = ensureElectronBinary();
  if (result.binary) {
    console.log(`[electron] ready: ${result.binary}`);
  } else {
    console.error(`[electron] ${result.missing}`);
    process.exit(1);
  }
}
