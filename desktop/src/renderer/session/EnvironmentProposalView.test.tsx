// The Advisor's proposal card against the real sync server: the owner creates
// the Environment with their own token and sees the server's refusal at the
// field it names; anyone else reads the card without buttons.
import { EnvironmentInput, OrreryClient, type EnvironmentProposal } from '@orrery/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import type { StoredAccount } from '../../platform/common/platform.js';
import { ApiClient } from '../api/api-client.js';
import { startOrreryServer, stopOrreryServer } from '../testing/browser-commands.js';
import { createTestServices, renderWithServices } from '../testing/test-services.js';
import { NEW_ENVIRONMENT_DRAFT_KEY } from './environment-draft.js';
import { EnvironmentProposalView } from './EnvironmentProposalView.js';

let server: string;
let account: StoredAccount;
let stop: (() => Promise<void>) | null = null;

beforeAll(async () => {
  const started = await startOrreryServer();
  server = started.url;
  const login = await ApiClient.login(
    server,
    started.credentials.admin.email,
    started.credentials.admin.password,
  );
  account = { serverUrl: server, token: login.token, user: login.user, organisation: login.organisation };
});
afterAll(() => stopOrreryServer(server));
afterEach(async () => {
  await stop?.();
  stop = null;
  sessionStorage.clear();
  location.hash = '';
});

function proposal(name: string): EnvironmentProposal {
  return {
    kind: 'environment_proposal',
    id: `p-${name}`,
    createdAt: Date.now(),
    turnId: 't1',
    text: 'Node 22 from .nvmrc; npm ci from the lock file.',
    draft: EnvironmentInput.parse({
      name,
      image: 'node:22-bookworm',
      repositories: [{ url: 'https://github.com/acme/shop.git', path: 'shop' }],
      setupScript: 'cd /workspace/shop && npm ci',
      variables: { NODE_ENV: 'development' },
      scope: 'personal',
    }),
  };
}

async function show(entry: EnvironmentProposal, canAct: boolean) {
  const services = await createTestServices({ account });
  stop = () => services.stop();
  return renderWithServices(<EnvironmentProposalView entry={entry} canAct={canAct} />, services);
}

/** The same person's own client, to set up and check what the server holds. */
const api = () => new OrreryClient({ baseUrl: server, token: account.token });

describe('a proposed Environment', () => {
  it('shows the draft to everyone, and the buttons only to the session’s owner', async () => {
    const entry = proposal('Shop viewer');
    const viewer = await show(entry, false);
    const card = page.getByRole('article', { name: 'Proposed Environment Shop viewer' });
    await expect.element(card.getByText('node:22-bookworm')).toBeVisible();
    await expect.element(card.getByText('https://github.com/acme/shop.git')).toBeVisible();
    await expect.element(card.getByText('cd /workspace/shop && npm ci')).toBeVisible();
    await expect.element(card.getByText('NODE_ENV=development')).toBeVisible();
    await expect
      .element(card.getByText('Only the session’s owner can create this Environment.'))
      .toBeVisible();
    expect(card.getByRole('button').elements()).toHaveLength(0);
    await viewer.unmount();

    await show(entry, true);
    await expect.element(page.getByRole('button', { name: 'Review in Settings' })).toBeVisible();
    await expect
      .element(page.getByRole('button', { name: 'Create the Environment Shop viewer' }))
      .toBeVisible();
  });

  it('creates it with the owner’s rights, and shows the server’s refusal next to the field', async () => {
    // An Environment of this name exists already: the server refuses a second.
    await api().environments.create(
      EnvironmentInput.parse({ name: 'Shop taken', image: 'x', scope: 'personal' }),
    );
    const taken = await show(proposal('Shop taken'), true);
    await userEvent.click(page.getByRole('button', { name: 'Create the Environment Shop taken' }));
    const nameRow = page.getByRole('definition').filter({ hasText: 'Shop taken' });
    await expect
      .element(
        nameRow.getByText(
          'An Environment named "Shop taken" already exists in your organisation; pick another name.',
        ),
      )
      .toBeVisible();
    // The draft is still there to review and rename.
    await expect.element(page.getByRole('button', { name: 'Review in Settings' })).toBeVisible();
    await taken.unmount();

    await show(proposal('Shop fresh'), true);
    await userEvent.click(page.getByRole('button', { name: 'Create the Environment Shop fresh' }));
    await expect.element(page.getByRole('status')).toHaveTextContent('Created “Shop fresh”.');
    const { environments } = await api().environments.list();
    const created = environments.find((e) => e.name === 'Shop fresh');
    expect(created).toMatchObject({ image: 'node:22-bookworm', ownerId: account.user.id, scope: 'personal' });
    await expect
      .element(page.getByRole('link', { name: 'Open in Settings' }))
      .toHaveAttribute('href', `#/settings/environments/${created!.id}`);
    await userEvent.click(page.getByRole('button', { name: 'Start a Shell session on it' }));
    await expect.poll(() => location.hash).toMatch(/^#\/s\//);
    const { session } = await api().sessions.get(location.hash.slice('#/s/'.length));
    expect(session).toMatchObject({ environmentId: created!.id, expertName: 'Shell' });
  });

  it('opens the Environments editor with the draft for review', async () => {
    const entry = proposal('Shop review');
    await show(entry, true);
    await userEvent.click(page.getByRole('button', { name: 'Review in Settings' }));
    expect(location.hash).toBe('#/settings/environments/new');
    expect(JSON.parse(sessionStorage.getItem(NEW_ENVIRONMENT_DRAFT_KEY)!)).toEqual(entry.draft);
  });
});
