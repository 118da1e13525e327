// The left sidebar: New Session and Sessions, Recent Sessions (most recently
// opened), then Pinned with its folders, and at the bottom Settings and the account.
import { useState } from 'react';
import { hrefOf, settingsHref, useRoute } from '../app/router.js';
import { useServices } from '../app/services-context.js';
import { useUi } from '../state/store.js';
import { useRecent } from '../sync/use-user-doc.js';
import { GearIcon, ListIcon, PlusIcon } from '../common/icons.js';
import { PinnedSection } from './PinnedSection.js';
import { SessionRow } from './SessionRow.js';
import { displayName } from '../common/display-name.js';

const RECENT_SHOWN = 5;
const RECENT_MORE = 20;

export function Sidebar() {
  const { account, signOut } = useServices();
  const route = useRoute();
  const recent = useRecent();
  const [showMore, setShowMore] = useState(false);
  const drawerOpen = useUi((s) => s.drawerOpen);
  const setDrawerOpen = useUi((s) => s.setDrawerOpen);
  const shown = recent.slice(0, showMore ? RECENT_MORE : RECENT_SHOWN);

  return (
    <aside className="sidebar" aria-label="Sidebar" data-open={drawerOpen}>
      <div className="sidebar-top">
        <a className="brand-link" href={hrefOf({ name: 'home' })}>
          <span className="brand" aria-hidden="true">
            ◎
          </span>
          Orrery
        </a>
        <button
          type="button"
          className="icon-button close-drawer"
          aria-label="Close sidebar"
          onClick={() => setDrawerOpen(false)}
        >
          ×
        </button>
      </div>
      <nav className="sidebar-nav" aria-label="Main">
        <a className={`nav-item${route.name === 'home' ? ' active' : ''}`} href={hrefOf({ name: 'home' })}>
          <PlusIcon /> New Session
        </a>
        <a
          className={`nav-item${route.name === 'sessions' ? ' active' : ''}`}
          href={hrefOf({ name: 'sessions' })}
        >
          <ListIcon /> Sessions
        </a>
      </nav>
      <div className="sidebar-scroll">
        {recent.length > 0 && (
          <section className="sidebar-section" aria-labelledby="recent-heading">
            <div className="section-header">
              <h2 id="recent-heading">Recent Sessions</h2>
            </div>
            <ul className="session-list" aria-label="Recent Sessions">
              {shown.map((r) => (
                <SessionRow key={r.sessionId} sessionId={r.sessionId} />
              ))}
            </ul>
            {recent.length > RECENT_SHOWN && (
              <button type="button" className="link-button" onClick={() => setShowMore(!showMore)}>
                {showMore ? 'Show fewer' : 'Show more'}
              </button>
            )}
          </section>
        )}
        <PinnedSection />
      </div>
      <nav className="sidebar-nav sidebar-settings" aria-label="Account settings">
        <a
          className={`nav-item${route.name === 'settings' ? ' active' : ''}`}
          href={settingsHref('experts')}
          aria-keyshortcuts="Control+Comma Meta+Comma"
        >
          <GearIcon /> Settings
        </a>
      </nav>
      <div className="sidebar-account">
        <div className="account-names">
          <span className="account-name">{displayName(account.user.name)}</span>
          <span className="account-email">{account.user.email}</span>
        </div>
        <button type="button" className="secondary small" onClick={() => void signOut()}>
          Sign out
        </button>
      </div>
    </aside>
  );
}
