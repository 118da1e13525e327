// Session hygiene on the real stack: a long first message becomes a short
// title; the owner renames a session from its header and deletes one from the
// Sessions page after confirming; a teammate is offered neither and the
// server refuses them both.
import { ApiError } from '@orrery/shared';
import { clientFor, createSession, createTeammate } from './api.js';
import { chooseFromRowMenu, saveScreenshot, sessionsPage, sidebar, signIn } from './app.js';
import { expect, test } from './fixtures.js';

test('the owner renames a session from its header and deletes one after confirming; a teammate can do neither', async ({
  browser,
  server,
  admin,
}) => {
  const olivia = await createTeammate(server, admin, 'Olivia');
  const tom = await createTeammate(server, admin, 'Tom');
  const tag = Date.now().toString(36);
  const long = await createSession(server, olivia, {
    prompt: `Investigate why the nightly billing export ${tag} keeps failing with a timeout on the reconciliation step\nLogs attached below.`,
    visibility: 'shared',
  });
  // The first line, cut on a word boundary with an ellipsis.
  expect(long.title).toBe(`Investigate why the nightly billing export ${tag} keeps…`);
  const doomed = await createSession(server, olivia, { prompt: `echo doomed ${tag}`, visibility: 'shared' });

  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, server, olivia);
  await page.goto(`${server}/#/s/${long.id}`);
  await expect(page.getByRole('heading', { name: long.title, level: 1 })).toBeVisible();

  // Rename from the header's menu; a blank title is refused next to the field.
  await page.getByRole('button', { name: 'Session actions' }).click();
  await page.getByRole('menuitem', { name: 'Rename…' }).click();
  const rename = page.getByRole('dialog', { name: 'Rename session' });
  const field = rename.getByRole('textbox', { name: 'Title' });
  await field.fill(' ');
  await rename.getByRole('button', { name: 'Rename' }).click();
  await expect(field).toHaveAccessibleDescription('Is required');
  await field.fill(`Billing export timeouts ${tag}`);
  await rename.getByRole('button', { name: 'Rename' }).click();
  await expect(rename).toBeHidden();
  await expect(page.getByRole('heading', { name: `Billing export timeouts ${tag}`, level: 1 })).toBeVisible();
  await expect(sidebar(page).getByRole('link', { name: `Billing export timeouts ${tag}` })).toBeVisible();
  // The server has it: a fresh read says the same.
  expect((await clientFor(server, olivia).sessions.get(long.id)).session.title).toBe(
    `Billing export timeouts ${tag}`,
  );
  await saveScreenshot(page, 'session-renamed');

  // Delete from the Sessions page: Cancel first keeps it, then confirm.
  await sidebar(page).getByRole('link', { name: 'Sessions', exact: true }).click();
  const list = sessionsPage(page);
  await chooseFromRowMenu(page, list, doomed.title, 'Delete…');
  const confirm = page.getByRole('dialog', { name: 'Delete session?' });
  await expect(confirm).toContainText('This cannot be undone.');
  await saveScreenshot(page, 'session-delete-confirm');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(list.getByText(doomed.title)).toBeVisible();
  await chooseFromRowMenu(page, list, doomed.title, 'Delete…');
  await confirm.getByRole('button', { name: 'Delete session' }).click();
  await expect(confirm).toBeHidden();
  await expect(list.getByText(doomed.title)).toBeHidden();
  await expect(page.getByText(`Deleted “${doomed.title}”.`)).toBeVisible();
  const gone = await clientFor(server, olivia)
    .sessions.get(doomed.id)
    .then(
      () => null,
      (error: unknown) => error,
    );
  expect(gone).toBeInstanceOf(ApiError);
  expect((gone as ApiError).status).toBe(404);

  // ── a teammate: offered neither, refused both ──
  const tomContext = await browser.newContext();
  const tomPage = await tomContext.newPage();
  await signIn(tomPage, server, tom);
  await tomPage.goto(`${server}/#/s/${long.id}`);
  await expect(
    tomPage.getByRole('heading', { name: `Billing export timeouts ${tag}`, level: 1 }),
  ).toBeVisible();
  await tomPage.getByRole('button', { name: 'Session actions' }).click();
  await expect(tomPage.getByRole('menuitem', { name: 'Pin session' })).toBeVisible();
  await expect(tomPage.getByRole('menuitem', { name: 'Rename…' })).toHaveCount(0);
  await expect(tomPage.getByRole('menuitem', { name: 'Delete…' })).toHaveCount(0);
  const tomApi = clientFor(server, tom);
  for (const attempt of [
    () => tomApi.sessions.rename(long.id, { title: 'Hijacked' }),
    () => tomApi.sessions.delete(long.id),
  ]) {
    const refused = await attempt().then(
      () => null,
      (error: unknown) => error,
    );
    expect((refused as ApiError).status).toBe(403);
  }
  expect((await clientFor(server, olivia).sessions.get(long.id)).session.title).toBe(
    `Billing export timeouts ${tag}`,
  );
  await tomContext.close();
  await context.close();
});
