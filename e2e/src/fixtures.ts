// The journeys' fixtures: the shared stack's address and its admin.
import { test as base } from '@playwright/test';
import { loginAdmin, type TestUser } from './api.js';

export const test = base.extend<{ server: string; admin: TestUser }>({
  // Playwright reads fixture dependencies from the destructuring pattern; this one has none.
  // eslint-disable-next-line no-empty-pattern
  server: async ({}, use) => {
    const url = process.env.ORRERY_E2E_URL;
    if (!url)
      throw new Error('ORRERY_E2E_URL is not set: run the journeys through playwright test (global setup).');
    await use(url);
  },
  admin: async ({ server }, use) => {
    await use(await loginAdmin(server));
  },
});

export { expect } from '@playwright/test';
