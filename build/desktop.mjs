// `npm run desktop`: builds the app and opens it in an Electron window,
// fetching Electron's binary first when this install has none.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { ensureElectronBinary } from './electron-binary.mjs';

const root = path.resolve(import.meta.dirname, '..');
const electron = ensureElectronBinary();
if (!electron.binary) {
  console.error(`[desktop] ${electron.missing}`);
  process.exit(1);
}
for (const step of [
  ['run', 'build'],
  ['run', 'build:electron', '-w', 'desktop'],
]) {
  const built = spawnSync('npm', step, { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
const app = spawn(electron.binary, [path.join(root, 'desktop'), ...process.argv.slice(2)], {
  stdio: 'inherit',
});
app.on('exit', (code) => process.exit(code ?? 0));
