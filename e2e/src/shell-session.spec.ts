import { createTeammate } from './api.js';
import { signIn } from './app.js';
import { expect, test } from './fixtures.js';

test('starts a session from Home with the Shell Expert and shows the output of each command', async ({
  page,
  server,
  admin,
}) => {
  const ada = await createTeammate(server, admin, 'Ada');
  await signIn(page, server, ada);
  await page.getByRole('radio', { name: /Shell/ }).click();
  const prompt = page.getByRole('textbox', { name: 'Describe the task for Shell' });
  await expect(prompt).toHaveAttribute('placeholder', 'Ask anything or type / for commands');
  await prompt.fill('echo "hello from $(whoami) in $(pwd)"');
  await prompt.press('Enter');

  // The session opens; the runner starts the Environment and answers with the command's output.
  await expect(page).toHaveURL(/#\/s\//);
  await expect(page.getByRole('article', { name: 'Message from You' })).toContainText('echo "hello from');
  const transcript = page.getByRole('log', { name: 'Conversation' });
  await expect(transcript).toContainText('hello from orrery in /workspace', { timeout: 120_000 });
  await expect(page.getByRole('status', { name: /Environment: Running/ })).toBeVisible();
  // It is now the most recent session.
  await expect(page.getByRole('list', { name: 'Recent Sessions' }).getByRole('link').first()).toHaveAttribute(
    'aria-current',
    'page',
  );

  const message = page.getByRole('textbox', { name: 'Message' });
  await message.fill('for i in 1 2 3; do echo "line $i"; done; exit 3');
  await message.press('Enter');
  await expect(transcript).toContainText('line 3', { timeout: 60_000 });
  await expect(transcript).toContainText('Exit code 3');
});
