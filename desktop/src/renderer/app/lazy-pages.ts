// The Sessions page and the session view (with the markdown renderer) are
// their own chunks: start-up parses less, and they are fetched when the app is
// idle, before anyone needs them, or at once when a link goes straight there.
import { lazy } from 'react';

const loadSessionView = () => import('../session/SessionView.js');
const loadSessionsPage = () => import('../sessions/SessionsPage.js');

export const SessionView = lazy(() => loadSessionView().then((m) => ({ default: m.SessionView })));
export const SessionsPage = lazy(() => loadSessionsPage().then((m) => ({ default: m.SessionsPage })));

/** Loads both pages' code now; resolves when it is here. */
export function loadPages(): Promise<unknown> {
  return Promise.all([loadSessionView(), loadSessionsPage()]);
}

export function preloadPagesWhenIdle(): void {
  const idle = (cb: () => void) =>
    'requestIdleCallback' in window ? requestIdleCallback(cb, { timeout: 2_000 }) : setTimeout(cb, 500);
  idle(() => {
    void loadSessionView().catch(() => {});
    void loadSessionsPage().catch(() => {});
  });
}
