// Teammates from both sides: an admin invites someone in Settings and copies
// the one-time link; the invitee opens it in a browser of their own, sets a
// name and password and is signed in, sees the Teammates list read-only, and
// signs in again later. The link works once. The admin then deactivates them,
// after which signing in is refused with a sentence that says why.
import type { Page } from '@playwright/test';
import { clientFor } from './api.js';
import { saveScreenshot, sidebar, signIn } from './app.js';
import { expect, test } from './fixtures.js';

async function openSettings(page: Page, section: 'Teammates' | 'Integrations') {
  await page.goto(`${new URL(page.url()).origin}/#/settings/${section.toLowerCase()}`);
  await expect(page.getByRole('heading', { name: section, level: 2 })).toBeVisible();
}

test('an admin invites a teammate, who accepts in their own browser and sees what a member may', async ({
  browser,
  server,
  admin,
}) => {
  const tag = Date.now().toString(36);
  const email = `ivy-${tag}@orrery.test`;
  const password = `ivy's password ${tag}`;

  // ── the admin invites ──
  const adminContext = await browser.newContext();
  const page = await adminContext.newPage();
  await signIn(page, server, admin);
  await sidebar(page).getByRole('link', { name: 'Settings' }).click();
  await page
    .getByRole('navigation', { name: 'Settings sections' })
    .getByRole('link', { name: 'Teammates' })
    .click();
  await expect(page.getByRole('heading', { name: 'Teammates', level: 2 })).toBeVisible();

  // The first-run admin gives the organisation its name; the invitation carries it.
  const organisation = `Orbit ${tag}`;
  const nameBox = page.getByRole('textbox', { name: 'Organisation name' });
  const originalName = await nameBox.inputValue();
  await nameBox.fill(organisation);
  await page.getByRole('button', { name: 'Rename' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Renamed to ${organisation}.` })).toBeVisible();

  const form = page.getByRole('form', { name: 'Invite a teammate' });
  // Someone who is a member already is refused, next to the field.
  await form.getByRole('textbox', { name: 'Email' }).fill(admin.email);
  await form.getByRole('button', { name: 'Invite' }).click();
  await expect(form.getByRole('textbox', { name: 'Email' })).toHaveAccessibleDescription(
    /already has a member with this email/,
  );

  await form.getByRole('textbox', { name: 'Email' }).fill(email);
  await form.getByRole('combobox', { name: 'Role' }).selectOption('member');
  await form.getByRole('button', { name: 'Invite' }).click();
  const made = page.getByRole('region', { name: `Invitation link for ${email}` });
  await expect(made).toContainText(`Send this link to ${email}.`);
  const link = await made.getByRole('textbox', { name: 'Invitation link' }).inputValue();
  expect(link).toMatch(new RegExp(`^${server}/#/invite/[A-Za-z0-9_-]{40,}$`));
  await made.getByRole('button', { name: 'Copy link' }).click();
  await expect(made.getByRole('status')).toHaveText(/^(Copied|Selected)/);

  const invitations = page.getByRole('list', { name: 'Invitations' });
  const pending = invitations.getByRole('listitem', { name: `Invitation for ${email}` });
  await expect(pending).toContainText('Pending');
  await expect(pending.getByRole('button', { name: `Revoke the invitation for ${email}` })).toBeVisible();
  await saveScreenshot(page, 'desktop-teammates');

  // ── the invitee, in a browser of their own, on a phone ──
  const ivyContext = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const ivy = await ivyContext.newPage();
  await ivy.goto(link);
  await expect(ivy.getByRole('heading', { name: `Join ${organisation}` })).toBeVisible();
  await expect(ivy.getByRole('heading', { name: 'Sign in to Orrery' })).toHaveCount(0);
  await expect(ivy.getByRole('textbox', { name: 'Email' })).toHaveValue(email);
  await ivy.getByRole('textbox', { name: 'Your name' }).fill('Ivy');
  await ivy.getByLabel('Password', { exact: true }).fill(password);
  await ivy.getByLabel('Password again').fill(`${password}!`);
  await ivy.getByRole('button', { name: /^Join / }).click();
  await expect(ivy.getByLabel('Password again')).toHaveAccessibleDescription(
    'The two passwords are not the same.',
  );
  await ivy.getByLabel('Password again').fill(password);
  await ivy.getByRole('button', { name: /^Join / }).click();
  await expect(ivy.locator('aside.sidebar')).toBeAttached();
  await expect(ivy.getByRole('heading', { name: /^Join / })).toHaveCount(0);

  // A member sees the list, read-only, with the reason.
  await openSettings(ivy, 'Teammates');
  const people = ivy.getByRole('list', { name: 'People' });
  await expect(people.getByRole('listitem', { name: 'Ivy' })).toContainText('(you)');
  await expect(people.getByRole('listitem', { name: 'Ivy' })).toContainText('Member');
  await expect(ivy.getByText('The list of teammates is managed by admins.')).toBeVisible();
  await expect(ivy.getByText(`Organisation: ${organisation}`)).toBeVisible();
  await expect(ivy.getByRole('form', { name: 'Invite a teammate' })).toHaveCount(0);
  await expect(ivy.getByRole('list', { name: 'Invitations' })).toHaveCount(0);
  await expect(ivy.getByRole('combobox')).toHaveCount(0);
  await expect(ivy.getByRole('button', { name: /^Deactivate/ })).toHaveCount(0);
  await expect(ivy.getByRole('textbox', { name: 'Organisation name' })).toHaveCount(0);
  await saveScreenshot(ivy, 'phone-teammates');
  await openSettings(ivy, 'Integrations');
  await expect(ivy.getByText('Only admins can connect Slack.', { exact: false })).toBeVisible();
  await saveScreenshot(ivy, 'phone-integrations');

  // The link worked once.
  const again = await browser.newContext();
  const stranger = await again.newPage();
  await stranger.goto(link);
  await expect(stranger.getByRole('heading', { name: 'This invitation cannot be used' })).toBeVisible();
  await expect(stranger.getByRole('alert')).toHaveText(
    'This invitation has been used already. Sign in with the email it was sent to.',
  );
  // And Ivy signs in with what she chose.
  await stranger.getByRole('button', { name: 'Go to sign-in' }).click();
  await signIn(stranger, server, { email, password });
  await again.close();

  // ── the admin sees her joined, and deactivates her ──
  await page.reload();
  await expect(pending).toContainText('Accepted');
  const ivyRow = page.getByRole('list', { name: 'People' }).getByRole('listitem', { name: 'Ivy' });
  await expect(ivyRow).toContainText('active just now');
  await ivyRow.getByRole('button', { name: 'Deactivate Ivy' }).click();
  const confirm = page.getByRole('group', { name: 'Confirm deactivating Ivy' });
  await expect(confirm).toContainText('signed out on every device at once');
  await confirm.getByRole('button', { name: 'Deactivate Ivy' }).click();
  await expect(ivyRow.getByRole('status')).toHaveText('Ivy was deactivated and signed out everywhere.');
  await expect(ivyRow).toContainText('Deactivated');
  await expect(ivyRow.getByRole('button', { name: 'Reassign the sessions of Ivy' })).toBeVisible();

  // Her sessions (none yet) can go to someone active.
  await ivyRow.getByRole('button', { name: 'Reassign the sessions of Ivy' }).click();
  const reassign = page.getByRole('group', { name: 'Reassign the sessions of Ivy' });
  // The shared stack holds other journeys' people too: pick the admin.
  await reassign.getByRole('combobox').selectOption(admin.id);
  await expect(reassign.getByRole('combobox')).toHaveValue(admin.id);
  await reassign.getByRole('button', { name: 'Reassign sessions' }).click();
  await expect(ivyRow.getByRole('status')).toHaveText('Ivy had no sessions to give.');
  await saveScreenshot(page, 'desktop-teammates-deactivated');
  await page.setViewportSize({ width: 390, height: 844 });
  await ivyRow.scrollIntoViewIfNeeded();
  await saveScreenshot(page, 'phone-teammates-admin');
  await page.setViewportSize({ width: 1280, height: 800 });

  const later = await browser.newContext();
  const refused = await later.newPage();
  await refused.goto(server);
  await refused.getByLabel('Server address').fill(server);
  await refused.getByLabel('Email').fill(email);
  await refused.getByLabel('Password').fill(password);
  await refused.getByRole('button', { name: 'Sign in' }).click();
  await expect(refused.getByRole('alert')).toHaveText(/was deactivated by an admin, so you cannot sign in/);
  await later.close();

  await openSettings(page, 'Integrations');
  await expect(page.getByText('As an admin, you will connect Slack here.', { exact: false })).toBeVisible();
  await saveScreenshot(page, 'desktop-integrations');

  await clientFor(server, admin).organisation.rename(originalName);
  await ivyContext.close();
  await adminContext.close();
});
