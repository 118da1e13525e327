// How the Changes panel is shown, remembered on this device only
// (localStorage, as the theme is): whether it is open, unified or side by
// side, wrapped or not. Local-only UI state, never synced.
import { useCallback, useSyncExternalStore } from 'react';
import type { DiffLayout } from './diff-rows.js';

export interface ChangesPrefs {
  open: boolean;
  layout: DiffLayout;
  wrap: boolean;
  /** The panel takes most of the width (for reading diffs side by side). */
  wide: boolean;
}

const STORAGE_KEY = 'orrery.changes-panel';
const DEFAULTS: ChangesPrefs = { open: false, layout: 'unified', wrap: false, wide: false };
const listeners = new Set<() => void>();
let prefs: ChangesPrefs = read();

function read(): ChangesPrefs {
  try {
    const raw = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Partial<Record<string, unknown>>;
    return {
      open: raw.open === true,
      layout: raw.layout === 'split' ? 'split' : 'unified',
      wrap: raw.wrap === true,
      wide: raw.wide === true,
    };
  } catch {
    // Storage can be off or hold something else: the defaults apply.
    return DEFAULTS;
  }
}

export function setChangesPrefs(patch: Partial<ChangesPrefs>): void {
  prefs = { ...prefs, ...patch };
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(prefs));
  } catch {
    // Not remembered, but still applied while the app runs.
  }
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useChangesPrefs(): [ChangesPrefs, (patch: Partial<ChangesPrefs>) => void] {
  const value = useSyncExternalStore(subscribe, () => prefs);
  return [value, useCallback((patch: Partial<ChangesPrefs>) => setChangesPrefs(patch), [])];
}

/** Whether the screen is phone-sized (the width narrow.css switches at). */
const NARROW_QUERY = '(max-width: 768px)';
export function useNarrowScreen(): boolean {
  return useSyncExternalStore(
    (cb) => {
      const q = window.matchMedia(NARROW_QUERY);
      q.addEventListener('change', cb);
      return () => q.removeEventListener('change', cb);
    },
    () => window.matchMedia(NARROW_QUERY).matches,
  );
}

export const CHANGES_TOGGLE_ID = 'changes-toggle';
export const CHANGES_PANEL_ID = 'changes-panel';
let focusOnOpen = false;

/** Opened by the person: the panel takes the focus when it mounts. */
export function openChangesPanel(): void {
  focusOnOpen = true;
  setChangesPrefs({ open: true });
}

/** Whether the panel should take the focus now (once per opening). */
export function takePanelFocus(): boolean {
  const take = focusOnOpen;
  focusOnOpen = false;
  return take;
}

/** Closes the panel and gives the focus back to the button that opens it. */
export function closeChangesPanel(): void {
  setChangesPrefs({ open: false });
  requestAnimationFrame(() => document.getElementById(CHANGES_TOGGLE_ID)?.focus());
}
