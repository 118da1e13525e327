// The Changes panel where people meet it: the session's header button with
// the document's totals, the panel beside the conversation (a sheet on a
// phone), the keyboard, and what is remembered. Screenshots of the whole app
// go to e2e/artifacts/screenshots/ for people to look at.
import type { SessionDoc } from '@orrery/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { render } from 'vitest-browser-react';
import { AppShell } from '../../app/AppShell.js';
import { ServicesContext } from '../../app/services-context.js';
import { setThemeChoice } from '../../app/theme.js';
import {
  createTestServices,
  renderWithServices,
  sessionItem,
  storeSessionDoc,
  testAccount,
} from '../../testing/test-services.js';
import { SessionView } from '../SessionView.js';
import { setChangesPrefs } from './changes-prefs.js';
import { dataSource, sampleChanges, summaryOf } from '../../testing/changes-fixtures.js';
import { ChangesSourceContext } from './use-changes.js';

const account = testAccount();
let stop: (() => Promise<void>) | null = null;
beforeEach(() => setChangesPrefs({ open: false, layout: 'unified', wrap: false, wide: false }));
afterEach(async () => {
  await stop?.();
  stop = null;
  location.hash = '';
  await page.viewport(1280, 800);
  setThemeChoice('system');
});

/** A session in which the agent changed files: the runner's summary is in its document. */
function worked(doc: SessionDoc) {
  const t = Date.now() - 5 * 60_000;
  doc.enqueue({
    id: 'm1',
    authorId: account.user.id,
    createdAt: t,
    text: 'Add a health check to the server and move the routes into a folder.',
    attachments: [],
  });
  doc.beginTurn('t1', t + 1000);
  const tool = doc.startToolCall({
    id: 'c1',
    turnId: 't1',
    name: 'run_command',
    input: '{"command":"npm test"}',
    now: t + 60_000,
  });
  tool.append('Tests 24 passed (24)\n');
  tool.finish({ status: 'done', exitCode: 0, durationMs: 4100 });
  const agent = doc.startAgentMessage('a1', 't1', t + 65_000);
  agent.append('Done: `/healthz` answers before the routes load, and the tests pass.');
  agent.finish();
  doc.endTurn();
  doc.setEnvironment('running', '', t + 66_000);
  const { rev: _rev, pushed: _pushed, ...summary } = summaryOf(sampleChanges());
  doc.setChanges(summary);
}

async function openSession(
  options: { source?: boolean; shell?: boolean; session?: ReturnType<typeof sessionItem> } = {},
) {
  const session = options.session ?? sessionItem(account.user.id, { title: 'Add a health check' });
  const services = await createTestServices({ account, sessions: [session] });
  stop = () => services.stop();
  await storeSessionDoc(services, session.id, worked);
  const ui = options.shell ? <AppShell /> : <SessionView sessionId={session.id} />;
  if (options.shell) location.hash = `#/s/${session.id}`;
  const wrapped = options.source ? (
    <ChangesSourceContext.Provider value={dataSource(sampleChanges)}>{ui}</ChangesSourceContext.Provider>
  ) : (
    ui
  );
  if (!options.shell) return renderWithServices(wrapped, services);
  return render(
    <ServicesContext.Provider value={services}>
      <div style={{ position: 'fixed', inset: 0 }}>{wrapped}</div>
    </ServicesContext.Provider>,
  );
}

const toggle = () => page.getByRole('button', { name: /^Changes/ });
const panel = () => page.getByRole('complementary', { name: 'Changes' });

