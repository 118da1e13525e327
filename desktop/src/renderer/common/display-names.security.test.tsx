// Names a teammate chooses, made to deceive: a right-to-left override that
// shows "invoice\u202Egnp.exe" as "invoiceexe.png", and a 400-character name
// meant to push the layout apart. Every place that shows such a name shows
// its real characters and stays inside its box, the full name on hover.
import type { AttachmentRef, ToolCall } from '@orrery/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import { render } from 'vitest-browser-react';
import '../styles.css';
import { AttachmentTray } from '../composer/attachments/AttachmentTray.js';
import type { PendingAttachment } from '../composer/attachments/use-attachments.js';
import { UserMessageView, ToolCallView } from '../session/EntryViews.js';
import { SessionsPage } from '../sessions/SessionsPage.js';
import { Sidebar } from '../sidebar/Sidebar.js';
import {
  createTestServices,
  renderWithServices,
  sessionItem,
  testAccount,
} from '../testing/test-services.js';
import { displayName } from './display-name.js';

const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
const DECEIVING = 'invoice\u202Egnp.exe';
const LONG = `${'quarterly-report-'.repeat(24)}final.pdf`.slice(-400);

let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

function ref(n: number, name: string): AttachmentRef {
  return {
    id: n.toString(16).padStart(64, '0'),
    name,
    kind: 'file',
    mediaType: 'application/pdf',
    size: 2048,
  };
}

function box(el: Element) {
  return el.getBoundingClientRect();
}

/** The name shows its real extension last, inside the element, and the whole (clean) name on hover. */
function expectHonest(name: Element, clean: string, extension: string) {
  expect(name.textContent).not.toMatch(BIDI);
  expect(name.getAttribute('title')).toBe(clean);
  const ext = name.querySelector('.file-name-ext')!;
  expect(ext.textContent).toBe(extension);
  expect(box(ext).width).toBeGreaterThan(0);
  expect(box(ext).right).toBeLessThanOrEqual(box(name).right + 0.5);
}

describe('deceptive names', () => {
  it('an attachment named with a right-to-left override shows its real extension', async () => {
    const services = await createTestServices();
    cleanup = () => services.stop();
    const entry = {
      kind: 'user' as const,
      id: 'm1',
      createdAt: 1,
      turnId: null,
      authorId: 'teammate',
      text: 'The invoice',
      attachments: [ref(1, DECEIVING)],
    };
    await renderWithServices(<UserMessageView entry={entry} sessionId="s" authorName="Teammate" />, services);
    const chip = page.getByRole('button', { name: /invoicegnp\.exe/ });
    await expect.element(chip).toBeVisible();
    expectHonest(chip.element().querySelector('.file-name')!, 'invoicegnp.exe', '.exe');
    expect(chip.element().textContent).not.toContain('exe.png');
  });

  it('a 400-character attachment name is cut inside the message, its extension still shown', async () => {
    const services = await createTestServices();
    cleanup = () => services.stop();
    const entry = {
      kind: 'user' as const,
      id: 'm1',
      createdAt: 1,
      turnId: null,
      authorId: 'teammate',
      text: 'Long one',
      attachments: [ref(1, LONG)],
    };
    await renderWithServices(
      <div style={{ width: 500 }}>
        <UserMessageView entry={entry} sessionId="s" authorName="Teammate" />
      </div>,
      services,
    );
    const article = page.getByRole('article').element();
    const chip = page.getByRole('button', { name: /final\.pdf/ }).element();
    expect(box(article).width).toBeLessThanOrEqual(500);
    expect(box(chip).right).toBeLessThanOrEqual(box(article).right + 0.5);
    expect(article.scrollWidth).toBeLessThanOrEqual(article.clientWidth);
    expectHonest(chip.querySelector('.file-name')!, LONG, '.pdf');
  });

  it('the composer tray shows the same names honestly and within its width', async () => {
    const items: PendingAttachment[] = [DECEIVING, LONG].map((name, i) => ({
      key: `k${i}`,
      file: new File(['x'], name),
      kind: 'file',
      previewUrl: null,
      status: 'ready',
      progress: 1,
      ref: null,
      error: null,
    }));
    await render(
      <div style={{ width: 400 }}>
        <AttachmentTray items={items} onRemove={() => {}} />
      </div>,
    );
    const tray = page.getByRole('list', { name: 'Attached' }).element();
    const names = [...tray.querySelectorAll('.file-name')];
    expectHonest(names[0]!, 'invoicegnp.exe', '.exe');
    expectHonest(names[1]!, LONG, '.pdf');
    for (const item of tray.querySelectorAll('li')) {
      expect(box(item).right).toBeLessThanOrEqual(box(tray).right + 0.5);
    }
  });

  it('a tool call on such a file shows the path without the override, on one cut line', async () => {
    const entry: ToolCall = {
      kind: 'tool',
      id: 'c1',
      createdAt: 1,
      turnId: null,
      name: 'read_file',
      input: JSON.stringify({ path: `docs/${DECEIVING}` }),
      output: '',
      status: 'done',
      exitCode: null,
      durationMs: 5,
    };
    await render(
      <div style={{ width: 500 }}>
        <ToolCallView entry={entry} collapsed onToggle={() => {}} />
        <ToolCallView
          entry={{ ...entry, id: 'c2', input: JSON.stringify({ path: LONG }) }}
          collapsed
          onToggle={() => {}}
        />
      </div>,
    );
    const summaries = [...document.querySelectorAll('.tool-summary')];
    expect(summaries[0]!.textContent).toBe('docs/invoicegnp.exe');
    expect(summaries[1]!.getAttribute('title')).toBe(LONG);
    for (const s of summaries) expect(box(s).right).toBeLessThanOrEqual(500);
  });

  it('session titles in the list lose their controls and are cut within the row', async () => {
    const account = testAccount();
    const services = await createTestServices({
      account,
      sessions: [
        sessionItem(account.user.id, { id: 's1', title: `Pay ${DECEIVING} today` }),
        sessionItem(account.user.id, { id: 's2', title: LONG, ownerName: 'Mallory\u202E' }),
      ],
    });
    cleanup = () => services.stop();
    await renderWithServices(<SessionsPage />, services);
    const first = page.getByText('Pay invoicegnp.exe today', { exact: true });
    await expect.element(first).toBeVisible();
    const long = page.getByTitle(LONG).element();
    const row = long.closest('[role="listitem"]')!;
    expect(box(long).right).toBeLessThanOrEqual(box(row).right + 0.5);
    expect(document.body.textContent).not.toMatch(BIDI);
  });
});

