// Rename and delete from a session's menus: owners only, a confirmation
// before deleting, and nothing lost when the server does not answer. (Their
// success against the real server is the e2e session-hygiene journey.)
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { Sidebar } from '../sidebar/Sidebar.js';
import {
  createTestServices,
  renderWithServices,
  sessionItem,
  testAccount,
} from '../testing/test-services.js';
import { SessionDialogs } from './SessionDialogs.js';

const account = testAccount();
const mine = sessionItem(account.user.id, { title: 'Billing outage notes' });
const theirs = sessionItem('someone-else', {
  title: 'Grace’s incident',
  ownerName: 'Grace',
  access: 'member',
});

let stop: (() => Promise<void>) | null = null;
afterEach(async () => {
  await stop?.();
  stop = null;
});

async function setup() {
  // The account's server is an address nothing listens on: every call fails as offline.
  const services = await createTestServices({ account, sessions: [mine, theirs] });
  stop = () => services.stop();
  services.userDoc.markOpened(mine.id, 1_000);
  services.userDoc.markOpened(theirs.id, 2_000);
  await renderWithServices(
    <>
      <Sidebar />
      <SessionDialogs />
    </>,
    services,
  );
  return services;
}

const recent = () => page.getByRole('list', { name: 'Recent Sessions' });

describe('renaming and deleting a session', () => {
  it('is offered to its owner only', async () => {
    await setup();
    await userEvent.click(recent().getByRole('button', { name: 'More actions for Billing outage notes' }));
    await expect.element(page.getByRole('menuitem', { name: 'Rename…' })).toBeVisible();
    await expect.element(page.getByRole('menuitem', { name: 'Delete…' })).toBeVisible();
    await userEvent.keyboard('{Escape}');
    await userEvent.click(recent().getByRole('button', { name: 'More actions for Grace’s incident' }));
    await expect.element(page.getByRole('menuitem', { name: 'Pin session' })).toBeVisible();
    expect(page.getByRole('menuitem', { name: 'Rename…' }).elements()).toHaveLength(0);
    expect(page.getByRole('menuitem', { name: 'Delete…' }).elements()).toHaveLength(0);
  });

  it('asks before deleting, and Cancel keeps the session', async () => {
    const services = await setup();
    await userEvent.click(recent().getByRole('button', { name: 'More actions for Billing outage notes' }));
    await userEvent.click(page.getByRole('menuitem', { name: 'Delete…' }));
    const dialog = page.getByRole('dialog', { name: 'Delete session?' });
    await expect.element(dialog).toBeVisible();
    await expect.element(dialog.getByText('Billing outage notes')).toBeVisible();
    await expect.element(dialog.getByText('This cannot be undone.', { exact: false })).toBeVisible();
    // Cancel has the focus: Enter right away does not delete.
    await expect.element(dialog.getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await userEvent.click(dialog.getByRole('button', { name: 'Cancel' }));
    await expect.element(dialog).not.toBeInTheDocument();
    expect(services.sessionList.get(mine.id)?.title).toBe('Billing outage notes');
  });

  it('keeps the session when the server cannot be reached to delete it, saying so', async () => {
    const services = await setup();
    await userEvent.click(recent().getByRole('button', { name: 'More actions for Billing outage notes' }));
    await userEvent.click(page.getByRole('menuitem', { name: 'Delete…' }));
    const dialog = page.getByRole('dialog', { name: 'Delete session?' });
    await userEvent.click(dialog.getByRole('button', { name: 'Delete session' }));
    await expect.element(dialog.getByRole('alert')).toBeVisible();
    expect(services.sessionList.get(mine.id)).toBeDefined();
    await expect.element(recent().getByText('Billing outage notes')).toBeVisible();
  });

  it('says a blank title is not one, next to the field, and keeps what was typed when saving fails', async () => {
    await setup();
    await userEvent.click(recent().getByRole('button', { name: 'More actions for Billing outage notes' }));
    await userEvent.click(page.getByRole('menuitem', { name: 'Rename…' }));
    const dialog = page.getByRole('dialog', { name: 'Rename session' });
    const title = dialog.getByRole('textbox', { name: 'Title' });
    await expect.element(title).toHaveValue('Billing outage notes');
    await userEvent.clear(title);
    await userEvent.type(title, '   ');
    await userEvent.click(dialog.getByRole('button', { name: 'Rename' }));
    await expect.element(title).toHaveAccessibleDescription('Is required');
    await userEvent.clear(title);
    await userEvent.type(title, 'Billing outage, 1 March');
    await userEvent.click(dialog.getByRole('button', { name: 'Rename' }));
    await expect.element(dialog.getByRole('alert')).toBeVisible();
    await expect.element(title).toHaveValue('Billing outage, 1 March');
  });
});
