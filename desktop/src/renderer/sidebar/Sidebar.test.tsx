import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import {
  createTestServices,
  renderWithServices,
  sessionItem,
  testAccount,
} from '../testing/test-services.js';
import { Sidebar } from './Sidebar.js';

const account = testAccount();
const alpha = sessionItem(account.user.id, { title: 'Alpha refactor' });
const beta = sessionItem(account.user.id, { title: 'Beta migration', visibility: 'private' });
const gamma = sessionItem('someone-else', { title: 'Gamma incident', ownerName: 'Grace', access: 'member' });

async function setup() {
  const services = await createTestServices({ account, sessions: [alpha, beta, gamma] });
  await renderWithServices(<Sidebar />, services);
  return services;
}

const pinned = () => page.getByRole('list', { name: 'Pinned sessions' });
const recent = () => page.getByRole('list', { name: 'Recent Sessions' });

describe('Sidebar', () => {
  let stop: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await stop?.();
    stop = null;
  });

  it('shows New Session, Sessions, the most recently opened sessions first, then Pinned', async () => {
    const services = await setup();
    stop = () => services.stop();
    services.userDoc.markOpened(alpha.id, 1_000);
    services.userDoc.markOpened(gamma.id, 2_000);
    await expect.element(page.getByRole('link', { name: 'New Session' })).toBeVisible();
    await expect.element(page.getByRole('link', { name: 'Sessions', exact: true })).toBeVisible();
    await expect.element(recent()).toBeVisible();
    const titles = recent()
      .getByRole('link')
      .elements()
      .map((a) => a.textContent);
    expect(titles).toEqual(['Gamma incident', 'Alpha refactor']);
    await expect.element(page.getByRole('heading', { name: 'Pinned' })).toBeVisible();
  });

  it('pins and unpins from the three-dot menu and from right-click', async () => {
    const services = await setup();
    stop = () => services.stop();
    services.userDoc.markOpened(beta.id, 1_000);
    await userEvent.click(recent().getByRole('button', { name: 'More actions for Beta migration' }));
    await userEvent.click(page.getByRole('menuitem', { name: 'Pin session' }));
    await expect.element(pinned().getByText('Beta migration')).toBeVisible();
    expect(services.userDoc.isPinned(beta.id)).toBe(true);
    // A private session shows the lock badge in the sidebar.
    await expect.element(pinned().getByLabelText('Private')).toBeVisible();

    await userEvent.click(pinned().getByText('Beta migration'), { button: 'right' });
    await userEvent.click(page.getByRole('menuitem', { name: 'Unpin session' }));
    await expect.element(pinned().getByText('Beta migration')).not.toBeInTheDocument();
    expect(services.userDoc.isPinned(beta.id)).toBe(false);
  });

  it('creates, renames and deletes folders; moves pins in and out through the menu', async () => {
    const services = await setup();
    stop = () => services.stop();
    services.userDoc.pin(alpha.id);
    services.userDoc.pin(gamma.id);
    await userEvent.click(page.getByRole('button', { name: 'New folder' }));
    const nameInput = page.getByRole('textbox', { name: 'Folder name' });
    await expect.element(nameInput).toHaveFocus();
    await userEvent.fill(nameInput, 'Incidents');
    await userEvent.keyboard('{Enter}');
    await expect.element(page.getByRole('group', { name: 'Folder Incidents' })).toBeVisible();
    expect(services.userDoc.folders().map((f) => f.name)).toEqual(['Incidents']);

    await userEvent.click(pinned().getByRole('button', { name: 'More actions for Gamma incident' }));
    await userEvent.click(page.getByRole('menuitem', { name: 'Move to Incidents' }));
    const inFolder = page.getByRole('list', { name: 'Pinned in Incidents' });
    await expect.element(inFolder.getByText('Gamma incident')).toBeVisible();
    await expect.element(pinned().getByText('Gamma incident')).not.toBeInTheDocument();

    await userEvent.click(page.getByRole('button', { name: 'More actions for folder Incidents' }));
    await userEvent.click(page.getByRole('menuitem', { name: 'Rename folder' }));
    await userEvent.fill(page.getByRole('textbox', { name: 'Folder name' }), 'On call');
    await userEvent.keyboard('{Enter}');
    await expect.element(page.getByRole('group', { name: 'Folder On call' })).toBeVisible();

    await userEvent.click(page.getByRole('button', { name: 'More actions for folder On call' }));
    await userEvent.click(page.getByRole('menuitem', { name: 'Delete folder' }));
    await expect.element(page.getByRole('group', { name: 'Folder On call' })).not.toBeInTheDocument();
    // Its pins fall back to the top level; none is lost.
    await expect.element(pinned().getByText('Gamma incident')).toBeVisible();
    expect(services.userDoc.pins().map((p) => p.sessionId)).toEqual([alpha.id, gamma.id]);
  });

  it('filters pinned sessions, also inside collapsed folders, and collapses all folders', async () => {
    const services = await setup();
    stop = () => services.stop();
    services.userDoc.createFolder('f1', 'Work');
    services.userDoc.createFolder('f2', 'Later');
    services.userDoc.pin(alpha.id, { folderId: 'f1' });
    services.userDoc.pin(beta.id, { folderId: 'f2' });
    services.userDoc.pin(gamma.id);

    await expect
      .element(page.getByRole('list', { name: 'Pinned in Work' }).getByText('Alpha refactor'))
      .toBeVisible();
    await userEvent.click(page.getByRole('button', { name: 'Collapse all folders' }));
    await expect.element(page.getByRole('list', { name: 'Pinned in Work' })).not.toBeInTheDocument();
    await expect.element(page.getByRole('list', { name: 'Pinned in Later' })).not.toBeInTheDocument();
    expect(services.userDoc.folders().every((f) => f.collapsed)).toBe(true);

    await userEvent.click(page.getByRole('button', { name: 'Filter pinned sessions' }));
    await userEvent.fill(page.getByRole('searchbox', { name: 'Filter pinned sessions' }), 'beta');
    await expect
      .element(page.getByRole('list', { name: 'Pinned in Later' }).getByText('Beta migration'))
      .toBeVisible();
    await expect.element(page.getByRole('group', { name: 'Folder Work' })).not.toBeInTheDocument();
    await expect.element(pinned().getByText('Gamma incident')).not.toBeInTheDocument();

    await userEvent.fill(page.getByRole('searchbox', { name: 'Filter pinned sessions' }), 'nothing like it');
    await expect.element(page.getByText('No pinned session matches “nothing like it”.')).toBeVisible();
  });

  it('reorders pins by keyboard dragging', async () => {
    const services = await setup();
    stop = () => services.stop();
    services.userDoc.pin(alpha.id);
    services.userDoc.pin(beta.id);
    services.userDoc.pin(gamma.id);
    await expect.element(pinned().getByText('Gamma incident')).toBeVisible();
    const gammaRow = pinned().getByRole('listitem').filter({ hasText: 'Gamma incident' });
    (gammaRow.element() as HTMLElement).focus();
    await userEvent.keyboard(' ');
    await userEvent.keyboard('{ArrowUp}');
    await userEvent.keyboard('{ArrowUp}');
    await userEvent.keyboard(' ');
    await expect
      .poll(() => services.userDoc.pins().map((p) => p.sessionId))
      .toEqual([gamma.id, alpha.id, beta.id]);
  });

  it('shows pins made on another device of the same account', async () => {
    const services = await setup();
    stop = () => services.stop();
    // Another device's change arrives as a Yjs update.
    const { Doc, applyUpdate, encodeStateAsUpdate } = await import('yjs');
    const { UserDoc } = await import('@orrery/shared');
    const other = new Doc();
    applyUpdate(other, encodeStateAsUpdate(services.userDoc.doc));
    new UserDoc(other).pin(gamma.id);
    applyUpdate(services.userDoc.doc, encodeStateAsUpdate(other));
    await expect.element(pinned().getByText('Gamma incident')).toBeVisible();
  });
});
