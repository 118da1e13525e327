// Who a message is from and when: relative times that keep up, exact on
// hover and focus, and a trigger's (or Slack's) messages labelled by their
// source rather than as the owner's own.
import type { AgentMessage, UserMessage } from '@orrery/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { exactTime } from '../common/RelativeTime.js';
import { createTestServices, renderWithServices } from '../testing/test-services.js';
import { AgentMessageView, UserMessageView } from './EntryViews.js';

const MIN = 60_000;

let stop: (() => Promise<void>) | null = null;
afterEach(async () => {
  vi.useRealTimers();
  await stop?.();
  stop = null;
});

function userMessage(extra: Partial<UserMessage> = {}): UserMessage {
  return {
    kind: 'user',
    id: 'u1',
    createdAt: Date.now() - 3 * MIN,
    turnId: 't1',
    authorId: 'me',
    text: 'Why did the deploy fail?',
    attachments: [],
    ...extra,
  };
}

async function show(ui: React.ReactNode) {
  const services = await createTestServices();
  stop = () => services.stop();
  await renderWithServices(ui, services);
}

describe('message times', () => {
  it('read "3 min ago", with the exact time on hover and in <time dateTime>', async () => {
    const entry = userMessage();
    await show(<UserMessageView entry={entry} sessionId="s" authorName="You" />);
    const time = page.getByText('3 min ago');
    await expect.element(time).toBeVisible();
    const el = time.element();
    expect(el.tagName).toBe('TIME');
    expect(el.getAttribute('dateTime')).toBe(new Date(entry.createdAt).toISOString());
    expect(el.getAttribute('title')).toBe(exactTime(entry.createdAt));
  });

  it('show the exact time on keyboard focus too', async () => {
    const entry: AgentMessage = {
      kind: 'agent',
      id: 'a1',
      createdAt: Date.now() - 2 * 3_600_000,
      turnId: 't1',
      text: 'The migration timed out.',
      done: true,
    };
    await show(<AgentMessageView entry={entry} agentName="Deploy helper" />);
    const time = page.getByText('2 h ago');
    await expect.element(time).toBeVisible();
    await userEvent.tab();
    await expect.element(time).toHaveFocus();
    const shown = getComputedStyle(time.element(), '::after').content;
    expect(shown).toBe(JSON.stringify(exactTime(entry.createdAt)));
  });

  it('keep up while on screen', async () => {
    // Only the clock and the ticker are faked; the test's own waiting stays real.
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    await show(<UserMessageView entry={userMessage()} sessionId="s" authorName="You" />);
    await expect.element(page.getByText('3 min ago')).toBeVisible();
    vi.advanceTimersByTime(2 * MIN);
    await expect.element(page.getByText('5 min ago')).toBeVisible();
  });
});

describe('who a message is from', () => {
  it('names the trigger that sent it, not "You"', async () => {
    const entry = userMessage({ source: { kind: 'trigger', name: 'Failed deploys' } });
    await show(<UserMessageView entry={entry} sessionId="s" authorName="You" />);
    const article = page.getByRole('article', { name: 'Message from Trigger: Failed deploys' });
    await expect.element(article).toBeVisible();
    await expect.element(article.getByText('Trigger: Failed deploys')).toBeVisible();
    expect(article.getByText('You', { exact: true }).elements()).toHaveLength(0);
  });

  it('says Slack for a message from Slack', async () => {
    const entry = userMessage({ source: { kind: 'slack', name: '#ops' } });
    await show(<UserMessageView entry={entry} sessionId="s" authorName="You" />);
    await expect.element(page.getByRole('article', { name: 'Message from Slack' })).toBeVisible();
  });

  it('is the person for what a person typed', async () => {
    await show(<UserMessageView entry={userMessage()} sessionId="s" authorName="You" />);
    await expect.element(page.getByRole('article', { name: 'Message from You' })).toBeVisible();
  });
});
