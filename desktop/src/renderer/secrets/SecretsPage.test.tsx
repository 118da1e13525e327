import type { SecretSummary } from '@orrery/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { render } from 'vitest-browser-react';
import { MemoryPlatform } from '../../platform/testing/memory-platform.js';
import { App } from '../app/App.js';
import { useUi } from '../state/store.js';
import { createTestServices, renderWithServices, testAccount } from '../testing/test-services.js';
import { AddSecretForm } from './AddSecretForm.js';
import { SecretList, SecretsPage } from './SecretsPage.js';

const HOUR = 3_600_000;
/** The signed-in person of these renders. */
const ME = 'me-the-reader';
function summary(name: string, scope: SecretSummary['scope'], extra: Partial<SecretSummary> = {}) {
  return {
    name,
    scope,
    updatedAt: Date.now() - 2 * HOUR,
    updatedBy: 'Grace Hopper',
    updatedById: scope === 'private' ? ME : 'grace',
    overridden: false,
    ...extra,
  };
}
// These renders never save: the real saving is the e2e secrets journey, against the real server.
const neverSaves = () => Promise.reject(new Error('This test does not save secrets.'));

let stop: (() => Promise<void>) | null = null;
afterEach(async () => {
  await stop?.();
  stop = null;
  location.hash = '';
});

async function renderForm(role: 'admin' | 'member', secrets: SecretSummary[] = []) {
  const services = await createTestServices({ account: testAccount({ role, id: ME }) });
  stop = () => services.stop();
  await renderWithServices(
    <AddSecretForm
      secrets={secrets}
      isAdmin={role === 'admin'}
      organisationName="Analytical Engines"
      onSave={neverSaves}
    />,
    services,
  );
}

describe('Secrets page', () => {
  it('is in Settings, and says plainly that secrets need the server when it cannot be reached', async () => {
    const platform = new MemoryPlatform();
    // Nothing listens on this address: the app is offline.
    const account = { ...testAccount(), serverUrl: 'http://127.0.0.1:9' };
    await platform.credentials.save(account);
    await render(<App platform={platform} />);
    await userEvent.click(page.getByRole('link', { name: 'Settings' }));
    await userEvent.click(page.getByRole('link', { name: 'Secrets' }));
    await expect.element(page.getByRole('heading', { name: 'Secrets', level: 2 })).toBeVisible();
    // A section of Settings: one page title (Settings), the section under it.
    expect(
      page
        .getByRole('heading', { level: 1 })
        .elements()
        .map((h) => h.textContent),
    ).toEqual(['Settings']);
    expect(location.hash).toBe('#/settings/secrets');
    await expect.element(page.getByText(/nobody can read them back, not even you/)).toBeVisible();
    await expect
      .element(page.getByText(/A private secret wins over a shared one of the same name/))
      .toBeVisible();
    await expect
      .element(page.getByRole('alert').filter({ hasText: 'Secrets cannot be loaded' }))
      .toHaveTextContent(
        'Secrets cannot be loaded while offline. They are never kept on this device, so this page needs the server.',
      );
    // Secrets and repository credentials each offer to try again.
    await expect.element(page.getByRole('button', { name: 'Try again' }).first()).toBeVisible();
    // Nothing to add or list until the server answers.
    expect(page.getByRole('textbox', { name: 'Name' }).elements()).toHaveLength(0);
  });

  it('shows the same offline message when rendered on its own', async () => {
    const services = await createTestServices();
    stop = () => services.stop();
    await renderWithServices(<SecretsPage />, services);
    await expect.element(page.getByRole('alert')).toHaveTextContent(/cannot be loaded while offline/);
  });
});

