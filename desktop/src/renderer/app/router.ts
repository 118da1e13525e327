// Hash routes, so deep links work the same from a web server and from the
// desktop app's local files: #/ (Home), #/sessions, #/secrets, #/s/<id>.
import { useSyncExternalStore } from 'react';

export type Route =
  { name: 'home' } | { name: 'sessions' } | { name: 'secrets' } | { name: 'session'; id: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  if (path === '/sessions') return { name: 'sessions' };
  if (path === '/secrets') return { name: 'secrets' };
  const m = /^\/s\/([A-Za-z0-9_-]{1,64})$/.exec(path);
  if (m) return { name: 'session', id: m[1]! };
  return { name: 'home' };
}

export function sessionIdOfHash(hash: string): string | null {
  const route = parseRoute(hash);
  return route.name === 'session' ? route.id : null;
}

export function hrefOf(route: Route): string {
  switch (route.name) {
    case 'home':
      return '#/';
    case 'sessions':
      return '#/sessions';
    case 'secrets':
      return '#/secrets';
    case 'session':
      return `#/s/${route.id}`;
  }
}

export function navigate(route: Route): void {
  const href = hrefOf(route);
  if (location.hash !== href) location.hash = href;
}

function subscribe(cb: () => void): () => void {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => location.hash);
  return parseRoute(hash);
}
