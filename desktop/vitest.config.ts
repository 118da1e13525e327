// The renderer's component tests run in real Chromium (Debian's), through
// Vitest's browser mode. The root vitest.config.ts points its 'desktop'
// project here, so `npx vitest run` at the root runs them with everything else.
import react from '@vitejs/plugin-react';
import { playwright } from '@vitest/browser-playwright';
import { defaultClientConditions } from 'vite';
import { defineProject } from 'vitest/config';
import { CHROMIUM_LAUNCH } from '../build/chromium.mjs';
import { browserCommands } from './src/testing-node/browser-commands.js';

export default defineProject({
  root: import.meta.dirname,
  plugins: [react()],
  resolve: { conditions: ['source', ...defaultClientConditions] },
  optimizeDeps: {
    // Pre-bundled up front, so the first test file does not trigger a reload mid-run.
    include: [
      'react',
      'react-dom',
      'react-dom/client',
      'react/jsx-dev-runtime',
      'zustand',
      'yjs',
      'y-websocket',
      'react-markdown',
      'remark-gfm',
      'rehype-highlight',
      '@tanstack/react-virtual',
      '@dnd-kit/core',
      '@dnd-kit/sortable',
      '@dnd-kit/utilities',
      'fractional-indexing',
      'zod',
      'vitest-browser-react',
    ],
  },
  test: {
    name: 'desktop',
    include: ['src/**/*.test.{ts,tsx}'],
    exclude: ['src/electron-main/**', 'src/preload/**'],
    testTimeout: 60_000,
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({ launchOptions: CHROMIUM_LAUNCH }),
      instances: [{ browser: 'chromium' }],
      viewport: { width: 1280, height: 800 },
      screenshotFailures: false,
      // A loopback server and a watch on new windows and downloads, for the attack tests.
      commands: browserCommands,
    },
  },
});
