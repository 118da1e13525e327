// Renders one of each transcript entry, hidden, once while the app is idle:
// the first markdown parse and the first render of these components in a page
// cost far more than later ones (the JavaScript engine compiles them then), so
// that cost is paid before anyone opens a session. The same goes for reading
// a session document: one is built, encoded and read back the way a stored
// copy is when a session opens.
import { SessionDoc, type AgentMessage, type Notice, type ToolCall, type UserMessage } from '@orrery/shared';
import { useEffect } from 'react';
import * as Y from 'yjs';
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

/** Enough turns for the engine to optimise the decoding paths a long session takes. */
const WARM_UP_TURNS = 60;

function readASessionDocument(): void {
  const source = new SessionDoc(new Y.Doc()).init();
  // One transaction: what is warmed up is reading the document, not writing it.
  source.doc.transact(() => {
    for (let i = 0; i < WARM_UP_TURNS; i += 1) {
      source.enqueue({ ...user, id: `u${i}`, text: `${user.text} ${i}` });
      source.beginTurn(`t${i}`, i);
      const call = source.startToolCall({
        id: `c${i}`,
        turnId: `t${i}`,
        name: tool.name,
        input: tool.input,
        now: i,
      });
      call.append(tool.output);
      call.finish({ status: 'done', exitCode: 0, durationMs: 1 });
      const answer = source.startAgentMessage(`a${i}`, `t${i}`, i);
      answer.append(SAMPLE);
      answer.finish();
      source.addNotice({ id: `n${i}`, turnId: `t${i}`, level: 'info', text: notice.text, now: i });
      source.endTurn();
    }
  });
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(source.doc));
  new SessionDoc(copy).transcript();
  source.doc.destroy();
  copy.destroy();
}

export function WarmUp({ onDone }: { onDone: () => void }) {
  useEffect(() => {
    const started = performance.now();
    readASessionDocument();
    performance.measure('orrery:warm-up-documents', { start: started });
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