describe('the Changes panel in a session', () => {
  it('opens from the header’s button with the totals, takes the focus, and closes with Escape', async () => {
    await openSession({ source: true });
    await expect
      .element(toggle())
      .toHaveAccessibleName(`Changes ${(910_025).toLocaleString()} lines added, 48 removed in 8 files`);
    await expect.element(toggle()).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(toggle());
    await expect.element(panel().getByRole('heading', { name: 'Changes' })).toHaveFocus();
    await expect.element(toggle()).toHaveAttribute('aria-expanded', 'true');
    await expect.element(panel().getByRole('region', { name: 'Repository app' })).toBeVisible();
    // The conversation stays beside it.
    await expect.element(page.getByRole('log', { name: 'Conversation' })).toBeVisible();
    expect(JSON.parse(localStorage.getItem('orrery.changes-panel')!)).toMatchObject({ open: true });

    await userEvent.keyboard('{Escape}');
    await expect.element(panel()).not.toBeInTheDocument();
    await expect.element(toggle()).toHaveFocus();
    expect(JSON.parse(localStorage.getItem('orrery.changes-panel')!)).toMatchObject({ open: false });
  });

  it('opens again where it was left when the session is opened again on this device', async () => {
    const session = sessionItem(account.user.id, { title: 'Add a health check' });
    const screen = await openSession({ source: true, session });
    await userEvent.click(toggle());
    await userEvent.click(panel().getByRole('button', { name: /server\.ts/ }));
    await expect.element(panel().getByRole('region', { name: 'Diff of src/server.ts' })).toBeVisible();
    await screen.unmount();
    await stop?.();
    await openSession({ source: true, session });
    await expect.element(panel().getByRole('region', { name: 'Diff of src/server.ts' })).toBeVisible();
    // Remembered as open, it does not take the focus from the prompt box.
    await expect.element(panel().getByRole('heading', { name: 'Changes' })).not.toHaveFocus();
  });

  it('shows a viewer of a shared session the changes and their diffs', async () => {
    const session = sessionItem('owner-1', {
      access: 'viewer',
      ownerName: 'Grace Hopper',
      title: 'Shared work',
    });
    await openSession({ source: true, session });
    await userEvent.click(toggle());
    await userEvent.click(panel().getByRole('button', { name: /server\.ts/ }));
    await expect.element(panel().getByRole('region', { name: 'Diff of src/server.ts' })).toBeVisible();
  });

  it('says the changes are not on this device yet when the server cannot be reached', async () => {
    // No data source: the app's own client, and no server listens at the test account's address.
    await openSession();
    await userEvent.click(toggle());
    await expect
      .element(panel().getByRole('alert'))
      .toHaveTextContent(
        /The changes are not on this device yet: they load from the server when it can be reached\./,
      );
    await expect.element(panel().getByRole('button', { name: 'Try again' })).toBeVisible();
  });

  it('is a full-screen sheet on a phone that keeps the keyboard inside it', async () => {
    await page.viewport(390, 844);
    await openSession({ source: true, shell: true });
    await userEvent.click(toggle());
    const sheet = page.getByRole('dialog', { name: 'Changes' });
    await expect.element(sheet).toBeVisible();
    const box = sheet.element().getBoundingClientRect();
    expect([box.left, box.top, box.width, box.height]).toEqual([0, 0, 390, 844]);
    // Tab from the last control goes round to the first.
    const inside = [...sheet.element().querySelectorAll<HTMLElement>('button, summary')];
    inside.at(-1)!.focus();
    await userEvent.keyboard('{Tab}');
    expect(sheet.element().contains(document.activeElement)).toBe(true);
    await userEvent.keyboard('{Escape}');
    await expect.element(sheet).not.toBeInTheDocument();
  });

  it('shows the last changes of a paused Environment with its note (screenshot)', async () => {
    const session = sessionItem(account.user.id, { title: 'Add a health check' });
    const services = await createTestServices({ account, sessions: [session] });
    stop = () => services.stop();
    await storeSessionDoc(services, session.id, (doc) => {
      worked(doc);
      doc.setEnvironment('paused', 'Paused after 30 minutes without activity.', Date.now() - 60_000);
    });
    location.hash = `#/s/${session.id}`;
    setChangesPrefs({ open: true });
    await render(
      <ServicesContext.Provider value={services}>
        <ChangesSourceContext.Provider value={dataSource(sampleChanges)}>
          <div style={{ position: 'fixed', inset: 0 }}>
            <AppShell />
          </div>
        </ChangesSourceContext.Provider>
      </ServicesContext.Provider>,
    );
    await expect
      .element(panel().getByRole('note').first())
      .toHaveTextContent(/^The Environment is paused: these are/);
    await expect.element(panel().getByRole('region', { name: 'Repository app' })).toBeVisible();
    await page.screenshot({ path: shot('changes-paused-wide-light') });
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`looks right at 1280×800 and 390×844 in the ${theme} theme`, async () => {
      setThemeChoice(theme);
      await page.viewport(1280, 800);
      await openSession({ source: true, shell: true });
      await userEvent.click(toggle());
      await userEvent.click(panel().getByText('2 commits ahead of where the session started'));
      await expect.element(panel().getByText('Add a health check route')).toBeVisible();
      await page.screenshot({ path: shot(`changes-wide-${theme}`) });
      await userEvent.click(panel().getByRole('button', { name: /server\.ts/ }));
      await expect.poll(() => document.querySelector('.diff-add .hljs-comment')).not.toBeNull();
      await page.screenshot({ path: shot(`changes-diff-wide-${theme}`) });
      await userEvent.click(panel().getByRole('button', { name: 'Side by side' }));
      await page.screenshot({ path: shot(`changes-split-wide-${theme}`) });
      // Widened, the panel takes most of the width, and the conversation keeps a column.
      const before = panel().element().getBoundingClientRect().width;
      await userEvent.click(panel().getByRole('button', { name: 'Widen' }));
      await expect.poll(() => panel().element().getBoundingClientRect().width).toBeGreaterThan(before + 150);
      expect(
        page.getByRole('log', { name: 'Conversation' }).element().getBoundingClientRect().width,
      ).toBeGreaterThanOrEqual(280);
      await page.screenshot({ path: shot(`changes-split-widened-${theme}`) });
      await userEvent.click(panel().getByRole('button', { name: 'Widen' }));
      await userEvent.click(panel().getByRole('button', { name: '← All changes' }));

      await page.viewport(390, 844);
      const sheet = page.getByRole('dialog', { name: 'Changes' });
      await expect.element(sheet).toBeVisible();
      await page.screenshot({ path: shot(`changes-phone-${theme}`) });
      await userEvent.click(sheet.getByRole('button', { name: /server\.ts/ }));
      await expect.poll(() => document.querySelector('.diff-add .hljs-comment')).not.toBeNull();
      await page.screenshot({ path: shot(`changes-diff-phone-${theme}`) });
      await userEvent.click(sheet.getByRole('button', { name: 'Close the changes' }));
      await page.screenshot({ path: shot(`changes-closed-phone-${theme}`) });
    });
  }
});

/** Next to the e2e journeys' screenshots (relative to this file). */
function shot(name: string): string {
  return `../../../../../e2e/artifacts/screenshots/${name}.png`;
}
