// Sessions: every session this account may open, current and archived, with
// title search and filters. Virtualised: ten thousand rows scroll smoothly.
import { MoreIcon } from '../common/icons.js';
import type { SessionFilter, SessionListItem } from '@orrery/shared';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef } from 'react';
import { hrefOf } from '../app/router.js';
import { useServices } from '../app/services-context.js';
import { useMenuAnchor } from '../common/Menu.js';
import { relativeTime } from '../common/time.js';
import { LockBadge } from '../common/VisibilityBadge.js';
import { SessionMenu } from '../sidebar/SessionMenu.js';
import { useUi } from '../state/store.js';
import { useSessionList } from '../sync/use-session-list.js';
import { FILTER_LABELS, filterSessions } from './filter-sessions.js';
import { displayName } from '../common/display-name.js';

const ROW_HEIGHT = 60;

export function SessionsPage() {
  const { account } = useServices();
  const { sessions, loaded, reachability, error } = useSessionList();
  const query = useUi((s) => s.sessionsQuery);
  const filter = useUi((s) => s.sessionsFilter);
  const setQuery = useUi((s) => s.setSessionsQuery);
  const setFilter = useUi((s) => s.setSessionsFilter);
  const shown = useMemo(
    () => filterSessions(sessions, filter, query, account.user.id),
    [sessions, filter, query, account.user.id],
  );
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });

  return (
    <div className="sessions-page">
      <div className="sessions-head">
        <h1>Sessions</h1>
        <input
          type="search"
          className="search"
          placeholder="Search by title"
          aria-label="Search sessions by title"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <div className="filters" role="radiogroup" aria-label="Filter sessions">
          {(Object.keys(FILTER_LABELS) as SessionFilter[]).map((f) => (
            <button
              key={f}
              type="button"
              role="radio"
              aria-checked={filter === f}
              className={`chip${filter === f ? ' selected' : ''}`}
              onClick={() => setFilter(f)}
            >
              {FILTER_LABELS[f]}
            </button>
          ))}
        </div>
        <p className="muted count" aria-live="polite">
          {shown.length === 1 ? '1 session' : `${shown.length.toLocaleString()} sessions`}
          {reachability === 'offline' && ' · saved on this device'}
        </p>
        {error && <p className="error">{error}</p>}
      </div>
      <div ref={scrollRef} className="sessions-scroll" role="list" aria-label="Sessions">
        {loaded && !shown.length && (
          <p className="empty-hint">
            {query.trim() ? `No session title contains “${query.trim()}”.` : 'No sessions here yet.'}
          </p>
        )}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((row) => {
            const session = shown[row.index]!;
            return (
              <SessionsPageRow
                key={session.id}
                session={session}
                myId={account.user.id}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  height: ROW_HEIGHT,
                  transform: `translateY(${row.start}px)`,
                }}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}

function SessionsPageRow({
  session,
  myId,
  style,
}: {
  session: SessionListItem;
  myId: string;
  style: React.CSSProperties;
}) {
  const menu = useMenuAnchor();
  const title = displayName(session.title) || 'Untitled session';
  return (
    <div
      role="listitem"
      className="sessions-row"
      style={style}
      onContextMenu={(e) => {
        e.preventDefault();
        menu.openAt(e.clientX, e.clientY);
      }}
    >
      <a href={hrefOf({ name: 'session', id: session.id })}>
        <span className="sessions-row-title">
          <span className="session-title" title={title}>
            {title}
          </span>
          <LockBadge visibility={session.visibility} />
          {session.archived && <span className="tag">Archived</span>}
        </span>
        <span className="sessions-row-meta">
          {displayName(session.expertName)} ·{' '}
          {session.ownerId === myId ? 'You' : displayName(session.ownerName)} ·{' '}
          {relativeTime(session.updatedAt)}
        </span>
      </a>
      <button
        type="button"
        className="icon-button row-menu-button"
        aria-label={`More actions for ${title}`}
        aria-haspopup="menu"
        onClick={(e) => menu.openFromButton(e.currentTarget)}
      >
        <MoreIcon />
      </button>
      {menu.at && (
        <SessionMenu
          sessionId={session.id}
          session={session}
          at={menu.at}
          label={`Actions for ${title}`}
          onClose={menu.close}
        />
      )}
    </div>
  );
}
