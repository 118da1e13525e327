// The folder rules of eslint.config.js, each shown to fire on the import it
// forbids and to leave alone the imports the folder is meant to make. The
// repository's real config is linted against code placed at real paths.
import { ESLint } from 'eslint';
import path from 'node:path';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({
  cwd: path.resolve(import.meta.dirname, '..'),
  overrideConfigFile: 'eslint.config.js',
  // The folder rules read import paths and syntax, not types: skipping the
  // type-aware programs keeps this test to seconds.
  overrideConfig: tseslint.configs.disableTypeChecked,
});

const LAYER_RULES = new Set(['no-restricted-imports', 'no-restricted-syntax']);

/** The layer problems ESLint reports for `code` as if it were the file at `filePath`. */
async function layerProblems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  const fatal = result?.messages.find((m) => m.fatal);
  if (fatal) throw new Error(`${filePath} did not parse: ${fatal.message}`);
  return (result?.messages ?? []).filter((m) => LAYER_RULES.has(m.ruleId ?? '')).map((m) => m.message);
}

async function expectForbidden(filePath: string, code: string, because: string | RegExp): Promise<void> {
  // One import can break two rules (a platform implementation importing electron-main).
  expect(await layerProblems(filePath, code), `${code} in ${filePath}`).toContainEqual(
    expect.stringMatching(because),
  );
}

async function expectAllowed(filePath: string, code: string): Promise<void> {
  expect(await layerProblems(filePath, code), `${code} in ${filePath}`).toEqual([]);
}

const imports = (source: string) => `import x from '${source}';\nexport { x };\n`;
const importsLater = (source: string) => `export const later = () => import('${source}');\n`;

