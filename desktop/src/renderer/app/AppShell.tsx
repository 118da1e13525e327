// The signed-in layout: the sidebar (a drawer on narrow screens), the page for
// the current route, the offline banner and toasts.
import { Suspense, useCallback, useEffect, useState, type ComponentType } from 'react';
import { Home } from '../home/Home.js';
import { Sidebar } from '../sidebar/Sidebar.js';
import { useUi } from '../state/store.js';
import { useSessionList } from '../sync/use-session-list.js';
import { prefetchOnIntent } from '../sync/session-prefetch.js';
import { sessionIdOfHash, useRoute } from './router.js';
import { useServices } from './services-context.js';
import { ShortcutsSheet } from '../shortcuts/ShortcutsSheet.js';
import { Toasts } from './Toasts.js';
import { SessionDialogs } from '../session/SessionDialogs.js';
import { preloadHighlighterWhenIdle } from '../common/highlight.js';
import { PageErrorBoundary } from '../common/PageErrorBoundary.js';
import { SessionsPage, SessionView, SettingsPage, preloadPagesWhenIdle } from './lazy-pages.js';

export function AppShell() {
  const { sessionPrefetch, userDoc } = useServices();
  // Registered before the router's own listener, so reads start ahead of the render.
  useEffect(() => prefetchOnIntent(sessionPrefetch, sessionIdOfHash), [sessionPrefetch]);
  const route = useRoute();
  const drawerOpen = useUi((s) => s.drawerOpen);
  const setDrawerOpen = useUi((s) => s.setDrawerOpen);
  const { reachability } = useSessionList();

  const [WarmUp, setWarmUp] = useState<ComponentType<{ onDone: () => void }> | null>(null);
  const warmedUp = useCallback(() => {
    setWarmUp(null);
    // Then the sessions a person is likely to open next, so they open with their newest entries at once.
    const recent = userDoc.recent().map((r) => r.sessionId);
    const pinned = userDoc.pins().map((p) => p.sessionId);
    void sessionPrefetch.holdTails([...new Set([...recent, ...pinned])]);
  }, [sessionPrefetch, userDoc]);

  useEffect(() => {
    // For the start-up benchmark: the first frame with the sidebar and the cached list.
    requestAnimationFrame(() => performance.mark('orrery:sidebar-ready'));
    let cancelled = false;
    void preloadPagesWhenIdle().then((component) => !cancelled && component && setWarmUp(() => component));
    preloadHighlighterWhenIdle();
    return () => {
      cancelled = true;
    };
  }, []);

  // Escape closes the drawer, as it does menus.
  useEffect(() => {
    if (!drawerOpen) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setDrawerOpen(false);
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [drawerOpen, setDrawerOpen]);

  // Following a link closes the drawer on phones.
  const routeKey =
    route.name === 'session'
      ? `s/${route.id}`
      : route.name === 'settings'
        ? `settings/${route.section}`
        : route.name;
  useEffect(() => setDrawerOpen(false), [routeKey, setDrawerOpen]);

  return (
    <div className={`shell${drawerOpen ? ' drawer-open' : ''}`}>
      <Sidebar />
      {drawerOpen && <div className="scrim" onClick={() => setDrawerOpen(false)} aria-hidden="true" />}
      <div className="main-column">
        <header className="topbar">
          <button
            type="button"
            className="icon-button menu-button"
            aria-label="Open sidebar"
            onClick={() => setDrawerOpen(true)}
          >
            ☰
          </button>
          <span className="topbar-title">Orrery</span>
        </header>
        {reachability === 'offline' && (
          <div className="offline-banner" role="status">
            Offline — showing what is saved on this device. Pins, folders and drafts you change now sync when
            the server is back.
          </div>
        )}
        <main className="page">
          <PageErrorBoundary resetKey={routeKey}>
            <Suspense fallback={<div className="page-loading" aria-busy="true" />}>
              {route.name === 'home' && <Home />}
              {route.name === 'sessions' && <SessionsPage />}
              {route.name === 'settings' && <SettingsPage section={route.section} item={route.item} />}
              {route.name === 'session' && <SessionView key={route.id} sessionId={route.id} />}
            </Suspense>
          </PageErrorBoundary>
        </main>
      </div>
      <Toasts />
      <SessionDialogs />
      {/* On every page: ? and ⌘/ open it, / outside a text field goes to the prompt box. */}
      <ShortcutsSheet />
      {WarmUp && <WarmUp onDone={warmedUp} />}
    </div>
  );
}
