import type { ScheduleTrigger } from '@orrery/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { createTestServices, renderWithServices, testAccount } from '../../testing/test-services.js';
import { EditTriggerForm } from './EditTriggerForm.js';

let stop: (() => Promise<void>) | null = null;
afterEach(async () => {
  await stop?.();
  stop = null;
});

const nightly: ScheduleTrigger = {
  id: 'trigger-nightly',
  orgId: 'org1',
  expertId: 'expert-1',
  ownerId: 'me',
  name: 'Nightly report',
  enabled: true,
  autoArchive: true,
  createdAt: Date.now(),
  kind: 'schedule',
  cron: '0 3 * * *',
  timezone: 'Europe/Berlin',
  prompt: 'Summarise the failed builds.',
};

describe('editing a schedule', () => {
  it('starts from the trigger as it is, and names the wrong field as it is typed', async () => {
    const services = await createTestServices({ account: testAccount({ id: 'me' }) });
    stop = () => services.stop();
    let saved = false;
    await renderWithServices(
      <EditTriggerForm trigger={nightly} onSaved={() => (saved = true)} onCancel={() => {}} />,
      services,
    );
    const cron = page.getByRole('textbox', { name: 'Schedule (cron)' });
    await expect.element(cron).toHaveValue('0 3 * * *');
    await expect.element(page.getByText('Runs every day at 03:00 (Europe/Berlin).')).toBeVisible();
    await userEvent.fill(cron, '0 3 * 13 *');
    await expect.element(cron).toHaveAccessibleDescription(/fourth field \(month\) is “13”; it accepts 1–12/);
    await userEvent.click(page.getByRole('button', { name: 'Save changes' }));
    // Nothing is sent while a field is wrong (no server listens here, so a send would fail loudly).
    await expect.element(page.getByRole('alert')).not.toBeInTheDocument();
    expect(saved).toBe(false);
  });
});
