// Undo, approvals and pull requests as the session shows them, from a real
// session document the test fills as the runner would: who sees "Restore to
// before this turn" and Undo (the owner, a live checkpoint, no turn running),
// Approve writing the owner's answer into the document, and the header's
// link to the newest pull request (a web address only).
import { SessionDoc, sessionDocName } from '@orrery/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import {
  createTestServices,
  renderWithServices,
  sessionItem,
  storeSessionDoc,
  testAccount,
} from '../../testing/test-services.js';
import { SessionView } from '../SessionView.js';

const account = testAccount();
let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

async function openSession(session: ReturnType<typeof sessionItem>, write: (doc: SessionDoc) => void) {
  const services = await createTestServices({ account, sessions: [session] });
  await storeSessionDoc(services, session.id, write);
  await renderWithServices(<SessionView sessionId={session.id} />, services);
  const { doc, release } = services.hub.acquire(sessionDocName(session.id));
  await doc.loaded;
  cleanup = async () => {
    release();
    await services.stop();
  };
  // The same document the view shows, to play the runner or check what the view wrote.
  return new SessionDoc(doc.doc);
}

/** A turn as the runner runs one: a checkpoint first, then the message it answers. */
function turn(doc: SessionDoc, n: number, options: { end?: boolean } = {}) {
  doc.addCheckpoint({ id: `cp${n}`, kind: 'turn', turnId: `t${n}`, createdAt: n * 10 });
  doc.enqueue({
    id: `m${n}`,
    authorId: account.user.id,
    createdAt: n * 10,
    text: `question ${n}`,
    attachments: [],
  });
  doc.beginTurn(`t${n}`, n * 10 + 1);
  const answer = doc.startAgentMessage(`a${n}`, `t${n}`, n * 10 + 2);
  answer.append(`answer ${n}`);
  answer.finish();
  if (options.end !== false) doc.endTurn();
}

const restoreButtons = () => page.getByRole('button', { name: 'Restore to before this turn' });

describe('restoring to before a turn', () => {
  it('is offered to the owner on each turn with a live checkpoint, and asks first', async () => {
    const doc = await openSession(sessionItem(account.user.id), (d) => {
      turn(d, 1);
      turn(d, 2);
      // A turn whose checkpoint a clean restart took away offers nothing to click.
      turn(d, 3);
      d.markCheckpointsLost(['cp3']);
      d.addNotice({
        id: 'n1',
        turnId: null,
        level: 'warning',
        text: 'The Environment restarted clean: the checkpoint before turn 3 is lost.',
        now: 40,
      });
    });
    await expect.element(page.getByText('answer 3')).toBeVisible();
    await expect.poll(() => restoreButtons().elements().length).toBe(2);
    const second = page.getByRole('article', { name: 'Message from You' }).nth(1);
    await expect.element(second).toHaveTextContent('question 2');

    await userEvent.click(restoreButtons().nth(1));
    const dialog = page.getByRole('dialog', { name: 'Restore to before this turn?' });
    await expect
      .element(dialog)
      .toHaveTextContent(/files go back to exactly how they were before this turn ran/);
    await expect.element(dialog).toHaveTextContent(/Your current state is kept, so you can undo the restore/);
    // Cancel is first for the keyboard: nothing happens by accident.
    await expect.element(dialog.getByRole('button', { name: 'Cancel' })).toHaveFocus();
    // This device cannot reach a server: the server's refusal is shown, nothing is lost.
    await userEvent.click(dialog.getByRole('button', { name: 'Restore' }));
    await expect.element(dialog.getByRole('alert')).toHaveTextContent(/Cannot reach the server/);
    await userEvent.click(dialog.getByRole('button', { name: 'Cancel' }));
    await expect.element(dialog).not.toBeInTheDocument();

    // The runner loses the rest in a restart: the buttons go.
    doc.markCheckpointsLost();
    await expect.poll(() => restoreButtons().elements().length).toBe(0);
  });

  it('is not offered while a turn runs, and comes back when it ends', async () => {
    const doc = await openSession(sessionItem(account.user.id), (d) => {
      turn(d, 1);
      turn(d, 2, { end: false });
    });
    await expect.element(page.getByText('answer 2')).toBeVisible();
    expect(restoreButtons().elements()).toHaveLength(0);
    doc.endTurn();
    await expect.poll(() => restoreButtons().elements().length).toBe(2);
  });

  it('is never offered to a viewer', async () => {
    await openSession(sessionItem('owner-1', { access: 'viewer', ownerName: 'Grace Hopper' }), (d) => {
      turn(d, 1);
      d.addRestore({
        id: 'r1',
        turnId: null,
        checkpointId: 'cp1',
        undoCheckpointId: 'cp1',
        text: 'Restored the workspace to before turn 1.',
        now: 20,
      });
    });
    await expect.element(page.getByText('Restored the workspace to before turn 1.')).toBeVisible();
    expect(restoreButtons().elements()).toHaveLength(0);
    expect(page.getByRole('button', { name: 'Undo' }).elements()).toHaveLength(0);
  });

  it('leaves a note with Undo while the state it replaced is still kept', async () => {
    const doc = await openSession(sessionItem(account.user.id), (d) => {
      turn(d, 1);
      d.addCheckpoint({ id: 'undo1', kind: 'undo', turnId: null, createdAt: 30 });
      d.addRestore({
        id: 'r1',
        turnId: null,
        checkpointId: 'cp1',
        undoCheckpointId: 'undo1',
        text: 'Restored the workspace to before turn 1 (2 repositories).',
        now: 31,
      });
    });
    const note = page
      .getByRole('note')
      .filter({ hasText: 'Restored the workspace to before turn 1 (2 repositories).' });
    await expect.element(note).toBeVisible();
    await userEvent.click(note.getByRole('button', { name: 'Undo' }));
    const dialog = page.getByRole('dialog', { name: 'Undo this restore?' });
    await expect.element(dialog).toHaveTextContent(/just before the restore/);
    await userEvent.keyboard('{Escape}');
    await expect.element(dialog).not.toBeInTheDocument();
    doc.markCheckpointsLost(['undo1']);
    await expect.element(note.getByRole('button', { name: 'Undo' })).not.toBeInTheDocument();
  });
});

