// Code highlighting, loaded on demand: the highlighter and its grammars are a
// separate chunk fetched when the app is idle (or the first code block needs
// it), so neither start-up nor opening a session waits for it.
import type { HLJSApi } from 'highlight.js';

type Highlighter = HLJSApi;

let loading: Promise<Highlighter> | null = null;

export function loadHighlighter(): Promise<Highlighter> {
  loading ??= import('highlight.js/lib/common').then((m) => m.default);
  return loading;
}

/** Escaped HTML with token spans, or null for a language the highlighter does not know. */
export async function highlightCode(code: string, language: string): Promise<string | null> {
  const hljs = await loadHighlighter();
  if (!hljs.getLanguage(language)) return null;
  return hljs.highlight(code, { language, ignoreIllegals: true }).value;
}

/** Fetches the highlighter once the page is idle, ahead of the first code block. */
export function preloadHighlighterWhenIdle(): void {
  const idle = (cb: () => void) =>
    'requestIdleCallback' in window ? requestIdleCallback(cb, { timeout: 3_000 }) : setTimeout(cb, 1_000);
  idle(() => void loadHighlighter().catch(() => {}));
}
