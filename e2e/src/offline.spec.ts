// Local-first: with the server stopped the app keeps showing what it cached,
// says it is offline, keeps pins made meanwhile, and merges them when the
// server is back. This journey stops its own server, so it has its own stack.
import { createSession, createTeammate, loginAdmin } from './api.js';
import { chooseFromRowMenu, sessionsPage, pinnedList, saveScreenshot, sidebar, signIn } from './app.js';
import { expect, test } from './fixtures.js';
import { startStack, type Stack } from './stack.js';

let stack: Stack;
test.beforeAll(async () => {
  stack = await startStack({ name: 'offline', runner: false });
});
test.afterAll(async () => {
  await stack?.stop();
});

test('browses cached sessions offline, pins offline, and the pin reaches every device once the server is back', async ({
  browser,
}) => {
  const server = stack.url;
  const admin = await loginAdmin(server);
  const ada = await createTeammate(server, admin, 'Ada');
  const tag = Date.now().toString(36);
  const first = await createSession(server, ada, { prompt: `echo first-${tag}` });
  const second = await createSession(server, ada, { prompt: `echo second-${tag}` });
  const third = await createSession(server, ada, { prompt: `echo third-${tag}` });

  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, server, ada);
  // Opening sessions caches them on this device.
  for (const s of [first, second]) {
    await page.goto(`${server}/#/s/${s.id}`);
    await expect(page.getByRole('main')).toContainText(s.title.replace(/^echo /, ''));
  }

  // Pinning a session never opened here fetches it too, so it can be read offline.
  await sidebar(page).getByRole('link', { name: 'Sessions', exact: true }).click();
  await chooseFromRowMenu(page, sessionsPage(page), third.title, 'Pin session');
  await expect(pinnedList(page).getByRole('listitem')).toHaveText([third.title]);
  await expect
    .poll(
      () =>
        page.evaluate(async (name) => {
          const dbs = await indexedDB.databases();
          const db = await new Promise<IDBDatabase>((resolve, reject) => {
            const req = indexedDB.open(dbs.find((d) => d.name?.startsWith('orrery:'))!.name!);
            req.onsuccess = () => resolve(req.result);
            req.onerror = () => reject(new Error(req.error?.message ?? 'IndexedDB open failed'));
          });
          const count = await new Promise<number>((resolve) => {
            const req = db.transaction('updates').objectStore('updates').index('name').count(name);
            req.onsuccess = () => resolve(req.result);
          });
          db.close();
          return count;
        }, `session/${third.id}`),
      { timeout: 20_000 },
    )
    .toBeGreaterThan(0);

  // The web app keeps itself on the device (service worker) once it has started.
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 20_000 })
    .toBe(true);

  await stack.stopServer();
  await expect(page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible({ timeout: 20_000 });
  // Even a reload opens the app, still signed in, from what is on the device.
  await page.reload();
  await expect(page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible({ timeout: 20_000 });

  await sidebar(page).getByRole('link', { name: 'Sessions', exact: true }).click();
  const list = sessionsPage(page);
  await expect(list.getByRole('listitem')).toHaveCount(3);
  await list.getByRole('link', { name: new RegExp(first.title) }).click();
  await expect(page.getByRole('main')).toContainText(`first-${tag}`);

  // The session pinned (but never opened) while online reads offline too.
  await pinnedList(page).getByRole('link', { name: third.title }).click();
  await expect(page.getByRole('main')).toContainText(`third-${tag}`);
  await saveScreenshot(page, 'desktop-offline');

  await sidebar(page).getByRole('link', { name: 'Sessions', exact: true }).click();
  await chooseFromRowMenu(page, list, second.title, 'Pin session');
  await expect(pinnedList(page).getByRole('listitem')).toHaveText([third.title, second.title]);

  // A draft typed offline is kept too.
  await list.getByRole('link', { name: new RegExp(second.title) }).click();
  await page.getByRole('textbox', { name: 'Message' }).fill('a thought typed offline');
  await page.waitForTimeout(1_000);

  // A message sent offline is queued on this device and reaches the server when it is back.
  await sidebar(page).getByRole('link', { name: 'Sessions', exact: true }).click();
  await list.getByRole('link', { name: new RegExp(first.title) }).click();
  await page.getByRole('textbox', { name: 'Message' }).fill(`echo sent-offline-${tag}`);
  await page.keyboard.press('Enter');
  await expect(page.getByText('You are offline: your message is queued here')).toBeVisible();

  await stack.startServer();
  await expect(page.getByRole('status').filter({ hasText: 'Offline' })).toBeHidden({ timeout: 30_000 });

  // Another device of the same account sees the pin made offline.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signIn(otherPage, server, ada);
  await expect(pinnedList(otherPage).getByRole('listitem')).toHaveText([third.title, second.title], {
    timeout: 30_000,
  });
  await pinnedList(otherPage).getByRole('link', { name: second.title }).click();
  await expect(otherPage.getByRole('textbox', { name: 'Message' })).toHaveValue('a thought typed offline');
  await otherPage.goto(`${server}/#/s/${first.id}`);
  await expect(otherPage.getByRole('main')).toContainText(`sent-offline-${tag}`, { timeout: 30_000 });
  await other.close();
  await context.close();
});
