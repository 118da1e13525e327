// Syntax highlighting of one diff line at a time, without HTML: highlight.js
// escapes the text and adds token spans, and that output is read back into
// React elements (a span per token, text as text), so nothing a file holds
// can become markup, whatever highlight.js or the file does.
import type { HLJSApi } from 'highlight.js';
import type { ReactNode } from 'react';

export type Token = string | { scope: string; children: Token[] };

/** Names whose language is not their extension. */
const BY_NAME: Record<string, string> = {
  makefile: 'makefile',
  gnumakefile: 'makefile',
  gemfile: 'ruby',
  rakefile: 'ruby',
  '.bashrc': 'bash',
  '.zshrc': 'bash',
  '.gitignore': 'bash',
};

/** The highlight.js language for a path, by its name or extension; null when it has none. */
export function languageOfPath(path: string, hljs: HLJSApi): string | null {
  const name = (path.split('/').pop() ?? '').toLowerCase();
  const known = BY_NAME[name];
  if (known && hljs.getLanguage(known)) return known;
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return null;
  const ext = name.slice(dot + 1);
  // highlight.js knows most extensions as aliases (ts, tsx, py, rb, yml, md, sh, …).
  return hljs.getLanguage(ext) ? ext : null;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#x27': "'", '#39': "'" };
const PIECE = /<span class="([\w -]*)">|<\/span>|&(amp|lt|gt|quot|#x27|#39);|[^<&]+|[<&]/g;

/** highlight.js's HTML for one line read back as tokens; anything that is not its own span is text. */
export function tokensOfHtml(html: string): Token[] {
  const root: Token[] = [];
  const stack: Token[][] = [root];
  for (const m of html.matchAll(PIECE)) {
    const top = stack.at(-1)!;
    if (m[1] !== undefined) {
      const span = { scope: m[1], children: [] as Token[] };
      top.push(span);
      stack.push(span.children);
    } else if (m[0] === '</span>') {
      if (stack.length > 1) stack.pop();
    } else {
      const text = m[2] !== undefined ? ENTITIES[m[2]]! : m[0];
      const last = top.at(-1);
      if (typeof last === 'string') top[top.length - 1] = last + text;
      else top.push(text);
    }
  }
  return root;
}

/** Longer lines (minified code, generated data) are shown plain: highlighting them would stall scrolling. */
const MAX_HIGHLIGHTED_CHARS = 2_000;

/** Highlighted tokens for one line, or the line as one text token. */
export function highlightLine(hljs: HLJSApi | null, language: string | null, text: string): Token[] {
  if (!hljs || !language || !text || text.length > MAX_HIGHLIGHTED_CHARS) return [text];
  try {
    return tokensOfHtml(hljs.highlight(text, { language, ignoreIllegals: true }).value);
  } catch {
    return [text];
  }
}

export function renderTokens(tokens: Token[]): ReactNode {
  return tokens.map((t, i) =>
    typeof t === 'string' ? (
      t
    ) : (
      <span key={i} className={t.scope}>
        {renderTokens(t.children)}
      </span>
    ),
  );
}
