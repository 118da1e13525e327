import { SessionDoc } from '@orrery/shared';
import { useEffect, useState } from 'react';
import { describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { render } from 'vitest-browser-react';
import * as Y from 'yjs';
import { QueuedMessages } from './QueuedMessages.js';

/** The queue as SessionView feeds it: read again after every change to the document. */
function Harness({ sessionDoc }: { sessionDoc: SessionDoc }) {
  const [queue, setQueue] = useState(() => sessionDoc.queue());
  useEffect(() => {
    const update = () => setQueue(sessionDoc.queue());
    sessionDoc.doc.on('update', update);
    return () => sessionDoc.doc.off('update', update);
  }, [sessionDoc]);
  return <QueuedMessages queue={queue} sessionDoc={sessionDoc} turnRunning />;
}

function queued(text: string) {
  const sessionDoc = new SessionDoc(new Y.Doc()).init();
  sessionDoc.enqueue({ id: 'q1', authorId: 'u1', createdAt: 1, text, attachments: [] });
  return sessionDoc;
}

describe('QueuedMessages', () => {
  it('edits a queued message before the agent takes it', async () => {
    const sessionDoc = queued('list the files');
    await render(<Harness sessionDoc={sessionDoc} />);
    await userEvent.click(page.getByRole('button', { name: 'Edit queued message: list the files' }));
    await userEvent.fill(page.getByRole('textbox', { name: 'Edit queued message' }), 'list every file');
    await userEvent.keyboard('{Enter}');
    await expect.poll(() => sessionDoc.queue().map((q) => q.text)).toEqual(['list every file']);
    expect(page.getByRole('status').elements()).toHaveLength(0);
  });

  it('says "already sent" when the agent takes the message while it is being edited', async () => {
    const sessionDoc = queued('list the files');
    await render(<Harness sessionDoc={sessionDoc} />);
    await userEvent.click(page.getByRole('button', { name: 'Edit queued message: list the files' }));
    await userEvent.fill(page.getByRole('textbox', { name: 'Edit queued message' }), 'list every file');
    sessionDoc.beginTurn('t1', 2);
    await expect.element(page.getByRole('status')).toHaveTextContent(/Already sent/);
    expect(sessionDoc.transcript()).toEqual([expect.objectContaining({ id: 'q1', text: 'list the files' })]);
  });

  it('says "already sent" when a saved edit lost the race with the runner', async () => {
    const composer = queued('list the files');
    const runner = new SessionDoc(new Y.Doc());
    Y.applyUpdate(runner.doc, Y.encodeStateAsUpdate(composer.doc));
    await render(<Harness sessionDoc={composer} />);
    runner.beginTurn('t1', 2);
    await userEvent.click(page.getByRole('button', { name: 'Edit queued message: list the files' }));
    await userEvent.fill(page.getByRole('textbox', { name: 'Edit queued message' }), 'list every file');
    await userEvent.keyboard('{Enter}');
    // The runner's take arrives after the edit was saved here.
    Y.applyUpdate(composer.doc, Y.encodeStateAsUpdate(runner.doc, Y.encodeStateVector(composer.doc)));
    await expect.element(page.getByRole('status')).toHaveTextContent(/Already sent/);
    expect(composer.queue()).toEqual([]);
  });
});
