import { createSession, createTeammate } from './api.js';
import { pinnedList, saveScreenshot, signIn } from './app.js';
import { expect, test } from './fixtures.js';
import { bigFile, bmp, png, textFile } from './sample-files.js';

test('Enter sends, Shift+Enter starts a new line, and a message typed while the agent works is queued, editable and sent after the turn', async ({
  page,
  server,
  admin,
}) => {
  const ada = await createTeammate(server, admin, 'Ada');
  const tag = Date.now().toString(36);
  const session = await createSession(server, ada, { prompt: `sleep 20; echo first-${tag}` });
  await signIn(page, server, ada);
  await page.goto(`${server}/#/s/${session.id}`);
  await expect(page.getByText('Working…')).toBeVisible({ timeout: 120_000 });

  const box = page.getByRole('textbox', { name: 'Message' });
  await expect(box).toHaveAttribute('placeholder', 'Ask anything or type / for commands');
  await box.click();
  await page.keyboard.type(`echo one-${tag}`);
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type(`echo two-${tag}`);
  await expect(box).toHaveValue(`echo one-${tag}\necho two-${tag}`);
  await page.keyboard.press('Enter');
  await expect(box).toHaveValue('');

  const queued = page.getByRole('region', { name: 'Queued messages' });
  await expect(queued.getByRole('listitem')).toHaveCount(1);
  await expect(queued).toContainText('sent when the current turn finishes');

  // A second queued message is edited, a third removed.
  // Each send is taken (the box empties) before the next is typed: Enter is ignored while one is on its way.
  await box.fill(`echo wrong-${tag}`);
  await box.press('Enter');
  await expect(box).toHaveValue('');
  await box.fill(`echo removed-${tag}`);
  await box.press('Enter');
  await expect(box).toHaveValue('');
  await expect(queued.getByRole('listitem')).toHaveCount(3);
  await queued.getByRole('button', { name: `Edit queued message: echo wrong-${tag}` }).click();
  const edit = queued.getByRole('textbox', { name: 'Edit queued message' });
  await edit.fill(`echo edited-${tag}`);
  await edit.press('Enter');
  await queued.getByRole('button', { name: `Remove queued message: echo removed-${tag}` }).click();
  await expect(queued.getByRole('listitem')).toHaveCount(2);
  await saveScreenshot(page, 'desktop-composer-queue');

  const transcript = page.getByRole('log', { name: 'Conversation' });
  await expect(transcript).toContainText(`first-${tag}`, { timeout: 60_000 });
  await expect(transcript).toContainText(`two-${tag}`, { timeout: 60_000 });
  await expect(transcript).toContainText(`edited-${tag}`, { timeout: 60_000 });
  await expect(queued).toHaveCount(0);
  await expect(page.getByText(`wrong-${tag}`)).toHaveCount(0);
  await expect(page.getByText(`removed-${tag}`)).toHaveCount(0);
});

test('the slash menu works from the keyboard alone', async ({ page, server, admin }) => {
  const ada = await createTeammate(server, admin, 'Ada');
  const tag = Date.now().toString(36);
  const session = await createSession(server, ada, { prompt: `echo slash-${tag}`, visibility: 'shared' });
  await signIn(page, server, ada);
  await page.goto(`${server}/#/s/${session.id}`);
  await expect(page.getByRole('log', { name: 'Conversation' })).toContainText(`slash-${tag}`, {
    timeout: 120_000,
  });

  // "/" anywhere on the page goes to the prompt box.
  await page.getByRole('heading', { name: session.title }).click();
  await page.keyboard.press('/');
  const box = page.getByRole('textbox', { name: 'Message' });
  await expect(box).toBeFocused();
  await page.keyboard.press('/');
  const menu = page.getByRole('listbox', { name: 'Commands' });
  for (const name of [
    'new',
    'archive',
    'pin',
    'share',
    'private',
    'shared',
    'env',
    'env-pause',
    'env-restart',
    'stop',
    'clear-queue',
    'help',
  ]) {
    await expect(menu.getByRole('option', { name: new RegExp(`^/${name} `) })).toBeVisible();
  }
  await saveScreenshot(page, 'desktop-slash-menu');

  // Type to filter, move with the arrows, Escape closes and keeps the text.
  await page.keyboard.type('p');
  await expect(menu.getByRole('option')).toHaveText([
    /^\/pin/,
    /^\/private/,
    /^\/env-pause/,
    /^\/stop/,
    /^\/help/,
  ]);
  await page.keyboard.press('ArrowDown');
  await expect(menu.getByRole('option', { name: /^\/private/ })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowUp');
  await expect(menu.getByRole('option', { name: /^\/pin/ })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Escape');
  await expect(menu).toHaveCount(0);
  await expect(box).toHaveValue('/p');

  // Typing reopens it; Enter runs the chosen command.
  await page.keyboard.type('i');
  await expect(menu.getByRole('option')).toHaveText([/^\/pin/]);
  await page.keyboard.press('Enter');
  await expect(box).toHaveValue('');
  await expect(pinnedList(page).getByRole('listitem').filter({ hasText: session.title })).toBeVisible();

  await page.keyboard.type('/priv');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'This session is now private' })).toBeVisible();
  await expect(page.locator('.session-meta').getByLabel('Private', { exact: true })).toBeVisible();

  await page.keyboard.type('/env');
  await page.keyboard.press('Enter');
  await expect(page.locator('.composer').getByRole('status')).toContainText(/^Environment: \w/);
  await expect(page.locator('.composer').getByRole('status')).toContainText(
    'restarts automatically when you send a message',
  );

  await page.keyboard.type('/clear');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'No message is queued.' })).toBeVisible();

  await page.keyboard.type('/help');
  await page.keyboard.press('Enter');
  const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(sheet).toContainText('Shift+Enter');
  await expect(sheet).toContainText('Ctrl+E');
  await page.keyboard.press('Escape');
  await expect(sheet).toHaveCount(0);
  await expect(box).toBeFocused();

  await page.keyboard.type('/share');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: 'Share session' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Share session' })).toHaveCount(0);

  // The shortcuts sheet also opens with Ctrl+/ from anywhere.
  await page.keyboard.press('Control+/');
  await expect(sheet).toBeVisible();
  await saveScreenshot(page, 'desktop-shortcuts-sheet');
  await page.keyboard.press('Escape');
});

