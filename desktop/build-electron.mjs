// Bundles the Electron main process and the preload with esbuild. The
// renderer is built by Vite; together they are what electron-builder packs.
import { build } from 'esbuild';
import path from 'node:path';

const here = import.meta.dirname;
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  // Workspace packages resolve to their TypeScript sources.
  conditions: ['source'],
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: [path.join(here, 'src/electron-main/main.ts')],
  outfile: path.join(here, 'dist/electron-main/main.cjs'),
  // Native modules load from node_modules; electron is the runtime itself.
  external: ['electron', 'better-sqlite3'],
});

await build({
  ...common,
  entryPoints: [path.join(here, 'src/preload/preload.ts')],
  outfile: path.join(here, 'dist/preload/preload.cjs'),
  // A sandboxed preload may require nothing but electron.
  external: ['electron'],
});
console.log('electron main and preload bundled into desktop/dist');
