import { EnvironmentInput, SessionDoc, sessionDocName } from '@orrery/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import {
  createTestServices,
  renderWithServices,
  sessionItem,
  storeSessionDoc,
  testAccount,
} from '../testing/test-services.js';
import { SessionView } from './SessionView.js';

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
  cleanup = () => services.stop();
  return services;
}

/** `turns` questions from the account, each answered by the agent. */
function askAndAnswer(doc: SessionDoc, turns: number) {
  for (let i = 0; i < turns; i += 1) {
    doc.enqueue({
      id: `m${i}`,
      authorId: account.user.id,
      createdAt: i,
      text: `question ${i}`,
      attachments: [],
    });
    doc.beginTurn(`t${i}`, i);
    const answer = doc.startAgentMessage(`a${i}`, `t${i}`, i);
    answer.append(`answer ${i}`);
    answer.finish();
    doc.endTurn();
  }
}

describe('SessionView', () => {
  it('shows user messages, agent markdown with highlighted code, tool calls and the Environment status', async () => {
    const session = sessionItem(account.user.id, { title: 'Fix the build' });
    await openSession(session, (doc) => {
      doc.enqueue({
        id: 'm1',
        authorId: account.user.id,
        createdAt: 1,
        text: 'Why does the build fail?',
        attachments: [],
      });
      doc.beginTurn('t1', 2);
      const tool = doc.startToolCall({
        id: 'c1',
        turnId: 't1',
        name: 'run_command',
        input: '{"command":"npm test"}',
        now: 3,
      });
      tool.append('1 failing test\n');
      tool.finish({ status: 'failed', exitCode: 1, durationMs: 1200 });
      const agent = doc.startAgentMessage('a1', 't1', 4);
      agent.append('The **build** fails here:\n\n```js\nconst answer = 42;\n```\n');
      agent.finish();
      doc.endTurn();
      doc.setEnvironment('running', 'Ready for commands.', 5);
    });

    await expect.element(page.getByRole('heading', { name: 'Fix the build' })).toBeVisible();
    await expect.element(page.getByText('Why does the build fail?')).toBeVisible();
    await expect.element(page.getByRole('article', { name: 'Message from You' })).toBeVisible();
    await expect.element(page.getByText('build', { exact: true })).toBeVisible();
    const code = page.getByRole('article', { name: 'Agent message' }).getByText('const answer = 42;');
    await expect.element(code).toBeVisible();
    // Highlighted (a moment after the first paint): the keyword is its own token.
    await expect.poll(() => code.element().querySelector('.hljs-keyword')?.textContent).toBe('const');
    await expect
      .element(page.getByRole('button', { name: /run_command npm test Failed · exit 1 · 1.2 s/ }))
      .toBeVisible();
    await expect.element(page.getByLabelText('Output')).toHaveTextContent('1 failing test');
    await expect.element(page.getByRole('status', { name: /Environment: Running/ })).toBeVisible();
    await expect.element(page.getByText('Shared', { exact: true })).toBeVisible();
  });

  it('collapses and expands a tool call’s output', async () => {
    const session = sessionItem(account.user.id);
    await openSession(session, (doc) => {
      doc
        .startToolCall({ id: 'c1', turnId: null, name: 'run_command', input: '{"command":"ls"}', now: 1 })
        .append('README.md\n');
    });
    const header = page.getByRole('button', { name: /run_command ls/ });
    await expect.element(page.getByLabelText('Output')).toHaveTextContent('README.md');
    await userEvent.click(header);
    await expect.element(page.getByLabelText('Output')).not.toBeInTheDocument();
    await expect.element(header).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(header);
    await expect.element(page.getByLabelText('Output')).toHaveTextContent('README.md');
  });

  it('streams tool output and follows the Environment status live', async () => {
    const session = sessionItem(account.user.id);
    const services = await openSession(session, (doc) =>
      doc.setEnvironment('starting', 'Starting the container.', 1),
    );
    await expect.element(page.getByRole('status', { name: /Environment: Starting up/ })).toBeVisible();

    // The runner writes into the same document the view is showing.
    const { doc, release } = services.hub.acquire(sessionDocName(session.id));
    await doc.loaded;
    const runner = new SessionDoc(doc.doc);
    runner.setEnvironment('running', '', 2);
    const tool = runner.startToolCall({
      id: 'c9',
      turnId: null,
      name: 'run_command',
      input: '{"command":"yes | head -3"}',
      now: 3,
    });
    tool.append('y\n');
    await expect.element(page.getByLabelText('Output')).toHaveTextContent('y');
    tool.append('y\ny\n');
    await expect.element(page.getByLabelText('Output')).toHaveTextContent('y y y');
    await expect.element(page.getByRole('status', { name: /Environment: Running/ })).toBeVisible();
    for (const [status, label] of [
      ['paused', 'Paused'],
      ['stopped', 'Stopped'],
      ['restarting_clean', 'Restarted from a clean state'],
      ['error', 'Error'],
    ] as const) {
      runner.setEnvironment(status, `Now ${status}.`, 4);
      await expect
        .element(page.getByRole('status', { name: new RegExp(`Environment: ${label}`) }))
        .toBeVisible();
      await expect.element(page.getByText(`Now ${status}.`)).toBeVisible();
    }
    release();
  });

  it('shows a private session with its lock badge', async () => {
    const session = sessionItem(account.user.id, { visibility: 'private' });
    await openSession(session, () => {});
    await expect.element(page.getByText('Private', { exact: true })).toBeVisible();
    await expect.element(page.getByRole('banner').getByLabelText('Private')).toBeVisible();
  });

  const propose = (doc: SessionDoc) =>
    doc.addEnvironmentProposal({
      id: 'p1',
      turnId: null,
      text: 'Ruby 3.4 with SQLite.',
      draft: EnvironmentInput.parse({ name: 'Rails app', image: 'ruby:3.4-bookworm', scope: 'personal' }),
      now: 1,
    });
  const card = () => page.getByRole('article', { name: 'Proposed Environment Rails app' });

  it('shows the Advisor’s proposed Environment to its owner with Review in Settings and Create', async () => {
    await openSession(sessionItem(account.user.id), propose);
    await expect.element(card().getByText('ruby:3.4-bookworm')).toBeVisible();
    await expect.element(card().getByRole('button', { name: 'Review in Settings' })).toBeVisible();
    await expect
      .element(card().getByRole('button', { name: 'Create the Environment Rails app' }))
      .toBeVisible();
  });

  it('shows the proposed Environment to a viewer without its buttons', async () => {
    await openSession(sessionItem('owner-1', { access: 'viewer', ownerName: 'Grace Hopper' }), propose);
    await expect
      .element(card().getByText('Only the session’s owner can create this Environment.'))
      .toBeVisible();
    expect(card().getByRole('button').elements()).toHaveLength(0);
  });

  it('lets a viewer read everything but not write, and says why', async () => {
    const session = sessionItem('owner-1', {
      ownerName: 'Grace Hopper',
      access: 'viewer',
      title: 'Shared work',
    });
    await openSession(session, (doc) => {
      doc.enqueue({
        id: 'm1',
        authorId: 'owner-1',
        createdAt: 1,
        text: 'Run the migration',
        attachments: [],
      });
      doc.beginTurn('t1', 2);
      doc.endTurn();
    });
    await expect.element(page.getByText('Run the migration')).toBeVisible();
    await expect.element(page.getByRole('article', { name: 'Message from Grace Hopper' })).toBeVisible();
    await expect
      .element(page.getByRole('note'))
      .toHaveTextContent(
        'You are viewing Grace Hopper’s session because they gave you viewer access. Only Grace Hopper can send messages in it.',
      );
    await expect.element(page.getByRole('textbox', { name: 'Message' })).not.toBeInTheDocument();
    await expect.element(page.getByRole('button', { name: 'Archive' })).not.toBeInTheDocument();
  });

  it('renders only what is on screen of a 2,000-message session, and opens at the newest message', async () => {
    const session = sessionItem(account.user.id);
    await openSession(session, (doc) => askAndAnswer(doc, 1000));
    await expect.element(page.getByText('answer 999', { exact: true })).toBeVisible();
    const rendered = document.querySelectorAll('.transcript-row').length;
    expect(rendered).toBeGreaterThan(0);
    expect(rendered).toBeLessThan(80);
  });

  it('picks up where the reader left off when the session is opened again', async () => {
    const session = sessionItem(account.user.id);
    const services = await createTestServices({ account, sessions: [session] });
    cleanup = () => services.stop();
    await storeSessionDoc(services, session.id, (doc) => askAndAnswer(doc, 300));
    const log = () => document.querySelector<HTMLElement>('.transcript')!;
    const topRow = () => {
      const box = log().getBoundingClientRect();
      return [...document.querySelectorAll('.transcript-row')]
        .map((r) => ({ text: r.textContent ?? '', top: r.getBoundingClientRect().top - box.top }))
        .filter((r) => r.top >= 0)
        .sort((a, b) => a.top - b.top)[0]?.text;
    };

    let screen = await renderWithServices(<SessionView sessionId={session.id} />, services);
    await expect.element(page.getByText('answer 299', { exact: true })).toBeVisible();
    log().dispatchEvent(new WheelEvent('wheel', { deltaY: -4000, bubbles: true }));
    log().scrollTop -= 4_000;
    await new Promise((r) => setTimeout(r, 300));
    const reading = topRow();
    expect(reading).toMatch(/question|answer/);
    await screen.unmount();

    screen = await renderWithServices(<SessionView sessionId={session.id} />, services);
    await expect.poll(topRow).toBe(reading);
    await expect.element(page.getByText('answer 299', { exact: true })).not.toBeInTheDocument();
    await screen.unmount();
  });

  it('keeps the draft of each session and marks the session as recently opened', async () => {
    const session = sessionItem(account.user.id);
    const services = await openSession(session, () => {});
    await userEvent.fill(page.getByRole('textbox', { name: 'Message' }), 'half-typed thought');
    await expect.poll(() => services.userDoc.draft(session.id)).toBe('half-typed thought');
    expect(services.userDoc.recent()[0]?.sessionId).toBe(session.id);
  });

  it("shows a build's progress while the session waits for its Environment, with a link to the build log", async () => {
    const session = sessionItem(account.user.id, { environmentId: 'env-building' });
    await openSession(session, (doc) =>
      doc.setEnvironment(
        'building',
        'Building the Environment “Rails”: running the setup script. Latest output: Installing rails 8.0.2',
        1,
      ),
    );
    await expect.element(page.getByRole('status', { name: /Environment: Building/ })).toBeVisible();
    await expect.element(page.getByText(/Latest output: Installing rails 8.0.2/)).toBeVisible();
    await expect
      .element(page.getByRole('link', { name: 'Follow the build log' }))
      .toHaveAttribute('href', '#/settings/environments/env-building');
  });
});
