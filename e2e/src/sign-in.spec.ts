import { createTeammate } from './api.js';
import { signIn } from './app.js';
import { expect, test } from './fixtures.js';

test('signs in to a server, says so when the password is wrong, and signs out', async ({
  page,
  server,
  admin,
}) => {
  const ada = await createTeammate(server, admin, 'Ada');
  await page.goto(server);
  // The web app served by the server offers that server's address.
  await expect(page.getByLabel('Server address')).toHaveValue(server);
  await page.getByLabel('Email').fill(ada.email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('The email or password is not right.');

  await signIn(page, server, ada);
  await expect(page.getByRole('heading', { name: 'What should we work on, Ada?' })).toBeVisible();
  // Signed in stays signed in across a reload (the token is kept by the platform).
  await page.reload();
  await expect(page.getByRole('link', { name: 'New Session' })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to Orrery' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Sign in to Orrery' })).toBeVisible();
});

test('explains an address that is not a server', async ({ page, server }) => {
  await page.goto(server);
  await page.getByLabel('Server address').fill('http://127.0.0.1:9');
  await page.getByLabel('Email').fill('someone@orrery.test');
  await page.getByLabel('Password').fill('whatever-it-is');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Cannot reach the server at http://127.0.0.1:9.');
});
