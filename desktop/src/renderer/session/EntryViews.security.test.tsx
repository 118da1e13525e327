// A command prints markdown meant to escape its code block: a fence, a
// heading and an image on the attacker's server (here a loopback one that
// counts requests). The transcript must show it as text and fetch nothing;
// an image the agent names loads only when the reader opens it.
import { indentedCodeBlock, type AgentMessage, type ToolCall } from '@orrery/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';
import { render } from 'vitest-browser-react';
import '../styles.css';
import { loopbackRequests, startLoopbackServer, stopLoopbackServer } from '../testing/browser-commands.js';
import { AgentMessageView, ToolCallView } from './EntryViews.js';

let port: number;
beforeEach(async () => {
  port = await startLoopbackServer();
});
afterEach(() => stopLoopbackServer(port));

const attack = () => `\`\`\`\n# Heading\n![x](http://127.0.0.1:${port}/track.png)\n`;

/** The shell Expert's reply to a command that printed `output`, made as the runner makes it. */
function shellReply(output: string): string {
  let text = '';
  const block = indentedCodeBlock((t) => (text += t));
  block.push(output);
  block.end();
  return `${text}\nExit code 0.`;
}

function agentMessage(text: string): AgentMessage {
  return { kind: 'agent', id: 'a1', createdAt: 1, turnId: 't1', text, done: true };
}

/** Nothing rendered may fetch from the server: no images, and the server saw only our own probe. */
async function expectNothingFetched() {
  expect(document.querySelectorAll('img')).toHaveLength(0);
  await fetch(`http://127.0.0.1:${port}/probe`);
  expect(await loopbackRequests(port)).toEqual(['/probe']);
}

describe('command output in the transcript', () => {
  it('shows a shell reply that prints a fence, a heading and an image as plain text', async () => {
    await render(<AgentMessageView entry={agentMessage(shellReply(attack()))} agentName="Shell" />);
    const code = page.getByRole('article', { name: 'Agent message' }).getByRole('code');
    await expect.element(code).toHaveTextContent(`# Heading ![x](http://127.0.0.1:${port}/track.png)`);
    expect(document.querySelector('h1')).toBeNull();
    expect(document.querySelector('.markdown a')).toBeNull();
    await expect.element(page.getByText('Exit code 0.')).toBeVisible();
    await expectNothingFetched();
  });

  it('shows a tool call’s output as plain text', async () => {
    const entry: ToolCall = {
      kind: 'tool',
      id: 'c1',
      createdAt: 1,
      turnId: 't1',
      name: 'bash',
      input: JSON.stringify({ command: 'cat README.md' }),
      output: attack(),
      status: 'done',
      exitCode: 0,
      durationMs: 10,
    };
    await render(<ToolCallView entry={entry} collapsed={false} onToggle={() => {}} />);
    await expect.element(page.getByLabelText('Output')).toHaveTextContent('# Heading');
    expect(document.querySelector('h1')).toBeNull();
    await expectNothingFetched();
  });
});

describe('images in agent text', () => {
  it('are not fetched until the reader opens one', async () => {
    const text = `Here is the chart:\n\n![Build times](http://127.0.0.1:${port}/chart.png)`;
    await render(<AgentMessageView entry={agentMessage(text)} agentName="Agent" />);
    const link = page.getByRole('link', { name: `Build times (image from 127.0.0.1:${port})` });
    await expect.element(link).toHaveAttribute('href', `http://127.0.0.1:${port}/chart.png`);
    await expectNothingFetched();
    await link.click();
    await expect.poll(() => loopbackRequests(port)).toContain('/chart.png');
  });
});