describe('the desktop renderer, and the platform services that run in its page', () => {
  const file = 'desktop/src/renderer/session/Probe.tsx';
  const page = [
    'desktop/src/platform/electron/electron-platform.ts',
    'desktop/src/platform/web/web-platform.ts',
  ];

  it.each([
    ['node:fs', /web page, where Node's modules do not exist/],
    ['fs', /Node's modules/],
    ['fs/promises', /Node's modules/],
    ['path', /Node's modules/],
    ['electron', /Electron and SQLite belong to the main process/],
    ['better-sqlite3', /Electron and SQLite belong to the main process/],
    ['../../electron-main/store/local-store.js', /does not import the main process or the preload/],
    ['../../electron-main/ipc-handlers.js', /does not import the main process or the preload/],
    ['../../preload/preload.js', /does not import the main process or the preload/],
  ])('may not import %s', async (source, because) => {
    await expectForbidden(file, imports(source), because);
    for (const other of page) await expectForbidden(other, imports(source), because);
  });

  it('may not reach them through type imports or re-exports either', async () => {
    await expectForbidden(
      file,
      `import type { LocalStore } from '../../electron-main/store/local-store.js';\nexport type { LocalStore };\n`,
      /main process/,
    );
    await expectForbidden(file, `export * from 'node:path';\n`, /Node's modules/);
    await expectForbidden(file, `export { ipcRenderer } from 'electron';\n`, /Electron/);
  });

  it('may not load them later with import() either', async () => {
    await expectForbidden(file, importsLater('electron'), /Electron and SQLite/);
    await expectForbidden(file, importsLater('node:fs'), /Node's modules/);
    await expectForbidden(
      file,
      importsLater('../../electron-main/ipc-handlers.js'),
      /main process or the preload/,
    );
    await expectForbidden(
      'desktop/src/platform/common/platform.ts',
      importsLater('../web/idb.js'),
      /none of its siblings/,
    );
    await expectAllowed(file, importsLater('highlight.js/lib/common'));
    await expectAllowed(file, importsLater('./SessionView.js'));
  });

  it('still may not reach into other packages past their exports', async () => {
    await expectForbidden(file, imports('../../../../runner/src/daemon.js'), /through their exports/);
  });

  it('imports its libraries, the shared package and the platform contract', async () => {
    for (const source of [
      'react',
      'yjs',
      '@orrery/shared',
      '../../platform/common/platform.js',
      '../common/FileName.js',
    ]) {
      await expectAllowed(file, imports(source));
    }
  });
});

describe('platform/common, the contract', () => {
  const file = 'desktop/src/platform/common/platform.ts';

  it.each([
    '../electron/electron-platform.js',
    '../web/web-platform.js',
    '../testing/memory-platform.js',
    '../../renderer/state/store.js',
  ])('imports none of its siblings: not %s', async (source) => {
    await expectForbidden(file, imports(source), /imports none of its siblings/);
  });

  it('keeps the rules of the page', async () => {
    await expectForbidden(file, imports('node:os'), /Node's modules/);
  });

  it('imports the shared package and itself', async () => {
    await expectAllowed(file, imports('@orrery/shared'));
    await expectAllowed(file, imports('./account-storage.js'));
  });
});

describe('platform implementations', () => {
  it('import the contract, never one another or the renderer', async () => {
    await expectForbidden(
      'desktop/src/platform/web/web-platform.ts',
      imports('../electron/electron-platform.js'),
      /only the contract/,
    );
    await expectForbidden(
      'desktop/src/platform/testing/memory-platform.ts',
      imports('../web/idb.js'),
      /only the contract/,
    );
    await expectForbidden(
      'desktop/src/platform/electron/electron-platform.ts',
      imports('../../renderer/app/App.js'),
      /only the contract/,
    );
    await expectAllowed('desktop/src/platform/web/web-platform.ts', imports('../common/platform.js'));
    await expectAllowed('desktop/src/platform/web/web-platform.ts', imports('./idb.js'));
  });
});

describe('the Electron main process and the preload', () => {
  it('use Node, Electron and SQLite', async () => {
    for (const source of ['node:fs', 'electron', 'better-sqlite3', './store/local-store.js']) {
      await expectAllowed('desktop/src/electron-main/main.ts', imports(source));
    }
    await expectAllowed('desktop/src/preload/preload.ts', imports('electron'));
  });
});

describe("the runner's agent loop", () => {
  const turn = 'runner/src/agent/turn.ts';

  it.each(['dockerode', 'docker-modem', 'tar-stream'])(
    'does not talk to Docker itself: not %s',
    async (source) => {
      await expectForbidden(turn, imports(source), /Only the Environment manager talks to Docker/);
      await expectForbidden(
        'runner/src/daemon.ts',
        imports(source),
        /Only the Environment manager talks to Docker/,
      );
    },
  );

  it.each([
    '../environments/manager.js',
    '../environments/docker-exec.js',
    '../environments/engines.js',
    '../environments/types.js',
    '../environments/errors.js',
  ])('reaches the Environment manager only through its interface: not %s', async (source) => {
    await expectForbidden(turn, imports(source), /from environments\/index\.js/);
  });

  it("imports the manager's interface, and the daemon too", async () => {
    await expectAllowed(
      turn,
      `import { EnvironmentError, type EnvironmentManager } from '../environments/index.js';\nexport { EnvironmentError, type EnvironmentManager };\n`,
    );
    await expectAllowed('runner/src/daemon.ts', imports('./environments/index.js'));
    await expectForbidden(
      'runner/src/daemon.ts',
      imports('./environments/lifecycle.js'),
      /environments\/index\.js/,
    );
    await expectForbidden(turn, importsLater('../environments/manager.js'), /environments\/index\.js/);
    await expectAllowed(turn, importsLater('../environments/index.js'));
  });

  it('leaves the manager, the composition root and the tests their Docker', async () => {
    await expectAllowed('runner/src/environments/manager.ts', imports('dockerode'));
    await expectAllowed('runner/src/main.ts', imports('./environments/redact.js'));
    await expectAllowed(
      'runner/src/agent/takeover.integration.test.ts',
      imports('../environments/naming.js'),
    );
    await expectAllowed('runner/src/testing/stack.ts', imports('dockerode'));
  });
});

describe("the sync server's routes", () => {
  const route = 'sync-server/src/routes/sessions.ts';
  const because = /Routes do not touch the database: go through the records/;

  it.each(['better-sqlite3', '../store/db.js', '../store/schema.js', '../store/sqlite-doc-store.js'])(
    'do not import the database: not %s',
    async (source) => {
      await expectForbidden(route, imports(source), because);
      await expectForbidden(route, importsLater(source), because);
    },
  );

  it("do not use the services' database handle", async () => {
    await expectForbidden(
      route,
      `export const rows = (s: { db: { prepare(q: string): unknown } }) => s.db.prepare('SELECT * FROM sessions');\n`,
      because,
    );
    await expectForbidden(
      route,
      `export function rows({ db }: { db: unknown }) {\n  return db;\n}\n`,
      because,
    );
  });

  it('go through the records and the services', async () => {
    await expectAllowed(route, imports('../records/sessions.js'));
    await expectAllowed(route, imports('../services.js'));
    await expectAllowed(
      route,
      `export const list = (s: { sessions: { list(): unknown } }) => s.sessions.list();\n`,
    );
  });

  it('leave the records, and the tests that set up their data, the database', async () => {
    await expectAllowed('sync-server/src/records/sessions.ts', imports('better-sqlite3'));
    await expectAllowed('sync-server/src/routes/sessions.test.ts', imports('../store/db.js'));
  });
});
