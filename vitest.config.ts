// One test command for every package. Workspace packages resolve to their
// TypeScript sources through the "source" export condition.
import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
  test: {
    projects: [
      { extends: true, test: { name: 'shared', include: ['shared/src/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'sync-server',
          include: ['sync-server/src/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The same suites again with every test server on PostgreSQL (testing/engines.ts);
        // what only concerns one engine, or starts its own servers, runs once above.
        extends: true,
        test: {
          name: 'sync-server-postgres',
          include: ['sync-server/src/**/*.test.ts'],
          exclude: [
            'sync-server/src/store/sqlite-*.test.ts',
            'sync-server/src/store/checkpointer.test.ts',
            'sync-server/src/store/postgres-*.test.ts',
            'sync-server/src/cluster/**',
            'sync-server/src/testing/**',
            'sync-server/src/main*.test.ts',
            'sync-server/src/**/*.cluster.test.ts',
            'sync-server/src/**/*.engines.test.ts',
            'sync-server/src/**/*.concurrency.test.ts',
            'sync-server/src/sync/cluster.test.ts',
            'sync-server/src/**/claim-run.test.ts',
            // Each names the engines it moves between.
            'sync-server/src/store/{migrate-to-postgres,upgrade-0.1,backup}.test.ts',
          ],
          env: { ORRERY_TEST_ENGINE: 'postgres' },
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'runner',
          include: ['runner/src/**/*.test.ts'],
          // eventsource-parser publishes a "source" condition pointing at TypeScript: vite transforms it, and the MCP SDK client that imports it.
          server: {
            deps: {
              inline: [/@modelcontextprotocol\/sdk\/dist\/esm\/client\/streamableHttp/, 'eventsource-parser'],
            },
          },
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      // The repository's own tooling: the lint and TypeScript layer rules.
      { extends: true, test: { name: 'tooling', include: ['build/**/*.test.ts'], testTimeout: 120_000 } },
      // The renderer's component tests run in Chromium (browser mode): see desktop/vitest.config.ts.
      'desktop/vitest.config.ts',
      {
        // The Electron main process's modules are plain Node code.
        extends: true,
        test: {
          name: 'desktop-main',
          include: ['desktop/src/electron-main/**/*.test.ts', 'desktop/src/preload/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
    ],
  },
});
