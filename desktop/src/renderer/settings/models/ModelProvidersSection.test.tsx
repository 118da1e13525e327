// Settings → Model providers, with the loopback server answering as the
// Orrery server does: a member sees who set a key and when, read-only; an
// admin's key and base URLs are checked with the server's schemas before
// anything is sent.
import type { ModelSettingsResponse } from '@orrery/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import {
  base64,
  loopbackRequests,
  startLoopbackServer,
  stopLoopbackServer,
} from '../../testing/browser-commands.js';
import { createTestServices, renderWithServices, testAccount } from '../../testing/test-services.js';
import { ModelProvidersSection } from './ModelProvidersSection.js';

const SET_AT = Date.UTC(2026, 10, 3, 12, 0, 0);
const settings: ModelSettingsResponse = {
  keys: [
    { provider: 'anthropic', set: true, updatedBy: 'Grace Hopper', updatedAt: SET_AT },
    { provider: 'openai', set: false, updatedBy: null, updatedAt: null },
  ],
  baseUrls: ['https://llm.internal.example/v1'],
};

let port = 0;
let stop: (() => Promise<void>) | null = null;
afterEach(async () => {
  await stop?.();
  stop = null;
  if (port) await stopLoopbackServer(port);
  port = 0;
});

async function renderAs(role: 'admin' | 'member') {
  port = await startLoopbackServer([
    {
      path: '/api/model-providers/settings',
      type: 'application/json',
      body: base64(JSON.stringify(settings)),
    },
  ]);
  const services = await createTestServices({
    account: { ...testAccount({ role }), serverUrl: `http://127.0.0.1:${port}` },
  });
  stop = () => services.stop();
  await renderWithServices(<ModelProvidersSection item={null} />, services);
}

describe('Model providers', () => {
  it('shows a member who set each key and when, read-only, managed by admins', async () => {
    await renderAs('member');
    const anthropic = page.getByRole('listitem', { name: 'Anthropic API key' });
    await expect
      .element(anthropic)
      .toHaveTextContent(
        `Set by Grace Hopper on ${new Date(SET_AT).toLocaleDateString(undefined, { dateStyle: 'medium' })}`,
      );
    await expect
      .element(page.getByRole('listitem', { name: 'OpenAI-compatible API key' }))
      .toHaveTextContent('No key');
    await expect.element(page.getByRole('note')).toHaveTextContent(/Model providers is managed by admins/);
    expect(page.getByRole('button', { name: /Replace|Set key|Remove|Save/ }).elements()).toHaveLength(0);
    await expect
      .element(page.getByRole('textbox', { name: 'Base URLs' }))
      .toHaveValue('https://llm.internal.example/v1');
    await expect.element(page.getByRole('textbox', { name: 'Base URLs' })).toHaveAttribute('readonly');
  });

  it('checks an admin’s key and base URLs before sending them', async () => {
    await renderAs('admin');
    await userEvent.click(page.getByRole('button', { name: 'Replace' }));
    const key = page.getByRole('textbox', { name: 'Anthropic API key' });
    await userEvent.fill(key, 'two words');
    await userEvent.click(page.getByRole('button', { name: 'Save key' }));
    await expect.element(key).toHaveAccessibleDescription(/Must be one line without spaces/);

    const urls = page.getByRole('textbox', { name: 'Base URLs' });
    await userEvent.fill(urls, 'https://llm.internal.example/v1\nhttps://me:pw@models.example/v1');
    await userEvent.click(page.getByRole('button', { name: 'Save base URLs' }));
    await expect
      .element(urls)
      .toHaveAccessibleDescription(
        /Line 2 \(https:\/\/me:pw@models\.example\/v1\): Must not contain a user name or password/,
      );
    // Neither was sent: only the page's own reads reached the server.
    const sent = await loopbackRequests(port);
    expect(sent.filter((p) => p !== '/api/model-providers/settings' && p !== '/api/model-providers')).toEqual(
      [],
    );
  });
});
