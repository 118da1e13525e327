import { createSession, createTeammate } from './api.js';
import { saveScreenshot, signIn } from './app.js';
import { expect, test } from './fixtures.js';

test('the owner shares a private session with a teammate, who reads it, loses it live on revoke, and gets it back live on a new grant', async ({
  browser,
  server,
  admin,
}) => {
  const ada = await createTeammate(server, admin, 'Ada');
  const bob = await createTeammate(server, admin, 'Bob');
  const tag = Date.now().toString(36);
  const session = await createSession(server, ada, { prompt: `echo granted-${tag}`, visibility: 'private' });

  const adaContext = await browser.newContext();
  await adaContext.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server });
  const adaPage = await adaContext.newPage();
  await signIn(adaPage, server, ada);
  await adaPage.goto(`${server}/#/s/${session.id}`);
  await adaPage.getByRole('button', { name: 'Share', exact: true }).click();
  const dialog = adaPage.getByRole('dialog', { name: 'Share session' });
  await expect(dialog.getByRole('radio', { name: /^Private/ })).toBeChecked();
  await dialog.getByRole('searchbox', { name: 'Search teammates' }).fill(bob.name);
  const found = dialog
    .getByRole('list', { name: 'Teammates found' })
    .getByRole('listitem')
    .filter({ hasText: bob.email });
  await found.getByRole('button', { name: `Give viewer access to ${bob.name}` }).click();
  const people = dialog.getByRole('list', { name: 'People with access' });
  await expect(people.getByRole('listitem').filter({ hasText: bob.email })).toContainText('Viewer');
  await expect(found).toContainText('Has access');

  await dialog.getByRole('button', { name: 'Copy link', exact: true }).click();
  await expect(dialog.getByRole('status')).toHaveText('Link copied.');
  const link = await adaPage.evaluate(() => navigator.clipboard.readText());
  expect(link).toBe(`${server}/#/s/${session.id}`);
  await dialog.getByRole('button', { name: 'Copy desktop link' }).click();
  expect(await adaPage.evaluate(() => navigator.clipboard.readText())).toBe(`orrery://session/${session.id}`);
  await saveScreenshot(adaPage, 'desktop-share-dialog');
  await adaPage.setViewportSize({ width: 390, height: 844 });
  await saveScreenshot(adaPage, 'phone-share-dialog');
  await adaPage.setViewportSize({ width: 1280, height: 800 });

  // Bob follows the link and reads the session; he cannot write in it.
  const bobContext = await browser.newContext();
  const bobPage = await bobContext.newPage();
  await signIn(bobPage, server, bob);
  await bobPage.goto(link);
  await expect(bobPage.getByRole('heading', { name: session.title })).toBeVisible();
  await expect(bobPage.getByRole('log', { name: 'Conversation' })).toContainText(`granted-${tag}`, {
    timeout: 120_000,
  });
  await expect(bobPage.getByRole('note')).toHaveText(
    'You are viewing Ada’s session because they gave you viewer access. Only Ada can send messages in it.',
  );
  await expect(bobPage.getByRole('textbox', { name: 'Message' })).toHaveCount(0);
  await expect(bobPage.getByRole('button', { name: 'Share', exact: true })).toHaveCount(0);

  // Ada revokes; Bob's open page loses it at once.
  await people.getByRole('button', { name: `Revoke access for ${bob.name}` }).click();
  await expect(people.getByRole('listitem').filter({ hasText: bob.email })).toHaveCount(0);
  await expect(bobPage.getByRole('alert')).toHaveText(
    'You no longer have access to this session. Its copy was removed from this device.',
  );
  await expect(bobPage.getByText(`granted-${tag}`)).toHaveCount(0);

  // Ada gives access back; Bob's tab recovers by itself, through the changes feed, without a reload.
  await dialog.getByRole('searchbox', { name: 'Search teammates' }).fill(bob.name);
  await found.getByRole('button', { name: `Give viewer access to ${bob.name}` }).click();
  await expect(people.getByRole('listitem').filter({ hasText: bob.email })).toContainText('Viewer');
  await expect(bobPage.getByRole('log', { name: 'Conversation' })).toContainText(`granted-${tag}`, {
    timeout: 60_000,
  });
  await expect(bobPage.getByRole('alert')).toHaveCount(0);

  await adaContext.close();
  await bobContext.close();
});
