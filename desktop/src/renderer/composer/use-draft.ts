// A composer's draft, kept in the synced user document so it follows the
// account to other devices and survives going offline. Writes are debounced.
import { useEffect, useMemo, useRef } from 'react';
import { useServices } from '../app/services-context.js';

export function useDraft(key: string, delayMs = 400) {
  const { userDoc } = useServices();
  // Read once per key: the composer owns the text while it is mounted.
  const initial = useMemo(() => userDoc.draft(key), [userDoc, key]);
  const pending = useRef<{ text: string; timer: ReturnType<typeof setTimeout> } | null>(null);

  useEffect(
    () => () => {
      // Leaving the page stores what was typed at once.
      if (pending.current) {
        clearTimeout(pending.current.timer);
        userDoc.setDraft(key, pending.current.text);
        pending.current = null;
      }
    },
    [userDoc, key],
  );

  return {
    initial,
    change: (text: string) => {
      if (pending.current) clearTimeout(pending.current.timer);
      const timer = setTimeout(() => {
        pending.current = null;
        userDoc.setDraft(key, text);
      }, delayMs);
      pending.current = { text, timer };
    },
    clear: () => {
      if (pending.current) clearTimeout(pending.current.timer);
      pending.current = null;
      userDoc.setDraft(key, '');
    },
  };
}
