// Settings → Account on the real stack: a new name, a password change that
// needs the current one (said next to the field) and signs out the other
// devices, signing out of other devices by hand, and the dark theme, with
// screenshots of Account, Home, a session and Settings in both themes.
import type { Page } from '@playwright/test';
import { createSession, createTeammate } from './api.js';
import { saveScreenshot, sidebar, signIn } from './app.js';
import { expect, test } from './fixtures.js';

const WIDTHS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

async function openAccount(page: Page, server: string) {
  await page.goto(`${server}/#/settings/account`);
  await expect(page.getByRole('heading', { name: 'Account', level: 2 })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Sign-ins' })).toBeVisible();
}

test('a person renames themself, changes their password (other devices signed out), signs out elsewhere and picks the dark theme', async ({
  browser,
  server,
  admin,
}) => {
  const ada = await createTeammate(server, admin, 'Ada');
  const session = await createSession(server, ada, { prompt: 'echo "themes look right"' });

  const laptop = await browser.newContext();
  const page = await laptop.newPage();
  await signIn(page, server, ada);
  const phone = await browser.newContext({ viewport: WIDTHS.phone, isMobile: true, hasTouch: true });
  const other = await phone.newPage();
  await signIn(other, server, ada);

  await openAccount(page, server);
  const signIns = page.getByRole('list', { name: 'Sign-ins' });
  // This browser, the phone, and the journey's own sign-in through the API.
  await expect(signIns.getByRole('listitem')).toHaveCount(3);
  await expect(signIns.getByText('This device', { exact: true })).toHaveCount(1);
  await expect(signIns).toContainText('Chrome on Linux');

  // A new name shows at once, in the sidebar too.
  const name = page.getByRole('textbox', { name: 'Your name' });
  await name.fill('Ada King');
  await page.getByRole('button', { name: 'Save name' }).click();
  await expect(page.getByRole('form', { name: 'Name' }).getByRole('status')).toHaveText('Saved.');
  await expect(sidebar(page)).toContainText('Ada King');

  // A wrong current password: said next to that field, nothing typed lost.
  const password = page.getByRole('form', { name: 'Password' });
  await password.getByLabel('Current password').fill('not my password at all');
  await password.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
  await password.getByLabel('New password again').fill('a brand new passphrase');
  await password.getByRole('button', { name: 'Change password' }).click();
  await expect(password.getByLabel('Current password')).toHaveAccessibleDescription(
    'Is not your current password',
  );
  await expect(password.getByLabel('New password', { exact: true })).toHaveValue('a brand new passphrase');

  // The right one: changed, the phone is signed out, this browser stays.
  await password.getByLabel('Current password').fill(ada.password);
  await password.getByRole('button', { name: 'Change password' }).click();
  await expect(password.getByRole('status')).toContainText('Password changed.');
  await expect(signIns.getByRole('listitem')).toHaveCount(1);
  await other.reload();
  await expect(other.getByRole('heading', { name: 'Sign in to Orrery' })).toBeVisible();

  // Signed in again on the phone with the new password; then signed out from here.
  await signIn(other, server, { email: ada.email, password: 'a brand new passphrase' });
  await page.reload();
  await expect(signIns.getByRole('listitem')).toHaveCount(2);
  await page.getByRole('button', { name: 'Sign out of other devices' }).click();
  await expect(page.getByText('Signed out of 1 other device.')).toBeVisible();
  await expect(signIns.getByRole('listitem')).toHaveCount(1);
  await other.reload();
  await expect(other.getByRole('heading', { name: 'Sign in to Orrery' })).toBeVisible();
  await phone.close();

  // Screenshots: Account light, then the dark theme everywhere. The phone's in a
  // context of its own, so its drawer is closed and still, as a phone opens it.
  await saveScreenshot(page, 'desktop-account-light');
  const phoneShots = await browser.newContext({ viewport: WIDTHS.phone, isMobile: true, hasTouch: true });
  const small = await phoneShots.newPage();
  await signIn(small, server, { email: ada.email, password: 'a brand new passphrase' });
  await openAccount(small, server);
  await saveScreenshot(small, 'phone-account-light');
  await small.getByRole('radio', { name: 'Dark' }).check();
  await expect(small.locator('html')).toHaveAttribute('data-theme', 'dark');
  await saveScreenshot(small, 'phone-account-dark');
  await phoneShots.close();

  await page.getByRole('radio', { name: 'Dark' }).check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.locator('body')).toHaveCSS('background-color', 'rgb(23, 25, 29)');
  await saveScreenshot(page, 'desktop-account-dark');
  // Remembered on this device: a reload opens dark.
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.goto(`${server}/#/`);
  await expect(page.getByRole('radio', { name: /Shell/ })).toBeVisible();
  await saveScreenshot(page, 'desktop-home-dark');
  await page.goto(`${server}/#/s/${session.id}`);
  await expect(page.getByRole('article', { name: 'Agent message' })).toContainText('themes look right', {
    timeout: 120_000,
  });
  await saveScreenshot(page, 'desktop-session-dark');
  await page.goto(`${server}/#/settings/secrets`);
  await expect(page.getByRole('heading', { name: 'Secrets', level: 2 })).toBeVisible();
  await saveScreenshot(page, 'desktop-settings-dark');

  // "System" follows the device's setting, here a light one.
  await page.emulateMedia({ colorScheme: 'light' });
  await openAccount(page, server);
  await page.getByRole('radio', { name: 'System' }).check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await laptop.close();
});
