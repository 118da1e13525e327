// The app's colour theme: the person's choice (system, light or dark), kept
// on this device only (localStorage, which both the browser and the desktop
// shell's renderer keep per device), and applied to the whole document as
// <html data-theme="light|dark">, which base.css reads. "System" follows the
// operating system's prefers-color-scheme, also when it changes while open.
import { useSyncExternalStore } from 'react';

export const THEME_CHOICES = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];
export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'orrery.theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

const listeners = new Set<() => void>();
let choice: ThemeChoice = readChoice();
let systemWatch: MediaQueryList | null = null;

function readChoice(): ThemeChoice {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return (THEME_CHOICES as readonly string[]).includes(stored ?? '') ? (stored as ThemeChoice) : 'system';
  } catch {
    // Storage can be off (private windows, policies): the system's theme still applies.
    return 'system';
  }
}

function systemTheme(): Theme {
  return window.matchMedia(DARK_QUERY).matches ? 'dark' : 'light';
}

export function resolvedTheme(of: ThemeChoice = choice): Theme {
  return of === 'system' ? systemTheme() : of;
}

function apply(): void {
  const root = document.documentElement;
  root.dataset.theme = resolvedTheme();
  root.dataset.themeChoice = choice;
  for (const listener of listeners) listener();
}

/** Applies the stored choice and follows the system's; call once before the first render. */
export function startTheme(): void {
  choice = readChoice();
  if (!systemWatch) {
    systemWatch = window.matchMedia(DARK_QUERY);
    systemWatch.addEventListener('change', () => choice === 'system' && apply());
  }
  apply();
}

export function themeChoice(): ThemeChoice {
  return choice;
}

/** Applies a choice at once and remembers it on this device. */
export function setThemeChoice(next: ThemeChoice): void {
  choice = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Not remembered, but applied for as long as the app stays open.
  }
  apply();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The current choice, re-rendering when it (or, for "system", the system's theme) changes. */
export function useThemeChoice(): { choice: ThemeChoice; theme: Theme } {
  const current = useSyncExternalStore(subscribe, () => choice);
  const theme = useSyncExternalStore(subscribe, () => document.documentElement.dataset.theme as Theme);
  return { choice: current, theme };
}
