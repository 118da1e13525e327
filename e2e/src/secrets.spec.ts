// Secrets from both sides: an admin keeps shared and private ones (values
// never shown again), a member sees the shared ones only, cannot add shared
// ones, and overrides one with a private secret of the same name, which is
// what that member's sessions then get.
import { expect as baseExpect, type Locator, type Page } from '@playwright/test';
import { createSession, createTeammate } from './api.js';
import { saveScreenshot, sidebar, signIn } from './app.js';
import { expect, test } from './fixtures.js';

async function addSecret(page: Page, name: string, value: string, scope: 'Private' | 'Shared') {
  const form = page.getByRole('form', { name: 'Add a secret' });
  await form.getByRole('textbox', { name: 'Name' }).fill(name);
  await form.getByRole('textbox', { name: 'Value', exact: true }).fill(value);
  await form.getByRole('radio', { name: new RegExp(`^${scope}`) }).check();
  await form.getByRole('button', { name: 'Add secret' }).click();
  await expect(form.getByRole('status')).toHaveText(
    `Saved ${name} (${scope.toLowerCase()}). It cannot be shown again.`,
  );
  // The box is emptied once the server has the value.
  await expect(form.getByRole('textbox', { name: 'Value', exact: true })).toHaveValue('');
}

function row(page: Page, name: string, scope: 'private' | 'shared'): Locator {
  return page.getByRole('list', { name: 'Secrets' }).getByRole('listitem', { name: `${name} (${scope})` });
}

/** No value appears anywhere in the page: not in the text, not in any attribute or field. */
async function expectNoValues(page: Page, values: string[]) {
  const html = await page.content();
  const fields = await page
    .locator('input, textarea')
    .evaluateAll((els) => els.map((el) => (el as HTMLInputElement).value));
  for (const value of values) {
    baseExpect(html).not.toContain(value);
    baseExpect(fields).not.toContain(value);
  }
}

