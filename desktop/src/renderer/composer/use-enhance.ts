// Enhance prompt with its own one-step undo: after the text is replaced by the
// enhanced prompt, ⌘Z / Ctrl+Z brings back the exact original (the text box's
// native undo does not survive a value set by script). What the enhancer says
// it added, or that it found nothing (the text then stays as it was), shows
// under the box.
import { useRef, useState } from 'react';
import { describeError } from '../api/api-error.js';

export type Enhancer = (text: string) => Promise<{ text: string; note?: string | undefined }>;

export function useEnhance(enhancer: Enhancer | undefined, setText: (text: string) => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const undo = useRef<{ original: string; enhanced: string } | null>(null);

  async function enhance(text: string) {
    if (!enhancer || busy || !text.trim()) return;
    setBusy(true);
    setError(null);
    setNote(null);
    try {
      const { text: enhanced, note } = await enhancer(text);
      setNote(note ?? null);
      if (enhanced === text) return;
      undo.current = { original: text, enhanced };
      setText(enhanced);
    } catch (e) {
      setError(`The prompt could not be enhanced: ${describeError(e)} Your text is unchanged.`);
    } finally {
      setBusy(false);
    }
  }

  /** Restores the original when the text is still the enhanced one; true when it did. */
  function restore(current: string): boolean {
    const entry = undo.current;
    if (!entry || entry.enhanced !== current) return false;
    undo.current = null;
    setText(entry.original);
    return true;
  }

  const clear = () => {
    setError(null);
    setNote(null);
  };
  return { available: !!enhancer, busy, error, note, clear, enhance, restore };
}
