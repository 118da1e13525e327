// Journeys in Debian's Chromium against the real sync server and runner,
// which the global setup builds and starts. Artifacts (screenshots, traces of
// failures) go under e2e/artifacts/, which git ignores.
import { defineConfig } from '@playwright/test';
import { CHROMIUM_LAUNCH } from '../build/chromium.mjs';

export default defineConfig({
  testDir: 'src',
  testMatch: '**/*.spec.ts',
  outputDir: 'artifacts/test-results',
  globalSetup: './src/global-setup.ts',
  // One machine with two cores runs the server, the runner, Docker and the browsers.
  workers: 1,
  fullyParallel: false,
  timeout: 180_000,
  expect: { timeout: 20_000 },
  reporter: [['list'], ['html', { outputFolder: 'artifacts/report', open: 'never' }]],
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    launchOptions: CHROMIUM_LAUNCH,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    actionTimeout: 15_000,
  },
});
