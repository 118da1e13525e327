// Renders one of each transcript entry, hidden, once while the app is idle:
// the first markdown parse and the first render of these components in a page
// cost far more than later ones (the JavaScript engine compiles them then), so
// that cost is paid before anyone opens a session.
import type { AgentMessage, Notice, ToolCall, UserMessage } from '@orrery/shared';
import { useEffect } from 'react';
import { AgentMessageView, NoticeView, ToolCallView, UserMessageView } from './EntryViews.js';

const SAMPLE =
  'A **short** answer with `code`, a [link](https://example.com) and a list:\n\n' +
  '- one\n- two\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\n```ts\nconst x = 1;\n```\n';

const user: UserMessage = {
  kind: 'user',
  id: 'u',
  createdAt: 0,
  turnId: null,
  authorId: '',
  text: 'hi',
  attachments: [],
};
const agent: AgentMessage = { kind: 'agent', id: 'a', createdAt: 0, turnId: null, text: SAMPLE, done: true };
const tool: ToolCall = {
  kind: 'tool',
  id: 't',
  createdAt: 0,
  turnId: null,
  name: 'run_command',
  input: '{"command":"true"}',
  output: 'ok',
  status: 'done',
  exitCode: 0,
  durationMs: 1,
};
const notice: Notice = { kind: 'notice', id: 'n', createdAt: 0, turnId: null, level: 'info', text: 'note' };

export function WarmUp({ onDone }: { onDone: () => void }) {
  useEffect(() => {
    performance.mark('orrery:warmed-up');
    onDone();
  }, [onDone]);
  return (
    <div hidden aria-hidden="true">
      <UserMessageView entry={user} sessionId="warm-up" authorName="" />
      <AgentMessageView entry={agent} agentName="" />
      <ToolCallView entry={tool} collapsed={false} onToggle={() => {}} />
      <NoticeView entry={notice} />
    </div>
  );
}
