// What a trigger received, newest first: when (relative, exact on hover), what
// came of it, and the session it started.
import type { TriggerEvent } from '@orrery/shared';
import { useCallback, useEffect, useState } from 'react';
import { describeError } from '../../api/api-error.js';
import { useServices } from '../../app/services-context.js';
import { relativeTime } from '../../common/time.js';

const OUTCOME = { started: 'Started', filtered: 'Filtered', error: 'Error' } as const;

export function EventLog({ triggerId, triggerName }: { triggerId: string; triggerName: string }) {
  const { api } = useServices();
  const [events, setEvents] = useState<TriggerEvent[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    setBusy(true);
    try {
      setEvents((await api.triggerEvents(triggerId)).events);
      setFailure(null);
    } catch (error) {
      setFailure(describeError(error));
    } finally {
      setBusy(false);
    }
  }, [api, triggerId]);
  useEffect(() => void load(), [load]);

  return (
    <section className="event-log" aria-label={`Events of ${triggerName}`}>
      <div className="event-log-head">
        <h4>Events</h4>
        <button type="button" className="secondary small" disabled={busy} onClick={() => void load()}>
          {busy ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      {failure && (
        <p className="field-error" role="alert">
          The events could not be read: {failure}
        </p>
      )}
      {events?.length === 0 && <p className="muted">Nothing has arrived yet.</p>}
      {events && events.length > 0 && (
        <ul className="event-list">
          {events.map((event) => (
            <li key={event.id} className={`event-row ${event.outcome}`}>
              <time
                dateTime={new Date(event.receivedAt).toISOString()}
                title={new Date(event.receivedAt).toLocaleString()}
              >
                {relativeTime(event.receivedAt)}
              </time>
              <span className={`event-outcome ${event.outcome}`}>{OUTCOME[event.outcome]}</span>
              <span className="event-detail">{event.detail}</span>
              {event.sessionId && <a href={`#/s/${event.sessionId}`}>Open session</a>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
