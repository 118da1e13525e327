// One session: the header (title, visibility, Environment status, actions),
// the conversation and the prompt box. People who may only read it see
// everything and are told why they cannot write.
import type { AttachmentRef, RepositoryChanges, SessionListItem } from '@orrery/shared';
import { useCallback, useEffect, useMemo } from 'react';
import { describeError, isOffline } from '../api/api-error.js';
import { useServices } from '../app/services-context.js';
import type { Uploader } from '../composer/attachments/use-attachments.js';
import { Composer, SHELL_ENHANCE_OFF, type SubmitResult } from '../composer/Composer.js';
import { useExperts } from '../home/use-experts.js';
import { QueuedMessages } from '../composer/QueuedMessages.js';
import { useSessionCommands } from '../composer/session-commands.js';
import { useDraft } from '../composer/use-draft.js';
import { ShareDialog } from '../share/ShareDialog.js';
import { useUi } from '../state/store.js';
import { useSessionDoc } from '../sync/use-session-doc.js';
import { SessionHeader } from './SessionHeader.js';
import { useShipState } from './ship/ship-context.js';
import { ShipProvider } from './ship/ShipProvider.js';
import { ShipActions } from './ship/ShipActions.js';
import { newestPullRequest } from './ship/PullRequestViews.js';
import { Transcript } from './Transcript.js';
import { REVOKED, useSessionRecord } from './use-session-record.js';
import { displayName } from '../common/display-name.js';
import { ChangesPanel } from './changes/ChangesPanel.js';
import { useChangesPrefs } from './changes/changes-prefs.js';
import { useChangesSummary } from './changes/use-changes-summary.js';

const FULL =
  'This session reached its storage limit, so changes made here are no longer saved. Start a new session to go on; this one stays readable.';

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
  const changes = useChangesSummary(view.sessionDoc);
  const [{ open: changesOpen }] = useChangesPrefs();
  const draft = useDraft(session.id);
  const showToast = useUi((s) => s.showToast);
  const shareOpen = useUi((s) => s.shareOpen);
  const setShareOpen = useUi((s) => s.setShareOpen);
  const isOwner = session.access === 'owner';
  const me = account.user.id;
  const commands = useSessionCommands({
    session,
    sessionDoc: view.sessionDoc,
    turn: view.turn,
    queue: view.queue,
    environment: view.environment,
  });
  const { checkpoints, changesRev } = useShipState(view.sessionDoc);
  const running = view.turn.state !== 'idle';
  const offline = view.state.connection === 'offline';
  const ship = useMemo(
    () => ({ session, sessionDoc: view.sessionDoc, checkpoints, changesRev, running, offline }),
    [session, view.sessionDoc, checkpoints, changesRev, running, offline],
  );
  const pullRequest = useMemo(() => newestPullRequest(view.transcript), [view.transcript]);
  // The dialog belongs to this session: leaving it closes the dialog.
  useEffect(() => () => setShareOpen(false), [setShareOpen]);

  const nameOf = useCallback(
    (authorId: string) =>
      authorId === me ? 'You' : authorId === session.ownerId ? displayName(session.ownerName) : 'Teammate',
    [me, session.ownerId, session.ownerName],
  );

  async function send(text: string, attachments: AttachmentRef[]): Promise<SubmitResult> {
    try {
      const res = await api.sendMessage(session.id, { text, attachments });
      draft.clear();
      if (!res.skipped.length) return true;
      return {
        notes: res.skipped.map((s) => (s.reason.includes(s.name) ? s.reason : `${s.name}: ${s.reason}`)),
      };
    } catch (error) {
      // Offline, a text message goes straight into the session's queue on this device; the
      // document syncs when the server is back, and the runner answers it then.
      if (isOffline(error) && !attachments.length && view.sessionDoc) {
        view.sessionDoc.enqueue({
          id: crypto.randomUUID(),
          authorId: me,
          createdAt: Date.now(),
          text,
          attachments: [],
        });
        draft.clear();
        return {
          notes: ['You are offline: your message is queued here and is sent when the server is back.'],
        };
      }
      showToast('error', `Not sent: ${describeError(error)} Your message is still in the box.`);
      return false;
    }
  }

  const enhance = (text: string) => api.enhance({ text, sessionId: session.id });
  const experts = useExperts();
  const shellExpert =
    experts.status === 'ready' &&
    experts.experts.some((e) => e.id === session.expertId && e.model.provider === 'shell');
  const upload: Uploader = (file, options) =>
    api.uploadAttachment(file, file.name, { sessionId: session.id, ...options });

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

  const body = (
    <div className={`session-view${changesOpen ? ' with-changes' : ''}`}>
      <SessionHeader
        session={session}
        environment={view.environment}
        running={running}
        pullRequest={pullRequest}
        changes={changes}
      />
      {/* Mounted once the local copy is read, so the list opens at the newest entry in one go. */}
      {view.sessionDoc || view.preview ? (
        <Transcript
          sessionId={session.id}
          entries={view.transcript}
          queue={isOwner ? [] : view.queue}
          isOwner={isOwner}
          nameOf={nameOf}
          agentName={displayName(session.expertName)}
          turnRunning={running}
          place={view.place}
          onPlace={view.notePlace}
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
        {view.state.connection === 'full' && (
          <p className="page-message" role="alert">
            {FULL}
          </p>
        )}
        {isOwner && <QueuedMessages queue={view.queue} sessionDoc={view.sessionDoc} turnRunning={running} />}
        {isOwner ? (
          <Composer
            key={session.id}
            initialText={draft.initial}
            onTextChange={draft.change}
            onSubmit={send}
            disabled={session.archived}
            disabledReason="This session is archived. Unarchive it to send messages."
            commands={commands}
            enhance={enhance}
            enhanceOff={shellExpert ? SHELL_ENHANCE_OFF : undefined}
            upload={upload}
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
            You are viewing {displayName(session.ownerName)}’s session{' '}
            {session.access === 'viewer'
              ? 'because they gave you viewer access'
              : 'because it is shared with your organisation'}
            . Only {displayName(session.ownerName)} can send messages in it.
          </p>
        )}
      </div>
      {changesOpen && (
        <ChangesPanel
          key={session.id}
          sessionId={session.id}
          summary={changes}
          environment={view.environment}
          online={view.state.connection === 'connected'}
          {...(isOwner
            ? {
                renderRepositoryActions: (repo: RepositoryChanges) => (
                  <ShipActions session={session} repo={repo} />
                ),
              }
            : {})}
        />
      )}
      {isOwner && shareOpen && <ShareDialog session={session} onClose={() => setShareOpen(false)} />}
    </div>
  );
  // The ship and undo controls, in the transcript and the Changes panel, read the session from here.
  return <ShipProvider value={ship}>{body}</ShipProvider>;
}
