// Triggers made in Settings start sessions by themselves: a webhook fired by
// the curl line the page shows (run as written, by real curl), and a schedule
// fired by moving the server's test clock forward. Each event links to the
// session it started. Its own stack, because only it moves the clock.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Page } from '@playwright/test';
import { clientFor, createTeammate, loginAdmin, shellExpertId } from './api.js';
import { saveScreenshot, sidebar, signIn } from './app.js';
import { expect, test } from './fixtures.js';
import { freePort, startStack, type Stack } from './stack.js';

const run = promisify(execFile);
let stack: Stack;
let clockPort: number;
test.beforeAll(async () => {
  clockPort = await freePort();
  stack = await startStack({
    name: 'triggers',
    runner: false,
    serverEnv: { ORRERY_TEST_CLOCK_PORT: String(clockPort) },
  });
});
test.afterAll(async () => {
  await stack?.stop();
});

function card(page: Page, name: string) {
  return page.getByRole('list').getByRole('listitem', { name });
}

async function openStartedSession(page: Page, name: string, expectedText: string) {
  const events = page.getByRole('region', { name: `Events of ${name}` });
  await expect(async () => {
    await events.getByRole('button', { name: 'Refresh' }).click();
    await expect(events.getByText('Started', { exact: true })).toBeVisible({ timeout: 2_000 });
  }).toPass();
  const link = events.getByRole('link', { name: 'Open session' }).first();
  const href = await link.getAttribute('href');
  await link.click();
  await expect(page).toHaveURL(new RegExp(`${href}$`));
  await expect(page.getByRole('main')).toContainText(expectedText);
  return href!.replace('#/s/', '');
}

test('a member sees only the triggers they made, and is told who manages the others', async ({ browser }) => {
  const server = stack.url;
  const admin = await loginAdmin(server);
  const expertId = await shellExpertId(server, admin);
  const bob = await createTeammate(server, admin, 'Bob');
  const adminsHook = `Admin's hook ${Date.now().toString(36)}`;
  await clientFor(server, admin).triggers.create(expertId, { kind: 'webhook', name: adminsHook });
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, server, bob);
  await page.goto(`${server}/#/settings/triggers/${expertId}`);
  await expect(page.getByRole('note')).toHaveText(/Triggers others made are managed by them and by admins/);
  await expect(page.getByRole('heading', { name: 'No triggers on Shell yet' })).toBeVisible();
  await expect(page.getByText(adminsHook)).toBeHidden();
  await context.close();
});

