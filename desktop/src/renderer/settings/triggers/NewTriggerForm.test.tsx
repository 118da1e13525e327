import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import {
  createTestServices,
  renderWithServices,
  testAccount,
  uniqueId,
} from '../../testing/test-services.js';
import { NewTriggerForm } from './NewTriggerForm.js';

// No server listens for these renders: they check what the form says before anything is sent.
let stop: (() => Promise<void>) | null = null;
afterEach(async () => {
  await stop?.();
  stop = null;
});

async function renderForm(expertId = uniqueId('expert')) {
  const services = await createTestServices({ account: testAccount({ role: 'member' }) });
  stop = () => services.stop();
  const screen = await renderWithServices(
    <NewTriggerForm expertId={expertId} onCreated={() => {}} />,
    services,
  );
  return { expertId, unmount: () => screen.unmount() };
}

describe('the new-schedule form', () => {
  it('reads the schedule in words and lists the next three runs', async () => {
    await renderForm();
    await userEvent.click(page.getByRole('radio', { name: /Schedule/ }));
    const cron = page.getByRole('textbox', { name: 'Schedule (cron)' });
    await userEvent.fill(cron, '*/15 * * * *');
    await expect.element(page.getByText(/Runs every 15 minutes/)).toBeVisible();
    await expect.poll(() => page.getByRole('listitem').all().length).toBe(3);
    await userEvent.fill(cron, '0 9 * * 1-5');
    await expect.element(page.getByText(/Runs every weekday at 09:00/)).toBeVisible();
  });

  it('says next to the field which cron field is wrong and what it accepts', async () => {
    await renderForm();
    await userEvent.click(page.getByRole('radio', { name: /Schedule/ }));
    const cron = page.getByRole('textbox', { name: 'Schedule (cron)' });
    await userEvent.fill(cron, '0 25 * * *');
    await expect.element(cron).toHaveAccessibleDescription(/second field \(hour\) is “25”; it accepts 0–23/);
    await expect.element(page.getByRole('list', { name: 'Next runs' })).not.toBeInTheDocument();
    await userEvent.fill(cron, '0 3 * *');
    await expect.element(cron).toHaveAccessibleDescription(/five fields.*this has 4/);
  });

  it('asks for a name and a prompt when saved without them, and keeps what was typed', async () => {
    const first = await renderForm();
    await userEvent.click(page.getByRole('radio', { name: /Schedule/ }));
    await userEvent.click(page.getByRole('button', { name: 'Create schedule' }));
    await expect.element(page.getByRole('textbox', { name: 'Name' })).toHaveAttribute('aria-invalid', 'true');
    await expect
      .element(page.getByRole('textbox', { name: 'Prompt' }))
      .toHaveAttribute('aria-invalid', 'true');
    await userEvent.fill(page.getByRole('textbox', { name: 'Prompt' }), 'Summarise the night’s builds.');
    await first.unmount();
    await stop?.();
    // Leaving and coming back: the draft of this Expert is still there.
    await renderForm(first.expertId);
    await expect
      .element(page.getByRole('textbox', { name: 'Prompt' }))
      .toHaveValue('Summarise the night’s builds.');
  });
});

describe('the webhook filter’s test box', () => {
  it('says whether a pasted payload matches, with the server’s matcher', async () => {
    await renderForm();
    await userEvent.fill(page.getByRole('textbox', { name: 'Path' }), 'pull_request.state');
    await userEvent.fill(page.getByRole('textbox', { name: 'Equals' }), 'open');
    const sample = page.getByRole('textbox', { name: 'Test with a sample payload' });
    await userEvent.fill(sample, '{"pull_request": {"state": "open"}}');
    await expect.element(page.getByRole('status')).toHaveTextContent(/Matches: pull_request.state is "open"/);
    await userEvent.fill(sample, '{"pull_request": {"state": "closed"}}');
    await expect
      .element(page.getByRole('status'))
      .toHaveTextContent(/Does not match: pull_request.state is "closed", not "open"/);
    await userEvent.fill(sample, '{"action": ');
    await expect.element(page.getByRole('status')).toHaveTextContent(/not valid JSON/);
  });

  it('compares numbers and true/false as values, not text', async () => {
    await renderForm();
    await userEvent.fill(page.getByRole('textbox', { name: 'Path' }), 'merged');
    await userEvent.fill(page.getByRole('textbox', { name: 'Equals' }), 'true');
    const sample = page.getByRole('textbox', { name: 'Test with a sample payload' });
    await userEvent.fill(sample, '{"merged": "true"}');
    await expect.element(page.getByRole('status')).toHaveTextContent(/Does not match/);
    await userEvent.fill(sample, '{"merged": true}');
    await expect.element(page.getByRole('status')).toHaveTextContent(/Matches/);
  });
});
