import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { render } from 'vitest-browser-react';
import { MemoryPlatform } from '../../platform/testing/memory-platform.js';
import { sessionItem, testAccount } from '../testing/test-services.js';
import { App } from './App.js';
import '../styles.css';

afterEach(() => {
  location.hash = '';
});

describe('App', () => {
  it('asks to sign in when no account is stored, and explains an address that is not one', async () => {
    await render(<App platform={new MemoryPlatform()} />);
    await expect.element(page.getByRole('heading', { name: 'Sign in to Orrery' })).toBeVisible();
    await userEvent.fill(page.getByLabelText('Server address'), 'ftp://example');
    await userEvent.fill(page.getByLabelText('Email'), 'ada@example.com');
    await userEvent.fill(page.getByLabelText('Password'), 'secret-secret');
    await userEvent.click(page.getByRole('button', { name: 'Sign in' }));
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent('The server address must start with http:// or https://.');
  });

  it('opens signed in from the stored account with the cached sessions, and says it is offline', async () => {
    const platform = new MemoryPlatform();
    // A server address nothing listens on: the app starts from what is on the device.
    const account = { ...testAccount(), serverUrl: 'http://127.0.0.1:9' };
    await platform.credentials.save(account);
    const storage = await platform.openAccountStorage(`${account.serverUrl}|${account.user.id}`);
    const cached = sessionItem(account.user.id, { title: 'Cached before going offline' });
    await storage.sessionList.save({ sessions: [cached], clock: 3, savedAt: Date.now() });

    location.hash = '#/sessions';
    await render(<App platform={platform} />);
    await expect.element(page.getByRole('link', { name: /Cached before going offline/ })).toBeVisible();
    await expect.element(page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
    await expect.element(page.getByText('1 session · saved on this device')).toBeVisible();

    // The shortcuts sheet is there on every page, not only where there is a prompt box.
    await userEvent.keyboard('?');
    const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect.element(sheet).toBeVisible();
    await userEvent.keyboard('{Escape}');
    await expect.element(sheet).not.toBeInTheDocument();
  });
});