test('a webhook made in Settings fires from curl, and a schedule fires on the moved clock; each event opens its session', async ({
  page,
}) => {
  const server = stack.url;
  const admin = await loginAdmin(server);
  const expertId = await shellExpertId(server, admin);
  const tag = Date.now().toString(36);
  await signIn(page, server, admin);
  await sidebar(page).getByRole('link', { name: 'Settings' }).click();
  await page
    .getByRole('navigation', { name: 'Settings sections' })
    .getByRole('link', { name: 'Triggers' })
    .click();
  await page.getByRole('combobox', { name: 'Expert' }).selectOption(expertId);
  await expect(page).toHaveURL(new RegExp(`#/settings/triggers/${expertId}$`));

  // ── a webhook with a filter, checked in the test box first ──
  const webhook = `Deploy failed ${tag}`;
  await page.getByRole('textbox', { name: 'Name' }).fill(webhook);
  await page.getByRole('textbox', { name: 'Path' }).fill('deployment.state');
  await page.getByRole('textbox', { name: 'Equals' }).fill('failed');
  const sample = page.getByRole('textbox', { name: 'Test with a sample payload' });
  await sample.fill('{"deployment": {"state": "succeeded"}}');
  await expect(page.getByText(/Does not match: deployment.state is "succeeded"/)).toBeVisible();
  await sample.fill('{"deployment": {"state": "failed"}}');
  await expect(page.getByText(/Matches: deployment.state is "failed"/)).toBeVisible();
  await page.getByRole('button', { name: 'Create webhook' }).click();

  const shown = page.getByRole('region', { name: `Webhook “${webhook}” is ready` });
  await expect(shown.getByText(/shown only this once/)).toBeVisible();
  await saveScreenshot(page, 'triggers-webhook-secret-1280');
  const curl = await shown.getByLabel('Try it with curl', { exact: true }).textContent();
  expect(curl).toContain(`${server}/api/hooks/`);

  // The example, exactly as the page shows it, run by a shell with real curl.
  const { stdout } = await run('bash', ['-c', `${curl!} --silent --show-error --fail-with-body`]);
  const accepted = JSON.parse(stdout) as { outcome: string; sessionId: string };
  expect(accepted.outcome).toBe('started');
  await shown.getByRole('button', { name: 'I have copied it' }).click();
  await expect(shown).toBeHidden();
  await expect(card(page, webhook)).toContainText('Starts a session when deployment.state is failed');

  const fromHook = await openStartedSession(page, webhook, `Webhook “${webhook}” received this payload`);
  expect(fromHook).toBe(accepted.sessionId);
  await page.goBack();

  // ── a schedule: a wrong field is named next to it, then read in words ──
  const schedule = `Every five minutes ${tag}`;
  await page.getByRole('radio', { name: /Schedule/ }).check();
  await page.getByRole('textbox', { name: 'Name' }).fill(schedule);
  const cron = page.getByRole('textbox', { name: 'Schedule (cron)' });
  await cron.fill('*/5 25 * * *');
  await expect(page.getByText(/The second field \(hour\) is “25”; it accepts 0–23/)).toBeVisible();
  await cron.fill('*/5 * * * *');
  await expect(page.getByText(/Runs every 5 minutes/)).toBeVisible();
  await expect(page.getByRole('list', { name: 'Next runs' }).getByRole('listitem')).toHaveCount(3);
  await page.getByRole('textbox', { name: 'Prompt' }).fill(`echo scheduled-${tag}`);
  await saveScreenshot(page, 'triggers-schedule-form-1280');
  await page.getByRole('button', { name: 'Create schedule' }).click();
  await expect(card(page, schedule)).toContainText('Runs every 5 minutes');

  // Five minutes and a second later, on the server's clock; the control runs the scheduler once.
  const moved = await fetch(`http://127.0.0.1:${clockPort}/advance?ms=${5 * 60_000 + 1_000}`, {
    method: 'POST',
  });
  expect(moved.status).toBe(200);
  await openStartedSession(page, schedule, `scheduled-${tag}`);
  await page.goBack();
  await expect(card(page, webhook)).toBeVisible();

  // ── changing the schedule: the server keeps what the card then says ──
  await card(page, schedule).getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('form', { name: `Edit ${schedule}` });
  await edit.getByRole('textbox', { name: 'Schedule (cron)' }).fill('0 9 * * 1-5');
  await expect(edit.getByText(/Runs every weekday at 09:00/)).toBeVisible();
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit).toBeHidden();
  await expect(card(page, schedule)).toContainText('Runs every weekday at 09:00');
  await page.reload();
  await expect(card(page, schedule)).toContainText('Runs every weekday at 09:00');
  await saveScreenshot(page, 'triggers-list-1280');

  await page.setViewportSize({ width: 390, height: 844 });
  await expect(card(page, schedule)).toBeVisible();
  await saveScreenshot(page, 'triggers-list-390');
  await page.getByRole('radio', { name: /Schedule/ }).scrollIntoViewIfNeeded();
  await saveScreenshot(page, 'triggers-form-390');

  // ── delete asks first ──
  await card(page, webhook).getByRole('button', { name: 'Delete…' }).click();
  await card(page, webhook).getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(card(page, webhook)).toBeHidden();
});
