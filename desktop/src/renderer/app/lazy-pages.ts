// The Sessions page and the session view (with the markdown renderer) are
// their own chunks: start-up parses less, and they are fetched when the app is
// idle, before anyone needs them, or at once when a link goes straight there.
// Once fetched, a page renders directly, without suspending (and without the
// delay React gives a fallback before it swaps content in).
import { createElement, lazy, type ComponentType } from 'react';

function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>) {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<ComponentType<P>> | null = null;
  const preload = () => {
    pending ??= load().then((component) => (loaded = component));
    return pending;
  };
  const Suspending = lazy(() => preload().then((component) => ({ default: component })));
  function Page(props: P) {
    return loaded ? createElement(loaded, props) : createElement(Suspending, props);
  }
  return { Page, preload };
}

const sessionView = lazyPage(() => import('../session/SessionView.js').then((m) => m.SessionView));
const sessionsPage = lazyPage(() => import('../sessions/SessionsPage.js').then((m) => m.SessionsPage));
// Visited rarely: fetched when a link goes there, not preloaded.
const settingsPage = lazyPage(() => import('../settings/SettingsPage.js').then((m) => m.SettingsPage));

export const SessionView = sessionView.Page;
export const SessionsPage = sessionsPage.Page;
export const SettingsPage = settingsPage.Page;

/** Loads both pages' code now; resolves when it is here. */
export function loadPages(): Promise<unknown> {
  return Promise.all([sessionView.preload(), sessionsPage.preload()]);
}

/** The hidden warm-up render of transcript entries (see session/WarmUp.tsx). */
export const loadWarmUp = () => import('../session/WarmUp.js').then((m) => m.WarmUp);

/** Fetches both pages when idle; resolves with the warm-up to render, or null when fetching failed. */
export function preloadPagesWhenIdle(): Promise<Awaited<ReturnType<typeof loadWarmUp>> | null> {
  const idle = (cb: () => void) =>
    'requestIdleCallback' in window ? requestIdleCallback(cb, { timeout: 2_000 }) : setTimeout(cb, 500);
  return new Promise((resolve) =>
    idle(
      () =>
        void loadPages()
          .then(loadWarmUp)
          .then(resolve, () => resolve(null)),
    ),
  );
}
