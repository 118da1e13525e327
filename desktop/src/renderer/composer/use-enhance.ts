// Enhance prompt with its own one-step undo: after the text is replaced by the
// enhanced prompt, ⌘Z / Ctrl+Z brings back the exact original (the text box's
// native undo does not survive a value set by script).
import { useRef, useState } from 'react';
import { describeError } from '../api/api-error.js';

export type Enhancer = (text: string) => Promise<string>;

export function useEnhance(enhancer: Enhancer | undefined, setText: (text: string) => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const undo = useRef<{ original: string; enhanced: string } | null>(null);

  async function enhance(text: string) {
    if (!enhancer || busy || !text.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const enhanced = await enhancer(text);
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

  return { available: !!enhancer, busy, error, clearError: () => setError(null), enhance, restore };
}
