// The session's header: title, lock badge or "Shared", the Expert, the
// Environment's live status, and the actions menu (pin, archive, visibility).
import { MoreIcon } from '../common/icons.js';
import type { ChangesState, EnvironmentState, PullRequestEntry, SessionListItem } from '@orrery/shared';
import { describeError } from '../api/api-error.js';
import { useServices } from '../app/services-context.js';
import { Menu, useMenuAnchor, type MenuItem } from '../common/Menu.js';
import { LockBadge } from '../common/VisibilityBadge.js';
import { useSessionMenu } from '../sidebar/use-session-menu.js';
import { useUi } from '../state/store.js';
import { EnvironmentBadge } from './EnvironmentBadge.js';
import { displayName } from '../common/display-name.js';
import { settingsHref } from '../app/router.js';
import { PullRequestHeaderLink } from './ship/PullRequestViews.js';
import { ChangesToggle } from './changes/ChangesToggle.js';

export function SessionHeader({
  session,
  environment,
  running,
  pullRequest = null,
  changes,
}: {
  session: SessionListItem;
  environment: EnvironmentState;
  running: boolean;
  /** The newest pull request the session opened, linked beside its status. */
  pullRequest?: PullRequestEntry | null;
  /** The document's summary of the agent's changes, for the Changes button. */
  changes?: ChangesState;
}) {
  const { api, sessionList } = useServices();
  const showToast = useUi((s) => s.showToast);
  const setShareOpen = useUi((s) => s.setShareOpen);
  const menu = useMenuAnchor();
  const items: (MenuItem | 'separator')[] = [...useSessionMenu(session.id, session)];
  if (session.access === 'owner') {
    const next = session.visibility === 'private' ? 'shared' : 'private';
    items.push({
      label: next === 'private' ? 'Make private' : 'Share with organisation',
      onSelect: () =>
        void api.setVisibility(session.id, next).then(
          (res) => sessionList.upsert(res.session),
          (error: unknown) => showToast('error', describeError(error)),
        ),
    });
  }
  const title = displayName(session.title) || 'Untitled session';

  return (
    <header className="session-header">
      <div className="session-heading">
        <h1 title={title}>{title}</h1>
        <div className="session-meta">
          {session.visibility === 'private' ? (
            <span className="visibility private">
              <LockBadge visibility="private" /> Private
            </span>
          ) : (
            <span className="visibility shared">Shared</span>
          )}
          {session.archived && <span className="tag">Archived</span>}
          <span className="muted">{displayName(session.expertName)}</span>
          <EnvironmentBadge environment={environment} />
          {pullRequest && <PullRequestHeaderLink pr={pullRequest} />}
          {running && <span className="working">Working…</span>}
        </div>
        {environment.detail && <p className="env-detail">{displayName(environment.detail)}</p>}
        {environment.status === 'building' && session.environmentId && (
          <a className="env-build-link" href={settingsHref('environments', session.environmentId)}>
            Follow the build log
          </a>
        )}
      </div>
      <div className="session-actions">
        {changes && <ChangesToggle summary={changes} />}
        {session.access === 'owner' && (
          <button type="button" className="secondary small" onClick={() => setShareOpen(true)}>
            Share
          </button>
        )}
        {session.access === 'owner' && (
          <button
            type="button"
            className="secondary small"
            onClick={() =>
              void (session.archived ? api.unarchive(session.id) : api.archive(session.id)).then(
                (res) => sessionList.upsert(res.session),
                (error: unknown) => showToast('error', describeError(error)),
              )
            }
          >
            {session.archived ? 'Unarchive' : 'Archive'}
          </button>
        )}
        <button
          type="button"
          className="icon-button"
          aria-label="Session actions"
          aria-haspopup="menu"
          onClick={(e) => menu.openFromButton(e.currentTarget)}
        >
          <MoreIcon />
        </button>
      </div>
      {menu.at && (
        <Menu x={menu.at.x} y={menu.at.y} label="Session actions" items={items} onClose={menu.close} />
      )}
    </header>
  );
}
