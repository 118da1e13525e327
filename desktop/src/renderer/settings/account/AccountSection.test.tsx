// Settings → Account in Chromium: the password form's own checks (the
// server's schema), and the theme switch for the whole app. (The server's
// answers, a wrong current password and signing out of other devices, are the
// e2e account journey's.)
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { startTheme } from '../../app/theme.js';
import { createTestServices, renderWithServices, testAccount } from '../../testing/test-services.js';
import { AccountSection } from './AccountSection.js';

let stop: (() => Promise<void>) | null = null;
afterEach(async () => {
  await stop?.();
  stop = null;
  localStorage.removeItem('orrery.theme');
  startTheme();
});

async function setup() {
  const services = await createTestServices({ account: testAccount({ name: 'Ada Lovelace' }) });
  stop = () => services.stop();
  await renderWithServices(<AccountSection item={null} />, services);
  return services;
}

const field = (name: string) => page.getByLabelText(name, { exact: true });

describe('changing your password', () => {
  it('says what is missing next to each field before anything is sent', async () => {
    await setup();
    await userEvent.click(page.getByRole('button', { name: 'Change password' }));
    await expect.element(field('Current password')).toHaveAccessibleDescription('Is required');
    await expect
      .element(field('New password'))
      .toHaveAccessibleDescription('At least 10 characters. Must be at least 10 characters');
  });

  it('holds the new password to the shared rules and asks for it twice, the same', async () => {
    await setup();
    await userEvent.type(field('Current password'), 'my old passphrase');
    await userEvent.type(field('New password'), 'short');
    await userEvent.click(page.getByRole('button', { name: 'Change password' }));
    await expect
      .element(field('New password'))
      .toHaveAccessibleDescription('At least 10 characters. Must be at least 10 characters');
    await expect.element(field('Current password')).not.toHaveAttribute('aria-invalid');

    // The problem follows the typing: long enough now, but the second copy differs.
    await userEvent.type(field('New password'), ' but longer now');
    await userEvent.type(field('New password again'), 'short but longer');
    await expect.element(field('New password')).not.toHaveAttribute('aria-invalid');
    await expect
      .element(field('New password again'))
      .toHaveAccessibleDescription('Type the same new password twice; these two differ.');
    // Nothing typed is lost.
    await expect.element(field('Current password')).toHaveValue('my old passphrase');
  });

  it('keeps what was typed and says why when the server cannot be reached', async () => {
    await setup();
    await userEvent.type(field('Current password'), 'my old passphrase');
    await userEvent.type(field('New password'), 'a brand new passphrase');
    await userEvent.type(field('New password again'), 'a brand new passphrase');
    await userEvent.click(page.getByRole('button', { name: 'Change password' }));
    await expect.element(page.getByRole('form', { name: 'Password' }).getByRole('alert')).toBeVisible();
    await expect.element(field('New password')).toHaveValue('a brand new passphrase');
  });
});

describe('the theme', () => {
  it('applies to the whole document at once and is remembered on this device', async () => {
    await setup();
    const before = getComputedStyle(document.body).backgroundColor;
    await userEvent.click(page.getByRole('radio', { name: 'Dark' }));
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(localStorage.getItem('orrery.theme')).toBe('dark');
    const dark = getComputedStyle(document.body).backgroundColor;
    expect(dark).not.toBe(before);
    expect(dark).toBe('rgb(23, 25, 29)');

    // As at the next start of the app: the stored choice is applied before anything renders.
    document.documentElement.removeAttribute('data-theme');
    startTheme();
    expect(document.documentElement.dataset.theme).toBe('dark');

    await userEvent.click(page.getByRole('radio', { name: 'Light' }));
    expect(document.documentElement.dataset.theme).toBe('light');
    expect(getComputedStyle(document.body).backgroundColor).toBe('rgb(255, 255, 255)');
    expect(localStorage.getItem('orrery.theme')).toBe('light');
  });

  it('follows the device for "System", and says which theme that is now', async () => {
    await setup();
    await userEvent.click(page.getByRole('radio', { name: 'Dark' }));
    await userEvent.click(page.getByRole('radio', { name: 'System' }));
    const system = matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
    expect(document.documentElement.dataset.theme).toBe(system);
    await expect.element(page.getByText(`Follows this device’s setting (${system} now).`)).toBeVisible();
    expect(localStorage.getItem('orrery.theme')).toBe('system');
  });
});
