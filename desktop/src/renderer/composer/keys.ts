// Platform names of shortcuts: ⌘ on Apple devices, Ctrl elsewhere.

export const IS_MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** "⌘E" on a Mac, "Ctrl+E" elsewhere. */
export function modKey(key: string): string {
  return IS_MAC ? `⌘${key}` : `Ctrl+${key}`;
}

/** The platform's command modifier is held (either is accepted, for keyboards set up either way). */
export function isMod(e: { metaKey: boolean; ctrlKey: boolean; altKey: boolean }): boolean {
  return (e.metaKey || e.ctrlKey) && !e.altKey;
}