describe('deceptive names in the sidebar', () => {
  it('recent sessions and folder names lose their controls and stay within the sidebar', async () => {
    const account = testAccount();
    const sneaky = sessionItem(account.user.id, { title: `Pay ${DECEIVING}` });
    const long = sessionItem(account.user.id, { title: LONG });
    const services = await createTestServices({ account, sessions: [sneaky, long] });
    cleanup = () => services.stop();
    await renderWithServices(<Sidebar />, services);
    services.userDoc.markOpened(sneaky.id, 1_000);
    services.userDoc.markOpened(long.id, 2_000);
    services.userDoc.createFolder('f1', 'Invoices \u202Efdp.exe');
    const recent = page.getByRole('list', { name: 'Recent Sessions' });
    await expect.element(recent.getByRole('link', { name: 'Pay invoicegnp.exe' })).toBeVisible();
    await expect.element(page.getByText('Invoices fdp.exe', { exact: true })).toBeVisible();
    const sidebar = document.querySelector('.sidebar')!;
    const title = page.getByTitle(LONG).element();
    expect(box(title).right).toBeLessThanOrEqual(box(sidebar).right + 0.5);
    expect(sidebar.textContent).not.toMatch(BIDI);
  });
});

describe('displayName', () => {
  it('removes bidirectional controls and invisible format characters, keeps joiners and text', () => {
    for (const control of [
      '\u202A',
      '\u202B',
      '\u202C',
      '\u202D',
      '\u202E',
      '\u2066',
      '\u2067',
      '\u2068',
      '\u2069',
      '\u200E',
      '\u200F',
      '\u061C',
      '\u200B',
      '\u2060',
      '\uFEFF',
      '\u00AD',
      '\u{E0041}',
    ]) {
      expect(displayName(`a${control}b`), `U+${control.codePointAt(0)!.toString(16)}`).toBe('ab');
    }
    expect(displayName('family 👨\u200D👩\u200D👧')).toBe('family 👨\u200D👩\u200D👧');
    expect(displayName('می\u200Cخواهم.txt')).toBe('می\u200Cخواهم.txt');
    expect(displayName('two\nlines\tand\u2028more')).toBe('two lines and more');
  });
});