test('an admin keeps shared and private secrets write-only; a member sees only shared ones and overrides one privately', async ({
  browser,
  server,
  admin,
}) => {
  const tag = Date.now().toString(36).toUpperCase();
  const grace = await createTeammate(server, admin, 'Grace', 'admin');
  const bob = await createTeammate(server, admin, 'Bob');
  const SHARED = `DEPLOY_KEY_${tag}`;
  const PRIVATE = `GRACE_TOKEN_${tag}`;
  const sharedValue = `shared-deploy-value-${tag}`;
  const privateValue = `grace-private-value-${tag}`;
  const replacedValue = `grace-replaced-value-${tag}`;

  // ── the admin ──
  const graceContext = await browser.newContext();
  const page = await graceContext.newPage();
  await signIn(page, server, grace);
  await sidebar(page).getByRole('link', { name: 'Settings' }).click();
  await page
    .getByRole('navigation', { name: 'Settings sections' })
    .getByRole('link', { name: 'Secrets' })
    .click();
  await expect(page.getByRole('heading', { name: 'Secrets', level: 2 })).toBeVisible();
  await expect(page.getByText(/nobody can read them back, not even you/)).toBeVisible();

  // A name typed the way people write it is offered in UPPER_SNAKE_CASE.
  const form = page.getByRole('form', { name: 'Add a secret' });
  await form.getByRole('textbox', { name: 'Name' }).fill(`deploy-key-${tag.toLowerCase()}`);
  await expect(form.getByText(/The name must be UPPER_SNAKE_CASE/)).toBeVisible();
  await form.getByRole('button', { name: `Use ${SHARED}` }).click();
  await expect(form.getByRole('textbox', { name: 'Name' })).toHaveValue(SHARED);

  await addSecret(page, SHARED, sharedValue, 'Shared');
  await addSecret(page, PRIVATE, privateValue, 'Private');
  await expect(row(page, SHARED, 'shared')).toContainText('Shared');
  await expect(row(page, SHARED, 'shared')).toContainText('Updated just now by you');
  await expect(row(page, PRIVATE, 'private')).toContainText('Private');
  await expect(row(page, PRIVATE, 'private')).toContainText('Updated just now by you');

  // Typing a name that exists says the value will be replaced.
  await form.getByRole('textbox', { name: 'Name' }).fill(PRIVATE);
  await expect(form.getByText('Replaces the current value.')).toBeVisible();
  await expect(form.getByRole('button', { name: 'Replace value' })).toBeVisible();
  await form.getByRole('textbox', { name: 'Name' }).fill('');

  // Replacing a value from its row.
  await row(page, PRIVATE, 'private')
    .getByRole('button', { name: `Replace the value of ${PRIVATE} (private)` })
    .click();
  const newValue = page.getByRole('textbox', { name: `New value for ${PRIVATE}` });
  await expect(newValue).toHaveValue('');
  await newValue.fill(replacedValue);
  await page.getByRole('button', { name: 'Save new value' }).click();
  await expect(row(page, PRIVATE, 'private').getByRole('status')).toHaveText(
    `New value saved for ${PRIVATE}. It cannot be shown again.`,
  );
  await expect(newValue).toHaveCount(0);

  // After a reload, the list is what the server sends: names, never values.
  await page.reload();
  await expect(row(page, SHARED, 'shared')).toBeVisible();
  await expect(row(page, PRIVATE, 'private')).toBeVisible();
  await expectNoValues(page, [sharedValue, privateValue, replacedValue]);
  await saveScreenshot(page, 'desktop-secrets');

  // ── a member, on a phone ──
  const bobContext = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const bobPage = await bobContext.newPage();
  await signIn(bobPage, server, bob);
  await bobPage.getByRole('button', { name: 'Open sidebar' }).click();
  await expect(sidebar(bobPage)).toHaveCSS('transform', 'none');
  await sidebar(bobPage).getByRole('link', { name: 'Settings' }).click();
  await bobPage
    .getByRole('navigation', { name: 'Settings sections' })
    .getByRole('link', { name: 'Secrets' })
    .click();
  await expect(bobPage.getByRole('heading', { name: 'Secrets', level: 2 })).toBeVisible();
  await expect(row(bobPage, SHARED, 'shared')).toContainText(`by ${grace.name} · managed by admins`);
  await expect(row(bobPage, SHARED, 'shared').getByRole('button')).toHaveCount(0);
  await expect(bobPage.getByText(PRIVATE)).toHaveCount(0);

  const bobForm = bobPage.getByRole('form', { name: 'Add a secret' });
  const sharedChoice = bobForm.getByRole('radio', { name: /^Shared/ });
  await expect(sharedChoice).toBeDisabled();
  await expect(sharedChoice).toHaveAccessibleDescription('Only admins can add shared secrets.');

  // Bob's own value for the shared name: his wins in his sessions.
  const bobValue = `bob-own-value-${tag}-longer`;
  await bobForm.getByRole('textbox', { name: 'Name' }).fill(SHARED);
  await expect(
    bobForm.getByText(`A shared ${SHARED} exists: your private one will be used in your sessions.`),
  ).toBeVisible();
  await addSecret(bobPage, SHARED, bobValue, 'Private');
  await expect(row(bobPage, SHARED, 'shared')).toContainText(
    `You have a private ${SHARED}: yours is used in your sessions, not this one.`,
  );
  await bobPage.reload();
  // The note comes from the server's list too.
  await expect(row(bobPage, SHARED, 'shared')).toContainText(`You have a private ${SHARED}`);
  await expect(row(bobPage, SHARED, 'private')).toContainText(
    `Used in your sessions instead of the shared ${SHARED}`,
  );
  await expectNoValues(bobPage, [sharedValue, bobValue]);
  await row(bobPage, SHARED, 'shared').scrollIntoViewIfNeeded();
  await saveScreenshot(bobPage, 'phone-secrets');

  // What Bob's session gets is his value (its length says which), and the transcript never shows it.
  const session = await createSession(server, bob, {
    prompt: `echo "length-${tag}=\${#${SHARED}}"; echo "$${SHARED}"`,
  });
  await bobPage.goto(`${server}/#/s/${session.id}`);
  const transcript = bobPage.getByRole('log', { name: 'Conversation' });
  await expect(transcript).toContainText(`length-${tag}=${bobValue.length}`, { timeout: 120_000 });
  await expect(transcript).toContainText('[redacted]');
  await expectNoValues(bobPage, [bobValue, sharedValue]);

  // ── the admin deletes one, after confirming ──
  await row(page, PRIVATE, 'private')
    .getByRole('button', { name: `Delete ${PRIVATE} (private)` })
    .click();
  const confirm = page.getByRole('group', { name: `Confirm deleting ${PRIVATE} (private)` });
  await expect(confirm).toContainText(`Delete ${PRIVATE}?`);
  await confirm.getByRole('button', { name: `Delete ${PRIVATE}` }).click();
  await expect(row(page, PRIVATE, 'private')).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: `Deleted ${PRIVATE} (private).` })).toBeVisible();
  await page.reload();
  await expect(row(page, SHARED, 'shared')).toBeVisible();
  await expect(row(page, PRIVATE, 'private')).toHaveCount(0);

  await graceContext.close();
  await bobContext.close();
});
