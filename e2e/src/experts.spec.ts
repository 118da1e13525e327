// Experts made and changed in Settings, on the real stack: an admin makes an
// organisation Expert (the server's own answer for a taken name beside the
// field, a draft kept across leaving the page), a member sees it read-only
// and the server refuses the member's change; Home marks an Expert no runner
// can run (this stack's runner has no Anthropic key) and does not start it.
import { createTeammate, clientFor } from './api.js';
import { saveScreenshot, sidebar, signIn } from './app.js';
import { expect, test } from './fixtures.js';

const NO_ANTHROPIC_KEY =
  'No Anthropic API key is set. An admin must store one in Settings → Model providers, or set ANTHROPIC_API_KEY in a runner’s environment and restart it.';

test('an admin makes an organisation Expert in Settings; a member sees it read-only and cannot change it', async ({
  browser,
  server,
  admin,
}) => {
  const tag = Date.now().toString(36);
  const name = `Release helper ${tag}`;
  const grace = await createTeammate(server, admin, 'Grace', 'admin');
  const bob = await createTeammate(server, admin, 'Bob');

  // ── the admin ──
  const graceContext = await browser.newContext();
  const page = await graceContext.newPage();
  await signIn(page, server, grace);
  await sidebar(page).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Experts', level: 2 })).toBeVisible();
  const builtIn = page
    .getByRole('list', { name: 'Experts' })
    .getByRole('listitem', { name: 'Shell', exact: true });
  await expect(builtIn).toContainText('Built-in');
  await expect(page.getByRole('listitem', { name: 'Coding agent' })).toContainText(
    `Unavailable: ${NO_ANTHROPIC_KEY}`,
  );
  await saveScreenshot(page, 'settings-experts-1280');

  await page.getByRole('link', { name: 'New Expert' }).click();
  await expect(page).toHaveURL(/#\/settings\/experts\/new$/);
  const form = page.getByRole('form', { name: 'New Expert' });
  // A name an Expert already has: the server says so beside the field.
  await form.getByRole('textbox', { name: 'Name', exact: true }).fill('shell');
  await form.getByRole('textbox', { name: 'Instructions' }).fill('Prepare the release notes from git log.');
  await form.getByRole('combobox', { name: 'Model provider' }).selectOption('Shell');
  await form.getByRole('combobox', { name: 'Who can use it' }).selectOption('organisation');
  await form.getByRole('button', { name: 'Create Expert' }).click();
  await expect(form.getByRole('textbox', { name: 'Name', exact: true })).toHaveAccessibleDescription(
    'You already have an Expert named "shell"; pick another name.',
  );

  // Leaving the page keeps the draft.
  await page
    .getByRole('navigation', { name: 'Settings sections' })
    .getByRole('link', { name: 'Account' })
    .click();
  await page.goBack();
  await expect(form.getByRole('textbox', { name: 'Instructions' })).toHaveValue(
    'Prepare the release notes from git log.',
  );
  await form.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
  await saveScreenshot(page, 'settings-expert-editor-1280');
  await form.getByRole('button', { name: 'Create Expert' }).click();
  await expect(page.getByRole('heading', { name: `Edit ${name}` })).toBeVisible();
  await expect(page).toHaveURL(/#\/settings\/experts\/[A-Za-z0-9_-]+$/);
  const expertId = decodeURIComponent(page.url().split('/').pop()!);

  await page.getByRole('link', { name: '← Experts' }).click();
  await expect(page.getByRole('listitem', { name })).toContainText('Organisation');
  await expect(page.getByRole('listitem', { name })).toContainText('by you');

  await page.setViewportSize({ width: 390, height: 844 });
  // On a phone the sidebar becomes a drawer that slides away; shoot once it has.
  await expect(sidebar(page)).not.toBeInViewport();
  await saveScreenshot(page, 'settings-experts-390');
  await page.setViewportSize({ width: 1280, height: 800 });

  // ── the member ──
  const bobContext = await browser.newContext();
  const bobPage = await bobContext.newPage();
  await signIn(bobPage, server, bob);
  await bobPage.goto(`${server}/#/settings/experts/${expertId}`);
  await expect(bobPage.getByRole('heading', { name, level: 2 })).toBeVisible();
  await expect(bobPage.getByRole('note')).toContainText('managed by admins');
  await expect(bobPage.getByRole('textbox', { name: 'Instructions' })).toBeDisabled();
  await expect(bobPage.getByRole('button', { name: 'Save changes' })).toHaveCount(0);
  await bobPage.getByRole('link', { name: '← Experts' }).click();
  await expect(bobPage.getByRole('listitem', { name })).toContainText(`by ${grace.name}`);
  await expect(bobPage.getByRole('listitem', { name }).getByRole('button', { name: 'Delete' })).toHaveCount(
    0,
  );
  // The server refuses all the same.
  await expect(clientFor(server, bob).experts.update(expertId, { instructions: 'mine now' })).rejects.toThrow(
    'Organisation Experts are managed by admins.',
  );

  // Duplicating makes a personal copy the member may change.
  await bobPage.getByRole('listitem', { name }).getByRole('button', { name: 'Duplicate' }).click();
  const copy = bobPage.getByRole('form', { name: 'New Expert' });
  await expect(copy.getByRole('textbox', { name: 'Name', exact: true })).toHaveValue(`${name} (copy)`);
  await expect(copy.getByRole('combobox', { name: 'Who can use it' })).toHaveValue('personal');
  await copy.getByRole('button', { name: 'Create Expert' }).click();
  await expect(bobPage.getByRole('heading', { name: `Edit ${name} (copy)` })).toBeVisible();

  // Home: the Expert no runner can run says why, and starts nothing.
  await bobPage.goto(`${server}/#/`);
  const coder = bobPage.getByRole('radio', { name: /Coding agent/ });
  await expect(coder).toContainText(NO_ANTHROPIC_KEY);
  await coder.click();
  await expect(bobPage.getByRole('status').filter({ hasText: 'cannot run now' })).toHaveText(
    `Coding agent cannot run now. ${NO_ANTHROPIC_KEY}`,
  );
  await bobPage.setViewportSize({ width: 390, height: 844 });
  await expect(sidebar(bobPage)).not.toBeInViewport();
  await saveScreenshot(bobPage, 'home-expert-unavailable-390');
  await bobPage.setViewportSize({ width: 1280, height: 800 });
  // The Expert picker of Triggers marks it too, and says why its triggers would start nothing.
  await bobPage.goto(`${server}/#/settings/triggers`);
  const picker = bobPage.getByRole('combobox', { name: 'Expert' });
  await expect(picker.getByRole('option', { name: 'Coding agent (unavailable)' })).toHaveCount(1);
  await picker.selectOption({ label: 'Coding agent (unavailable)' });
  await expect(bobPage.getByRole('status').filter({ hasText: 'its triggers start no session' })).toHaveText(
    `Coding agent cannot run now, so its triggers start no session. ${NO_ANTHROPIC_KEY}`,
  );
  await bobPage.goto(`${server}/#/`);
  await bobPage.setViewportSize({ width: 390, height: 844 });

  // ── the admin stores an Anthropic key in Settings: Home lets the member start on it ──
  await page.goto(`${server}/#/settings/models`);
  const anthropic = page.getByRole('listitem', { name: 'Anthropic API key' });
  await expect(anthropic).toContainText('No key');
  await anthropic.getByRole('button', { name: 'Set key' }).click();
  await anthropic.getByRole('textbox', { name: 'Anthropic API key' }).fill(`sk-ant-e2e-${tag}`);
  await anthropic.getByRole('button', { name: 'Save key' }).click();
  await expect(anthropic.getByRole('status')).toHaveText(
    'Saved the Anthropic key. It cannot be shown again.',
  );
  await expect(anthropic).toContainText(`Set by ${grace.name} on `);
  await expect(page.locator('body')).not.toContainText(`sk-ant-e2e-${tag}`);
  await saveScreenshot(page, 'settings-model-providers-1280');
  try {
    await bobPage.reload();
    await expect(bobPage.getByRole('radio', { name: /Coding agent/ })).not.toContainText('Unavailable');
    // Members see what is set, read-only.
    await bobPage.goto(`${server}/#/settings/models`);
    await expect(bobPage.getByRole('listitem', { name: 'Anthropic API key' })).toContainText(
      `Set by ${grace.name} on `,
    );
    await expect(bobPage.getByRole('button', { name: 'Replace' })).toHaveCount(0);
    await saveScreenshot(bobPage, 'settings-model-providers-390');
  } finally {
    // The stack is shared with other journeys: leave it without a stored key.
    await clientFor(server, grace).modelSettings.deleteKey('anthropic');
  }

  await graceContext.close();
  await bobContext.close();
});
