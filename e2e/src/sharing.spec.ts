import { createSession, createTeammate, setVisibility } from './api.js';
import { chooseFromRowMenu, sessionsPage, pinnedList, saveScreenshot, sidebar, signIn } from './app.js';
import { expect, test } from './fixtures.js';

test('a teammate sees a shared session read-only, never a private one, and never the owner’s pins', async ({
  browser,
  server,
  admin,
}) => {
  const ada = await createTeammate(server, admin, 'Ada');
  const bob = await createTeammate(server, admin, 'Bob');
  const tag = Date.now().toString(36);
  const shared = await createSession(server, ada, { prompt: `echo shared-${tag}`, visibility: 'shared' });
  const secret = await createSession(server, ada, { prompt: `echo private-${tag}`, visibility: 'private' });

  const adaContext = await browser.newContext();
  const adaPage = await adaContext.newPage();
  await signIn(adaPage, server, ada);
  await sidebar(adaPage).getByRole('link', { name: 'Sessions', exact: true }).click();
  const adaList = sessionsPage(adaPage);
  await expect(
    adaList.getByRole('listitem').filter({ hasText: secret.title }).getByLabel('Private', { exact: true }),
  ).toBeVisible();
  await chooseFromRowMenu(adaPage, adaList, shared.title, 'Pin session');
  await chooseFromRowMenu(adaPage, adaList, secret.title, 'Pin session');
  await expect(pinnedList(adaPage).getByRole('listitem')).toHaveCount(2);

  const bobContext = await browser.newContext();
  const page = await bobContext.newPage();
  await signIn(page, server, bob);
  await expect(sidebar(page).getByText('Pin a session from its ⋯ menu to keep it here.')).toBeVisible();
  await sidebar(page).getByRole('link', { name: 'Sessions', exact: true }).click();
  const list = sessionsPage(page);
  await expect(list.getByRole('listitem').filter({ hasText: shared.title })).toBeVisible();
  await expect(list.getByRole('listitem').filter({ hasText: secret.title })).toHaveCount(0);
  await page.getByRole('radio', { name: 'Shared with me' }).click();
  await expect(list.getByRole('listitem').filter({ hasText: shared.title })).toBeVisible();

  await list.getByRole('link', { name: new RegExp(shared.title) }).click();
  await expect(page.getByRole('heading', { name: shared.title })).toBeVisible();
  await expect(page.getByRole('log', { name: 'Conversation' })).toContainText(`shared-${tag}`, {
    timeout: 120_000,
  });
  await expect(page.getByRole('note')).toHaveText(
    'You are viewing Ada’s session because it is shared with your organisation. Only Ada can send messages in it.',
  );
  await expect(page.getByRole('textbox', { name: 'Message' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Archive' })).toHaveCount(0);
  await saveScreenshot(page, 'desktop-viewer-read-only');

  // Ada makes it private while Bob is reading it: he is told, and his copy is gone.
  await setVisibility(server, ada, shared.id, 'private');
  await expect(page.getByRole('alert')).toHaveText(
    'You no longer have access to this session. Its copy was removed from this device.',
  );
  await sidebar(page).getByRole('link', { name: 'Sessions', exact: true }).click();
  await expect(sessionsPage(page).getByRole('listitem').filter({ hasText: shared.title })).toHaveCount(0);

  // The private session's address leads nowhere for Bob.
  await page.goto(`${server}/#/s/${secret.id}`);
  await expect(page.getByRole('alert')).toHaveText(
    'This session does not exist, or you do not have access to it.',
  );
  await expect(page.getByText(`private-${tag}`)).toHaveCount(0);
  // Ada's pins stay hers.
  await expect(pinnedList(page).getByRole('listitem')).toHaveCount(0);

  await adaContext.close();
  await bobContext.close();
});
