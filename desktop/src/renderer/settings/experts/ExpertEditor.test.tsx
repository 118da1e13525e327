// The Expert editor on its own: the server's schema judges what is typed
// before anything is sent, organisation Experts are read-only for members,
// and a draft outlives leaving the page.
import { OrreryClient, type Environment, type ExpertListItem } from '@orrery/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { ApiClient } from '../../api/api-client.js';
import { startOrreryServer, stopOrreryServer } from '../../testing/browser-commands.js';
import { createTestServices, renderWithServices, testAccount } from '../../testing/test-services.js';
import { ExpertEditor } from './ExpertEditor.js';
import { expertDrafts, formOf, inputOf } from './expert-form.js';

const ME = 'me-the-editor';
const now = Date.now();
const environments: Environment[] = [];
function expert(overrides: Partial<ExpertListItem>): ExpertListItem {
  return {
    id: 'x1',
    name: 'Reviewer',
    description: 'Reviews code',
    instructions: 'Review carefully.',
    model: { provider: 'anthropic', name: 'claude-sonnet-4-5' },
    capabilities: { tools: ['read_file'], integrations: [] },
    defaultEnvironmentId: null,
    scope: 'personal',
    orgId: 'org1',
    ownerId: ME,
    ownerName: 'Ada Lovelace',
    builtIn: false,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}
// Nothing here saves: the offline address makes any send fail, which the checks prevent.
const noReload = () => Promise.resolve();

let stop: (() => Promise<void>) | null = null;
afterEach(async () => {
  await stop?.();
  stop = null;
  expertDrafts.clear('new');
  expertDrafts.clear('x1');
});

async function renderEditor(item: string, experts: ExpertListItem[], role: 'admin' | 'member' = 'member') {
  const services = await createTestServices({ account: testAccount({ role, id: ME }) });
  stop = () => services.stop();
  return renderWithServices(
    <ExpertEditor
      item={item}
      experts={experts}
      environments={environments}
      onSaved={noReload}
      onDuplicate={() => undefined}
    />,
    services,
  );
}

describe('Expert editor', () => {
  it('says what to fix beside each field, with the server’s own rules, before sending', async () => {
    await renderEditor('new', []);
    await userEvent.click(page.getByRole('button', { name: 'Create Expert' }));
    await expect
      .element(page.getByRole('textbox', { name: 'Name', exact: true }))
      .toHaveAccessibleDescription('Give the Expert a name.');
    await userEvent.fill(page.getByRole('textbox', { name: 'Name', exact: true }), 'Local helper');
    await userEvent.selectOptions(
      page.getByRole('combobox', { name: 'Model provider' }),
      'OpenAI-compatible',
    );
    await userEvent.fill(page.getByRole('textbox', { name: 'Model name' }), '');
    await userEvent.fill(page.getByRole('textbox', { name: 'Base URL' }), 'not a url');
    await expect
      .element(page.getByRole('textbox', { name: 'Model name' }))
      .toHaveAccessibleDescription('Enter the model’s name as the server knows it, e.g. gpt-4o or llama3.');
    await expect
      .element(page.getByRole('textbox', { name: 'Base URL' }))
      .toHaveAccessibleDescription(
        'Where the OpenAI-compatible API lives, e.g. http://localhost:11434/v1. Empty for the runner’s own. Enter a full address starting with http:// or https://, e.g. http://localhost:11434/v1.',
      );
    await expect
      .element(page.getByRole('textbox', { name: 'Name', exact: true }))
      .not.toHaveAttribute('aria-invalid');
    await expect.element(page.getByRole('alert')).toHaveTextContent('Check the fields marked above.');
  });

  it('offers the organisation scope to admins only', async () => {
    await renderEditor('new', []);
    await expect
      .element(page.getByRole('option', { name: /^Organisation: everyone in Analytical Engines/ }))
      .toBeDisabled();
    await expect
      .element(page.getByRole('combobox', { name: 'Who can use it' }))
      .toHaveAccessibleDescription('Only admins can share an Expert with the whole organisation.');
  });

  it('shows a member an organisation Expert read-only, managed by admins', async () => {
    await renderEditor('x1', [expert({ scope: 'organisation', ownerId: 'grace', ownerName: 'Grace' })]);
    await expect.element(page.getByRole('heading', { name: 'Reviewer' })).toBeVisible();
    await expect.element(page.getByRole('note')).toHaveTextContent(/managed by admins/);
    await expect.element(page.getByRole('textbox', { name: 'Instructions' })).toBeDisabled();
    expect(page.getByRole('button', { name: 'Save changes' }).elements()).toHaveLength(0);
    await expect.element(page.getByRole('button', { name: 'Duplicate' })).toBeEnabled();
  });

  it('keeps what was typed when the page is left and opened again', async () => {
    const screen = await renderEditor('x1', [expert({})]);
    await userEvent.fill(page.getByRole('textbox', { name: 'Instructions' }), 'Review carefully. Be kind.');
    await userEvent.click(page.getByRole('checkbox', { name: /^run_command/ }));
    await screen.unmount();
    await renderEditor('x1', [expert({})]);
    await expect
      .element(page.getByRole('textbox', { name: 'Instructions' }))
      .toHaveValue('Review carefully. Be kind.');
    await expect.element(page.getByRole('checkbox', { name: /^run_command/ })).toBeChecked();
    await expect.element(page.getByText('You have unsaved changes.')).toBeVisible();
    await userEvent.click(page.getByRole('button', { name: 'Discard changes' }));
    await expect
      .element(page.getByRole('textbox', { name: 'Instructions' }))
      .toHaveValue('Review carefully.');
  });
});

describe('Expert editor: asking before a tool is used', () => {
  const ask = (tool: string) => page.getByRole('checkbox', { name: `Ask me before each use of ${tool}` });

  it('offers it for each tool that is on, shipping asking unless the Expert says otherwise', async () => {
    await renderEditor('x1', [
      expert({ capabilities: { tools: ['read_file', 'commit_changes'], integrations: [] } }),
    ]);
    await expect
      .element(
        page.getByRole('checkbox', { name: /^open_pull_request Pushes a branch and opens a pull request/ }),
      )
      .not.toBeChecked();
    await expect.element(ask('commit_changes')).toBeChecked();
    await expect.element(ask('read_file')).not.toBeChecked();
    expect(ask('open_pull_request').elements()).toHaveLength(0);
    await userEvent.click(page.getByRole('checkbox', { name: /^open_pull_request/ }));
    await expect.element(ask('open_pull_request')).toBeChecked();
  });

  it('is saved with the Expert, and kept when something else is changed', async () => {
    const started = await startOrreryServer();
    try {
      const login = await ApiClient.login(
        started.url,
        started.credentials.member.email,
        started.credentials.member.password,
      );
      const client = new OrreryClient({ baseUrl: started.url, token: login.token });
      const made = await client.experts.create({
        name: 'Shipper',
        instructions: 'Ship it.',
        defaultEnvironmentId: null,
        model: { provider: 'shell', name: '' },
        capabilities: {
          tools: ['run_command', 'commit_changes'],
          integrations: [],
          approval: ['run_command'],
        },
        scope: 'personal',
      });
      const listed = (await client.experts.list()).experts.find((e) => e.id === made.expert.id)!;
      const services = await createTestServices({
        account: {
          serverUrl: started.url,
          token: login.token,
          user: login.user,
          organisation: login.organisation,
        },
      });
      stop = () => services.stop();
      await renderWithServices(
        <ExpertEditor
          item={listed.id}
          experts={[listed]}
          environments={[]}
          onSaved={noReload}
          onDuplicate={() => undefined}
        />,
        services,
      );
      await expect.element(ask('run_command')).toBeChecked();
      await expect.element(ask('commit_changes')).not.toBeChecked();

      await userEvent.fill(page.getByRole('textbox', { name: 'Description' }), 'Commits when asked.');
      await userEvent.click(page.getByRole('button', { name: 'Save changes' }));
      await expect.element(page.getByText('Saved Shipper.')).toBeVisible();
      expect((await client.experts.get(listed.id)).expert.capabilities.approval).toEqual(['run_command']);

      await userEvent.click(ask('commit_changes'));
      await userEvent.click(ask('run_command'));
      await userEvent.click(page.getByRole('button', { name: 'Save changes' }));
      await expect
        .poll(async () => (await client.experts.get(listed.id)).expert.capabilities.approval)
        .toEqual(['commit_changes']);
    } finally {
      await stopOrreryServer(started.url);
    }
  });

  it('lists the Expert’s MCP servers and keeps them when the form is saved', async () => {
    const mcpServers: NonNullable<ExpertListItem['capabilities']['mcpServers']> = [
      { transport: 'stdio', name: 'tickets', command: 'node', args: ['/opt/mcp/tickets.mjs'] },
      {
        transport: 'http',
        name: 'tracker',
        url: 'https://mcp.example.com/mcp',
        headers: { Authorization: 'TRACKER_AUTH' },
      },
    ];
    const withServers = expert({ capabilities: { tools: ['read_file'], integrations: [], mcpServers } });
    await renderEditor('x1', [withServers]);
    const list = page.getByRole('list', { name: 'MCP servers' });
    await expect
      .element(list.getByRole('listitem').first())
      .toHaveTextContent('tickets runs in the Environment: node /opt/mcp/tickets.mjs');
    await expect
      .element(list.getByRole('listitem').last())
      .toHaveTextContent('tracker at https://mcp.example.com/mcp (with the secrets TRACKER_AUTH)');
    expect(inputOf({ ...formOf(withServers), description: 'Changed' }).capabilities.mcpServers).toEqual(
      mcpServers,
    );
  });
});
