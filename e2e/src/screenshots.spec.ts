// Screenshots of the main screens at desktop and phone widths, kept under
// e2e/artifacts/screenshots/ for people to look at.
import { createTeammate } from './api.js';
import { chooseFromRowMenu, saveScreenshot, sessionsPage, sidebar, signIn } from './app.js';
import { expect, test } from './fixtures.js';

const WIDTHS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

const shoot = saveScreenshot;

test('main screens at desktop and phone widths', async ({ browser, server, admin }) => {
  const ada = await createTeammate(server, admin, 'Ada Lovelace');
  for (const [device, viewport] of Object.entries(WIDTHS)) {
    const context = await browser.newContext({
      viewport,
      isMobile: device === 'phone',
      hasTouch: device === 'phone',
    });
    const page = await context.newPage();
    await page.goto(server);
    await expect(page.getByRole('heading', { name: 'Sign in to Orrery' })).toBeVisible();
    await shoot(page, `${device}-sign-in`);
    await signIn(page, server, ada);
    await expect(page.getByRole('radio', { name: /Shell/ })).toBeVisible();
    await shoot(page, `${device}-home`);

    const prompt = page.getByRole('textbox', { name: 'Describe the task for Shell' });
    const title = `echo "Build report for ${device}"`;
    await prompt.fill(title);
    await prompt.press('Shift+Enter');
    await prompt.pressSequentially('ls -la / | head -8; echo "done $((6 * 7))"');
    await prompt.press('Enter');
    await expect(page.getByRole('log', { name: 'Conversation' })).toContainText('done 42', {
      timeout: 120_000,
    });
    await shoot(page, `${device}-session`);

    if (device === 'phone') {
      await page.getByRole('button', { name: 'Open sidebar' }).click();
      // The drawer slides in; wait until it is all the way in.
      await expect(sidebar(page)).toHaveCSS('transform', 'none');
      await shoot(page, `${device}-sidebar-drawer`);
      await sidebar(page).getByRole('link', { name: 'Sessions', exact: true }).click();
    } else {
      await sidebar(page).getByRole('link', { name: 'Sessions', exact: true }).click();
    }
    const list = sessionsPage(page);
    await chooseFromRowMenu(page, list, title, 'Pin session');
    await expect(list.getByRole('listitem').first()).toBeVisible();
    await shoot(page, `${device}-sessions`);
    await context.close();
  }
});