test('⌘E / Ctrl+E is off in a Shell session: the button says why and the text stays as typed', async ({
  page,
  server,
  admin,
}) => {
  // The Shell Expert runs the text as a command, so rewriting it would change what runs.
  // Enhancing and ⌘Z restoring the original are covered by the composer's tests in Chromium.
  const ada = await createTeammate(server, admin, 'Ada');
  const session = await createSession(server, ada, { prompt: 'echo ready' });
  await signIn(page, server, ada);
  await page.goto(`${server}/#/s/${session.id}`);
  const box = page.getByRole('textbox', { name: 'Message' });
  const enhance = page.getByRole('button', { name: 'Enhance prompt' });
  const original = 'ls   -la\n  src ';
  await box.fill(original);
  await expect(enhance).toBeDisabled();
  await expect(enhance).toHaveAttribute('title', 'the Shell Expert runs your text as a command');
  await box.press('Control+e');
  await page.waitForTimeout(500);
  await expect(box).toHaveValue(original);
});

test('attachments: the policy skips 11th image, a 5 MB file and a BMP with a message each, sends the rest to the agent; pasted images attach', async ({
  page,
  server,
  admin,
}) => {
  const ada = await createTeammate(server, admin, 'Ada');
  const tag = Date.now().toString(36);
  const session = await createSession(server, ada, { prompt: 'echo ready' });
  await signIn(page, server, ada);
  await page.goto(`${server}/#/s/${session.id}`);
  await expect(page.getByRole('log', { name: 'Conversation' })).toContainText('ready', { timeout: 120_000 });

  const images = Array.from({ length: 11 }, (_, i) => png(`shot-${i + 1}.png`, `${tag}-${i}`));
  await page
    .getByTestId('attach-input')
    .setInputFiles([
      ...images,
      bigFile('big.bin', 5 * 1024 * 1024),
      bmp('old.bmp'),
      textFile('notes.txt', `notes-${tag}`),
    ]);

  const alerts = page.locator('.composer').getByRole('alert');
  await expect(alerts).toHaveText([
    'shot-11.png was skipped: you can attach up to 10 images per message.',
    'big.bin is 5.0 MB; files can be up to 4 MB each.',
    'old.bmp is a BMP image; images must be PNG, JPEG, GIF, WEBP, HEIC, HEIF or AVIF.',
  ]);
  const tray = page.getByRole('list', { name: 'Attached' });
  await expect(tray.getByRole('listitem')).toHaveCount(11);
  await expect(tray.getByRole('progressbar')).toHaveCount(0);
  await saveScreenshot(page, 'desktop-composer-attachments');

  // Removing one on hover.
  await tray.getByRole('listitem', { name: 'shot-10.png' }).hover();
  await tray.getByRole('button', { name: 'Remove shot-10.png' }).click();
  await expect(tray.getByRole('listitem')).toHaveCount(10);

  // Pasting an image from the clipboard.
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.focus();
  await box.evaluate((el, salt) => {
    const bytes = Uint8Array.from(
      atob(
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
      ),
      (c) => c.charCodeAt(0),
    );
    const data = new DataTransfer();
    data.items.add(new File([bytes, salt], 'pasted.png', { type: 'image/png' }));
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, `pasted-${tag}`);
  await expect(tray.getByRole('img', { name: 'pasted.png' })).toBeVisible();
  await expect(tray.getByRole('listitem')).toHaveCount(11);
  await expect(tray.getByRole('progressbar')).toHaveCount(0);

  await box.fill('ls /workspace/.orrery/attachments; cat /workspace/.orrery/attachments/*notes.txt');
  await box.press('Enter');
  await expect(tray).toHaveCount(0);
  const transcript = page.getByRole('log', { name: 'Conversation' });
  await expect(transcript).toContainText(`notes-${tag}`, { timeout: 60_000 });
  await expect(transcript).toContainText('pasted.png');
  await expect(transcript).toContainText('shot-9.png');
  await expect(transcript).not.toContainText('shot-10.png');
  await expect(transcript).not.toContainText('old.bmp');
});