describe('a tool call waiting for approval', () => {
  function waiting(doc: SessionDoc) {
    doc.beginTurn('t1', 1);
    const call = doc.startToolCall({
      id: 'call-pr',
      turnId: 't1',
      name: 'open_pull_request',
      input: JSON.stringify({
        title: 'Fix the flaky login test',
        body: 'The wait was too short.\n\nTested with npm test.',
        base: 'main',
      }),
      now: 2,
    });
    call.awaitApproval(true);
  }

  it('shows the owner what it would do, and Approve writes the answer the runner waits for', async () => {
    const doc = await openSession(sessionItem(account.user.id), waiting);
    const card = page.getByRole('group', { name: 'Approve open_pull_request?' });
    await expect.element(card).toHaveTextContent(/Title\s*Fix the flaky login test/);
    await expect.element(card).toHaveTextContent(/Description\s*The wait was too short./);
    await expect.element(card).toHaveTextContent(/Into branch\s*main/);
    await expect
      .element(
        page.getByRole('button', { name: /open_pull_request Fix the flaky login test Waiting for approval/ }),
      )
      .toBeVisible();
    expect(doc.approval('call-pr')).toBeNull();
    await userEvent.click(card.getByRole('button', { name: 'Approve' }));
    await expect.poll(() => doc.approval('call-pr')).toBe('approve');
    await expect.element(card.getByRole('status')).toHaveTextContent('Approved; the agent goes on.');
    expect(card.getByRole('button', { name: 'Deny' }).elements()).toHaveLength(0);
  });

  it('lets the owner deny a commit, its message shown in full', async () => {
    const doc = await openSession(sessionItem(account.user.id), (d) => {
      d.startToolCall({
        id: 'call-c',
        turnId: null,
        name: 'commit_changes',
        input: JSON.stringify({ message: 'Fix login\n\nLonger wait for the token.' }),
        now: 1,
      }).awaitApproval(true);
    });
    const card = page.getByRole('group', { name: 'Approve commit_changes?' });
    await expect.element(card.getByText(/Longer wait for the token./)).toBeVisible();
    await userEvent.click(card.getByRole('button', { name: 'Deny' }));
    await expect.poll(() => doc.approval('call-c')).toBe('deny');
  });

  it('tells others whose approval it waits for, with no buttons', async () => {
    await openSession(sessionItem('owner-1', { access: 'viewer', ownerName: 'Grace Hopper' }), waiting);
    const card = page.getByRole('group', { name: 'Approve open_pull_request?' });
    await expect.element(card.getByRole('status')).toHaveTextContent('Waiting for the owner’s approval.');
    expect(card.getByRole('button').elements()).toHaveLength(0);
  });
});

describe('pull requests the session opened', () => {
  const pr = (doc: SessionDoc, n: number, forge: 'github' | 'gitlab', url: string, now: number) =>
    doc.addPullRequest({
      id: `pr${n}-${now}`,
      turnId: null,
      repo: 'shop',
      url,
      number: n,
      title: `Change ${n}`,
      forge,
      branch: `orrery/change-${n}`,
      now,
    });

  it('links the newest in the header, opening in a new tab, and shows each as a card', async () => {
    const doc = await openSession(sessionItem(account.user.id), (d) =>
      pr(d, 12, 'github', 'https://github.com/acme/shop/pull/12', 1),
    );
    const header = page.getByRole('banner');
    const link = header.getByRole('link', { name: /PR #12/ });
    await expect.element(link).toHaveAttribute('href', 'https://github.com/acme/shop/pull/12');
    await expect.element(link).toHaveAttribute('target', '_blank');
    await expect.element(link).toHaveAttribute('rel', 'noopener noreferrer');
    const card = page.getByRole('article', { name: 'Opened PR #12' });
    await expect.element(card).toHaveTextContent(/Change 12/);
    await expect.element(card).toHaveTextContent(/orrery\/change-12 in shop/);

    pr(doc, 3, 'gitlab', 'https://gitlab.example.com/acme/shop/-/merge_requests/3', 2);
    await expect
      .element(header.getByRole('link', { name: /MR !3/ }))
      .toHaveAttribute('href', 'https://gitlab.example.com/acme/shop/-/merge_requests/3');
    expect(header.getByRole('link', { name: /PR #12/ }).elements()).toHaveLength(0);
  });

  it('never makes a link of an address that is not a web page', async () => {
    await openSession(sessionItem(account.user.id), (d) => {
      pr(d, 7, 'github', 'javascript:alert(document.cookie)', 1);
      pr(d, 8, 'github', 'data:text/html,<script>alert(1)</script>', 2);
      d.addNotice({ id: 'n1', turnId: null, level: 'info', text: 'Done.', now: 3 });
    });
    await expect.element(page.getByText('Done.')).toBeVisible();
    const hrefs = [...document.querySelectorAll('a')].map((a) => a.getAttribute('href') ?? '');
    expect(hrefs.filter((h) => /^(javascript|data):/i.test(h))).toEqual([]);
    expect(page.getByRole('link', { name: /PR #/ }).elements()).toHaveLength(0);
  });
});
