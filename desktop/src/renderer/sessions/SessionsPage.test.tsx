import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import {
  createTestServices,
  renderWithServices,
  sessionItem,
  testAccount,
} from '../testing/test-services.js';
import { SessionsPage } from './SessionsPage.js';

const account = testAccount();
let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

function manySessions(n: number) {
  const now = Date.now();
  return Array.from({ length: n }, (_, i) =>
    sessionItem(i % 4 === 0 ? 'someone-else' : account.user.id, {
      id: `s${i}`,
      title: i === 4321 ? 'Needle in the haystack' : `Session number ${i}`,
      archived: i % 10 === 9,
      visibility: i % 3 === 0 ? 'private' : 'shared',
      access: i % 4 === 0 ? 'member' : 'owner',
      ownerName: i % 4 === 0 ? 'Grace' : 'Ada Lovelace',
      updatedAt: now - i * 1000,
    }),
  );
}

describe('SessionsPage', () => {
  it('lists 10,000 sessions, rendering only the rows on screen', async () => {
    const services = await createTestServices({ account, sessions: manySessions(10_000) });
    cleanup = () => services.stop();
    await renderWithServices(<SessionsPage />, services);
    // Archived ones (one in ten) are under Archived only.
    await expect.element(page.getByText('9,000 sessions')).toBeVisible();
    await expect.element(page.getByText('Session number 1', { exact: true })).toBeVisible();
    const rows = document.querySelectorAll('.sessions-row').length;
    expect(rows).toBeGreaterThan(5);
    expect(rows).toBeLessThan(60);
  });

  it('searches titles and filters mine, shared with me and archived', async () => {
    const services = await createTestServices({ account, sessions: manySessions(10_000) });
    cleanup = () => services.stop();
    await renderWithServices(<SessionsPage />, services);
    await userEvent.fill(page.getByRole('searchbox', { name: 'Search sessions by title' }), 'needle');
    await expect.element(page.getByText('1 session', { exact: true })).toBeVisible();
    await expect.element(page.getByRole('link', { name: /Needle in the haystack/ })).toBeVisible();
    await userEvent.fill(page.getByRole('searchbox', { name: 'Search sessions by title' }), 'no such title');
    await expect.element(page.getByText('No session title contains “no such title”.')).toBeVisible();
    await userEvent.clear(page.getByRole('searchbox', { name: 'Search sessions by title' }));

    await userEvent.click(page.getByRole('radio', { name: 'Mine' }));
    await expect.element(page.getByText('6,500 sessions')).toBeVisible();
    await userEvent.click(page.getByRole('radio', { name: 'Shared with me' }));
    await expect.element(page.getByText('2,500 sessions')).toBeVisible();
    await expect.element(page.getByText('Session number 0', { exact: true })).toBeVisible();
    await userEvent.click(page.getByRole('radio', { name: 'Archived' }));
    await expect.element(page.getByText('1,000 sessions')).toBeVisible();
    await expect.element(page.getByText('Session number 9', { exact: true })).toBeVisible();
  });

  it('marks private sessions with the lock badge and archived ones as archived', async () => {
    const mine = sessionItem(account.user.id, { title: 'Quiet work', visibility: 'private', archived: true });
    const services = await createTestServices({ account, sessions: [mine] });
    cleanup = () => services.stop();
    await renderWithServices(<SessionsPage />, services);
    await userEvent.click(page.getByRole('radio', { name: 'Archived' }));
    const row = page.getByRole('listitem').filter({ hasText: 'Quiet work' });
    await expect.element(row.getByLabelText('Private', { exact: true })).toBeVisible();
    await expect.element(row.getByText('Archived')).toBeVisible();
  });
});
