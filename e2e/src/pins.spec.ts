import { createSession, createTeammate } from './api.js';
import { chooseFromRowMenu, sessionsPage, drag, pinnedList, saveScreenshot, sidebar, signIn } from './app.js';
import { expect, test } from './fixtures.js';

test('pins sessions, files them in a folder by dragging, reorders, collapses all and filters', async ({
  page,
  server,
  admin,
}) => {
  const ada = await createTeammate(server, admin, 'Ada');
  const tag = Date.now().toString(36);
  const titles = ['Alpha', 'Beta', 'Gamma'].map((name) => `echo ${name} ${tag}`);
  for (const prompt of titles) await createSession(server, ada, { prompt });
  await signIn(page, server, ada);

  await sidebar(page).getByRole('link', { name: 'Sessions', exact: true }).click();
  const list = sessionsPage(page);
  for (const title of titles) await chooseFromRowMenu(page, list, title, 'Pin session');
  const pinned = pinnedList(page);
  await expect(pinned.getByRole('listitem')).toHaveText(titles);

  // A folder, named as it is created.
  await sidebar(page).getByRole('button', { name: 'New folder' }).click();
  await page.getByRole('textbox', { name: 'Folder name' }).fill('Project X');
  await page.getByRole('textbox', { name: 'Folder name' }).press('Enter');
  const folder = sidebar(page).getByRole('group', { name: 'Folder Project X' });
  await expect(folder).toBeVisible();

  // Drag Beta into the folder.
  await drag(page, pinned.getByRole('listitem').filter({ hasText: titles[1] }), folder);
  const inFolder = sidebar(page).getByRole('list', { name: 'Pinned in Project X' });
  await expect(inFolder.getByRole('listitem')).toHaveText([titles[1]!]);
  await expect(pinned.getByRole('listitem')).toHaveText([titles[0]!, titles[2]!]);

  // Reorder: Gamma above Alpha.
  await drag(
    page,
    pinned.getByRole('listitem').filter({ hasText: titles[2] }),
    pinned.getByRole('listitem').filter({ hasText: titles[0] }),
    'top',
  );
  await expect(pinned.getByRole('listitem')).toHaveText([titles[2]!, titles[0]!]);

  // And out of the folder again, onto the top of the list.
  await drag(
    page,
    inFolder.getByRole('listitem').filter({ hasText: titles[1] }),
    pinned.getByRole('listitem').filter({ hasText: titles[2] }),
    'top',
  );
  await expect(pinned.getByRole('listitem')).toHaveText([titles[1]!, titles[2]!, titles[0]!]);
  await expect(inFolder.getByText('Drag pinned sessions here')).toBeVisible();
  await drag(page, pinned.getByRole('listitem').filter({ hasText: titles[0] }), folder);
  await expect(inFolder.getByRole('listitem')).toHaveText([titles[0]!]);
  await saveScreenshot(page, 'desktop-pinned-with-folder');

  await sidebar(page).getByRole('button', { name: 'Collapse all folders' }).click();
  await expect(inFolder).toBeHidden();
  await expect(folder.getByRole('button', { name: 'Expand folder Project X' })).toBeVisible();

  await sidebar(page).getByRole('button', { name: 'Filter pinned sessions' }).click();
  await sidebar(page).getByRole('searchbox', { name: 'Filter pinned sessions' }).fill(`alpha ${tag}`);
  await expect(
    sidebar(page).getByRole('list', { name: 'Pinned in Project X' }).getByRole('listitem'),
  ).toHaveText([titles[0]!]);
  await expect(pinned.getByRole('listitem')).toHaveCount(0);

  // Pins belong to the account: they come back after a reload from the server's copy.
  await page.evaluate(async () => {
    const dbs = await indexedDB.databases();
    for (const db of dbs) if (db.name) indexedDB.deleteDatabase(db.name);
  });
  await page.reload();
  await expect(pinnedList(page).getByRole('listitem')).toHaveText([titles[1]!, titles[2]!]);
  await expect(sidebar(page).getByRole('group', { name: 'Folder Project X' })).toBeVisible();
});
