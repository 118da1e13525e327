// Hash routes, so deep links work the same from a web server and from the
// desktop app's local files: #/ (Home), #/sessions, #/s/<id>, and Settings at
// #/settings/<section>[/<item>]. The older #/secrets, #/experts and
// #/environments open their Settings sections.
import { useSyncExternalStore } from 'react';
import { isSectionId, type SettingsSectionId } from '../settings/sections.js';

export type Route =
  | { name: 'home' }
  | { name: 'sessions' }
  | { name: 'session'; id: string }
  | { name: 'settings'; section: SettingsSectionId; item: string | null };

const SEGMENT = '[A-Za-z0-9_-]{1,64}';

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  if (path === '/sessions') return { name: 'sessions' };
  const session = new RegExp(`^/s/(${SEGMENT})$`).exec(path);
  if (session) return { name: 'session', id: session[1]! };
  if (path === '/settings' || path === '/settings/') return settings('experts');
  const legacy = /^\/(secrets|experts|environments)$/.exec(path);
  if (legacy) return settings(legacy[1] as SettingsSectionId);
  const section = new RegExp(`^/settings/(${SEGMENT})(?:/(${SEGMENT}))?$`).exec(path);
  if (section && isSectionId(section[1]!)) return settings(section[1], section[2] ?? null);
  return { name: 'home' };
}

function settings(section: SettingsSectionId, item: string | null = null): Route {
  return { name: 'settings', section, item };
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
    case 'session':
      return `#/s/${route.id}`;
    case 'settings':
      return `#/settings/${route.section}${route.item ? `/${encodeURIComponent(route.item)}` : ''}`;
  }
}

/** A link into Settings: settingsHref('experts', 'new'). */
export function settingsHref(section: SettingsSectionId, item: string | null = null): string {
  return hrefOf({ name: 'settings', section, item });
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

/**
 * The token of an invitation link (#/invite/<token>), which a signed-out
 * person opens to accept it; null for any other page.
 */
export function inviteTokenOfHash(hash: string): string | null {
  const match = /^#?\/invite\/([A-Za-z0-9_-]{1,200})$/.exec(hash);
  return match ? match[1]! : null;
}
