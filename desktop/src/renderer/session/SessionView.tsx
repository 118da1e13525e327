// One session: the header (title, visibility, Environment status, actions),
// the conversation and the prompt box. People who may only read it see
// everything and are told why they cannot write.
import type { SessionListItem } from '@orrery/shared';
import { useCallback, useEffect } from 'react';
import { describeError } from '../api/api-error.js';
import { useServices } from '../app/services-context.js';
import { Composer } from '../composer/Composer.js';
import { useDraft } from '../composer/use-draft.js';
import { useUi } from '../state/store.js';
import { useSessionDoc } from '../sync/use-session-doc.js';
import { SessionHeader } from './SessionHeader.js';
import { Transcript } from './Transcript.js';
import { REVOKED, useSessionRecord } from './use-session-record.js';

export function SessionView({ sessionId }: { sessionId: string }) {
  const { userDoc } = useServices();
  const record = useSessionRecord(sessionId);

  // Opening a session makes it the most recent one.
  useEffect(() => {
    if (record.status === 'ready') userDoc.markOpened(sessionId, Date.now());
  }, [userDoc, sessionId, record.status]);

  if (record.status === 'loading') return <div className="session-view loading" aria-busy="true" />;
  if (record.status === 'missing') {
    return (
      <div className="session-view">
        <div className="page-message" role="alert">
          {record.message}
        </div>
      </div>
    );
  }
  return <OpenSession session={record.session} />;
}

function OpenSession({ session }: { session: SessionListItem }) {
  const { api, account } = useServices();
  const view = useSessionDoc(session.id);
  const draft = useDraft(session.id);
  const showToast = useUi((s) => s.showToast);
  const isOwner = session.access === 'owner';
  const me = account.user.id;

  const nameOf = useCallback(
    (authorId: string) =>
      authorId === me ? 'You' : authorId === session.ownerId ? session.ownerName : 'Teammate',
    [me, session.ownerId, session.ownerName],
  );

  async function send(text: string): Promise<boolean> {
    try {
      await api.sendMessage(session.id, { text, attachments: [] });
      draft.clear();
      return true;
    } catch (error) {
      showToast('error', `Not sent: ${describeError(error)} Your message is still in the box.`);
      return false;
    }
  }

  if (view.state.connection === 'revoked') {
    return (
      <div className="session-view">
        <div className="page-message" role="alert">
          {REVOKED}
        </div>
      </div>
    );
  }

  const waiting = view.state.loaded && !view.state.hadLocalCopy && !view.state.synced;
  const running = view.turn.state !== 'idle';

  return (
    <div className="session-view">
      <SessionHeader session={session} environment={view.environment} running={running} />
      {/* Mounted once the local copy is read, so the list opens at the newest entry in one go. */}
      {view.sessionDoc || view.preview ? (
        <Transcript
          sessionId={session.id}
          entries={view.transcript}
          queue={view.queue}
          nameOf={nameOf}
          agentName={session.expertName}
          turnRunning={running}
          emptyText={
            waiting
              ? view.state.connection === 'offline'
                ? 'This session is not saved on this device yet; it appears once the server is reachable.'
                : 'Loading the conversation…'
              : 'No messages yet.'
          }
        />
      ) : (
        <div className="transcript" aria-busy="true" />
      )}
      <div className="composer-dock">
        {isOwner ? (
          <Composer
            key={session.id}
            initialText={draft.initial}
            onTextChange={draft.change}
            onSubmit={send}
            disabled={session.archived}
            disabledReason="This session is archived. Unarchive it to send messages."
            actions={
              running && view.sessionDoc ? (
                <button
                  type="button"
                  className="secondary small"
                  disabled={view.turn.stopRequested}
                  onClick={() => view.sessionDoc?.requestStop()}
                >
                  {view.turn.stopRequested ? 'Stopping…' : 'Stop'}
                </button>
              ) : null
            }
          />
        ) : (
          <p className="read-only-note" role="note">
            You are viewing {session.ownerName}’s session{' '}
            {session.access === 'viewer'
              ? 'because they gave you viewer access'
              : 'because it is shared with your organisation'}
            . Only {session.ownerName} can send messages in it.
          </p>
        )}
      </div>
    </div>
  );
}