describe('the secret list', () => {
  async function renderList(isAdmin: boolean, secrets: SecretSummary[]) {
    const services = await createTestServices({ account: testAccount({ id: ME }) });
    stop = () => services.stop();
    await renderWithServices(
      <SecretList secrets={secrets} isAdmin={isAdmin} onSave={neverSaves} onDelete={neverSaves} />,
      services,
    );
  }

  it('lists names in monospace with their scope and who set them when, and never a value', async () => {
    await renderList(false, [
      summary('GITHUB_TOKEN', 'private', { updatedBy: 'Ada Lovelace' }),
      summary('GITHUB_TOKEN', 'shared', { overridden: true }),
      summary('NPM_TOKEN', 'shared'),
    ]);
    const rows = page.getByRole('listitem');
    await expect.element(rows.nth(0)).toHaveTextContent('GITHUB_TOKENPrivateUpdated 2 h ago by you');
    await expect
      .element(page.getByRole('listitem', { name: 'GITHUB_TOKEN (shared)' }))
      .toHaveTextContent(
        'GITHUB_TOKENSharedUpdated 2 h ago by Grace Hopper · managed by adminsYou have a private GITHUB_TOKEN: yours is used in your sessions, not this one.',
      );
    await expect
      .element(page.getByRole('listitem', { name: 'GITHUB_TOKEN (private)' }))
      .toHaveTextContent(/Used in your sessions instead of the shared GITHUB_TOKEN/);
    const name = document.querySelector('.secret-name')!;
    expect(getComputedStyle(name).fontFamily).toMatch(/mono/i);
    // A member changes their own secrets only.
    await expect
      .element(page.getByRole('button', { name: 'Replace the value of GITHUB_TOKEN (private)' }))
      .toBeVisible();
    expect(page.getByRole('button', { name: /NPM_TOKEN/ }).elements()).toHaveLength(0);
  });

  it('lets an admin replace or delete shared ones, asking before deleting', async () => {
    await renderList(true, [summary('NPM_TOKEN', 'shared')]);
    await userEvent.click(page.getByRole('button', { name: 'Delete NPM_TOKEN (shared)' }));
    const confirm = page.getByRole('group', { name: 'Confirm deleting NPM_TOKEN (shared)' });
    await expect
      .element(confirm)
      .toHaveTextContent(/Delete NPM_TOKEN\? Commands your sessions run from their next turn on/);
    await expect.element(confirm.getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await userEvent.keyboard('{Escape}');
    expect(confirm.elements()).toHaveLength(0);
    await expect.element(page.getByRole('button', { name: 'Delete NPM_TOKEN (shared)' })).toHaveFocus();

    await userEvent.click(page.getByRole('button', { name: 'Replace the value of NPM_TOKEN (shared)' }));
    const box = page.getByRole('textbox', { name: 'New value for NPM_TOKEN' });
    await expect.element(box).toHaveFocus();
    await expect.element(box).toHaveValue('');
    await expect.element(page.getByText('Replaces the current value, which is not shown.')).toBeVisible();
    await userEvent.click(page.getByRole('button', { name: 'Save new value' }));
    await expect.element(page.getByText('Enter the new value.')).toBeVisible();
  });

  it('says when there is no secret yet', async () => {
    await renderList(false, []);
    await expect.element(page.getByText(/Add one below, e.g. GITHUB_TOKEN/)).toBeVisible();
  });
});

describe('adding a secret', () => {
  it('checks the name as it is typed and offers the UPPER_SNAKE_CASE version', async () => {
    await renderForm('member');
    const name = page.getByRole('textbox', { name: 'Name' });
    await userEvent.fill(name, 'github-token');
    await expect
      .element(name)
      .toHaveAccessibleDescription(
        /The name must be UPPER_SNAKE_CASE: capital letters, digits and underscores, starting with a letter \(e\.g\. GITHUB_TOKEN\)\./,
      );
    await expect.element(name).toHaveAttribute('aria-invalid', 'true');
    await userEvent.click(page.getByRole('button', { name: 'Use GITHUB_TOKEN' }));
    await expect.element(name).toHaveValue('GITHUB_TOKEN');
    await expect.element(name).toHaveFocus();
    await expect.element(name).not.toHaveAttribute('aria-invalid');
    await expect.element(page.getByRole('button', { name: 'Add secret' })).toBeVisible();
  });

  it('keeps the value masked and empty until typed, and asks for one before saving', async () => {
    await renderForm('member');
    await userEvent.fill(page.getByRole('textbox', { name: 'Name' }), 'API_KEY');
    const value = page.getByRole('textbox', { name: 'Value' });
    await expect.element(value).toHaveValue('');
    await expect.element(value).toHaveClass(/masked/);
    await userEvent.click(page.getByRole('button', { name: 'Add secret' }));
    await expect.element(value).toHaveAccessibleDescription('Enter the value.');
    await expect.element(value).toHaveFocus();
    const typed = `typed-secret-${Date.now()}`;
    await userEvent.type(value, typed);
    // Only the box holds it: not the UI store, not the page's other fields, not local storage.
    expect(JSON.stringify(useUi.getState())).not.toContain(typed);
    expect(JSON.stringify({ ...localStorage })).not.toContain(typed);
    expect(document.body.innerHTML).not.toContain(typed);
    await userEvent.click(page.getByRole('button', { name: 'Show value' }));
    await expect.element(value).not.toHaveClass(/masked/);
    await expect
      .element(page.getByRole('button', { name: 'Hide value' }))
      .toHaveAttribute('aria-pressed', 'true');
  });

  it('lets only admins choose Shared, and says why to members', async () => {
    await renderForm('member');
    const sharedChoice = page.getByRole('radio', { name: /^Shared/ });
    await expect.element(sharedChoice).toBeDisabled();
    await expect.element(sharedChoice).toHaveAccessibleDescription('Only admins can add shared secrets.');
    await expect.element(page.getByRole('radio', { name: /^Private/ })).toBeChecked();
  });

  it('lets an admin choose Shared', async () => {
    await renderForm('admin');
    const sharedChoice = page.getByRole('radio', { name: 'Shared — every session in Analytical Engines' });
    await expect.element(sharedChoice).toBeEnabled();
    await userEvent.click(sharedChoice);
    await expect.element(sharedChoice).toBeChecked();
    expect(page.getByText('Only admins can add shared secrets.').elements()).toHaveLength(0);
  });

  it('says that a name which exists replaces its value, and which one wins', async () => {
    await renderForm('admin', [summary('GITHUB_TOKEN', 'private'), summary('AWS_KEY', 'shared')]);
    const name = page.getByRole('textbox', { name: 'Name' });
    await userEvent.fill(name, 'GITHUB_TOKEN');
    await expect
      .element(name)
      .toHaveAccessibleDescription('A private GITHUB_TOKEN exists. Replaces the current value.');
    await expect.element(page.getByRole('button', { name: 'Replace value' })).toBeVisible();
    await userEvent.click(page.getByRole('radio', { name: /^Shared/ }));
    await expect
      .element(name)
      .toHaveAccessibleDescription('You have a private GITHUB_TOKEN: your own sessions keep using that one.');
    await userEvent.click(page.getByRole('radio', { name: /^Private/ }));
    await userEvent.fill(name, 'AWS_KEY');
    await expect
      .element(name)
      .toHaveAccessibleDescription(
        'A shared AWS_KEY exists: your private one will be used in your sessions.',
      );
    await expect.element(page.getByRole('button', { name: 'Add secret' })).toBeVisible();
  });
});
