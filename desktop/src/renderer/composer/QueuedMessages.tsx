// Messages waiting for the agent, above the prompt box: each can be edited or
// removed until the runner picks it up (written to the synced queue).
import type { QueuedMessage, SessionDoc } from '@orrery/shared';
import { useEffect, useRef, useState } from 'react';

const ALREADY_SENT =
  'Already sent: the agent took that message before your edit, so it got the text as it was.';

export function QueuedMessages({
  queue,
  sessionDoc,
  turnRunning,
}: {
  queue: QueuedMessage[];
  sessionDoc: SessionDoc | null;
  turnRunning: boolean;
}) {
  const [editing, setEditing] = useState<{ id: string; text: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // An edit saved here can still lose the race with the runner taking the message.
  const savedEdit = useRef<{ id: string; text: string } | null>(null);
  const editingTaken = editing !== null && !queue.some((q) => q.id === editing.id);
  useEffect(() => {
    if (!editingTaken) return;
    setEditing(null);
    setNotice(ALREADY_SENT);
  }, [editingTaken]);
  useEffect(() => {
    const edit = savedEdit.current;
    if (!edit || queue.some((q) => q.id === edit.id)) return;
    savedEdit.current = null;
    const sent = sessionDoc?.transcript().find((e) => e.kind === 'user' && e.id === edit.id);
    if (sent?.kind === 'user' && sent.text !== edit.text) setNotice(ALREADY_SENT);
  }, [queue, sessionDoc]);
  const save = () => {
    const text = editing?.text.trim();
    if (editing && text && sessionDoc) {
      if (sessionDoc.editQueued(editing.id, text)) savedEdit.current = { id: editing.id, text };
      else setNotice(ALREADY_SENT);
    }
    setEditing(null);
  };
  const status = notice && (
    <p className="queued-notice muted" role="status">
      {notice}{' '}
      <button type="button" className="secondary small" onClick={() => setNotice(null)}>
        Dismiss
      </button>
    </p>
  );
  if (!queue.length) return status || null;
  return (
    <section className="queued" aria-label="Queued messages">
      {status}
      <h2 className="queued-heading">
        Queued{' '}
        <span className="muted">
          {turnRunning ? '— sent when the current turn finishes' : '— waiting for the agent to pick it up'}
        </span>
      </h2>
      <ol>
        {queue.map((q) =>
          editing?.id === q.id ? (
            <li key={q.id} className="queued-item editing">
              <textarea
                aria-label="Edit queued message"
                value={editing.text}
                autoFocus
                rows={2}
                onChange={(e) => setEditing({ id: q.id, text: e.target.value })}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && !e.shiftKey) {
                    e.preventDefault();
                    save();
                  }
                  if (e.key === 'Escape') {
                    e.preventDefault();
                    setEditing(null);
                  }
                }}
              />
              <button type="button" className="small" onClick={save}>
                Save
              </button>
              <button type="button" className="secondary small" onClick={() => setEditing(null)}>
                Cancel
              </button>
            </li>
          ) : (
            <li key={q.id} className="queued-item" aria-label={`Queued: ${q.text}`}>
              <span className="queued-text">{q.text}</span>
              {q.attachments.length > 0 && (
                <span className="muted">
                  {' '}
                  · {q.attachments.length} attachment{q.attachments.length === 1 ? '' : 's'}
                </span>
              )}
              <button
                type="button"
                className="secondary small"
                aria-label={`Edit queued message: ${q.text}`}
                disabled={!sessionDoc}
                onClick={() => setEditing({ id: q.id, text: q.text })}
              >
                Edit
              </button>
              <button
                type="button"
                className="secondary small"
                aria-label={`Remove queued message: ${q.text}`}
                disabled={!sessionDoc}
                onClick={() => sessionDoc?.removeQueued(q.id)}
              >
                Remove
              </button>
            </li>
          ),
        )}
      </ol>
    </section>
  );
}
