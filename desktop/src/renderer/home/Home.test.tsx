// Home marks an Expert no connected runner can run, says what an admin must
// do, and does not start a session on it. The loopback server answers as the
// Orrery server does when its only runner holds no Anthropic key.
import {
  ModelProvider,
  providerUnavailableReason,
  type ExpertListItem,
  type ModelProvidersResponse,
} from '@orrery/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import {
  base64,
  loopbackRequests,
  startLoopbackServer,
  stopLoopbackServer,
} from '../testing/browser-commands.js';
import { createTestServices, renderWithServices, testAccount } from '../testing/test-services.js';
import { Home } from './Home.js';

const now = Date.now();
function expert(id: string, name: string, model: ExpertListItem['model']): ExpertListItem {
  return {
    id,
    name,
    description: `${name} does things`,
    instructions: 'help',
    model,
    capabilities: { tools: ['run_command'], integrations: [] },
    defaultEnvironmentId: null,
    scope: 'organisation',
    orgId: 'org1',
    ownerId: 'admin',
    ownerName: 'Grace Hopper',
    builtIn: true,
    createdAt: now,
    updatedAt: now,
  };
}
const experts = [
  expert('shell', 'Shell', { provider: 'shell', name: '' }),
  expert('coder', 'Coding agent', { provider: 'anthropic', name: 'claude-sonnet-4-5' }),
  expert('local', 'Local model', {
    provider: 'openai',
    name: 'llama3',
    baseUrl: 'http://127.0.0.1:11434/v1',
  }),
];
// A runner is connected and holds only what the shell needs.
const providers: ModelProvidersResponse = {
  providers: ModelProvider.options.map((provider) => ({
    provider,
    available: provider === 'shell',
    reason: provider === 'shell' ? null : providerUnavailableReason(provider, true),
  })),
};
const NO_KEY = providerUnavailableReason('anthropic', true);

let port: number;
let stop: (() => Promise<void>) | null = null;
beforeEach(async () => {
  port = await startLoopbackServer([
    { path: '/api/experts', type: 'application/json', body: base64(JSON.stringify({ experts })) },
    { path: '/api/model-providers', type: 'application/json', body: base64(JSON.stringify(providers)) },
  ]);
});
afterEach(async () => {
  await stop?.();
  stop = null;
  await stopLoopbackServer(port);
});

describe('Home', () => {
  it('marks an Expert that cannot run, says what an admin must do, and starts no session on it', async () => {
    const services = await createTestServices({
      account: { ...testAccount(), serverUrl: `http://127.0.0.1:${port}` },
    });
    stop = () => services.stop();
    await renderWithServices(<Home />, services);

    const coder = page.getByRole('radio', { name: /Coding agent/ });
    await expect.element(coder).toHaveAccessibleDescription(NO_KEY);
    await expect.element(coder).toHaveTextContent(/Unavailable/);
    // The shell needs no key, and a model with its own base URL needs none either.
    await expect.element(page.getByRole('radio', { name: /Shell/ })).not.toHaveTextContent(/Unavailable/);
    await expect
      .element(page.getByRole('radio', { name: /Local model/ }))
      .not.toHaveTextContent(/Unavailable/);

    await userEvent.click(coder);
    await expect
      .element(page.getByRole('status'))
      .toHaveTextContent(`Coding agent cannot run now. ${NO_KEY}`);
    const prompt = page.getByRole('textbox', { name: 'Describe the task for Coding agent' });
    await userEvent.fill(prompt, 'Fix the flaky test');
    await userEvent.keyboard('{Enter}');
    await expect.element(page.getByText(`Coding agent cannot run now. ${NO_KEY}`).last()).toBeVisible();
    // Nothing was sent to start a session, and the prompt is still there to send later.
    expect((await loopbackRequests(port)).filter((p) => p.startsWith('/api/sessions'))).toEqual([]);
    await expect.element(prompt).toHaveValue('Fix the flaky test');
  });

  it('turns Enhance off for the Shell Expert, whose text runs as a command, and on again for a model', async () => {
    const services = await createTestServices({
      account: { ...testAccount(), serverUrl: `http://127.0.0.1:${port}` },
    });
    stop = () => services.stop();
    await renderWithServices(<Home />, services);

    await userEvent.click(page.getByRole('radio', { name: /Shell/ }));
    await userEvent.fill(page.getByRole('textbox', { name: 'Describe the task for Shell' }), 'ls -la');
    const button = page.getByRole('button', { name: 'Enhance prompt' });
    await expect.element(button).toBeDisabled();
    await expect.element(button).toHaveAttribute('title', 'the Shell Expert runs your text as a command');
    await userEvent.keyboard('{Control>}e{/Control}');
    expect((await loopbackRequests(port)).filter((p) => p.startsWith('/api/enhance'))).toEqual([]);

    await userEvent.click(page.getByRole('radio', { name: /Local model/ }));
    await userEvent.fill(page.getByRole('textbox', { name: 'Describe the task for Local model' }), 'fix it');
    await expect.element(button).toBeEnabled();
    await expect.element(button).not.toHaveAttribute('title', 'the Shell Expert runs your text as a command');
  });
});
