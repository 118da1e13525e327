// A fenced code block: shown as plain text at once, then highlighted when the
// highlighter is ready, off the path of the first paint.
import { memo, useEffect, useState } from 'react';
import { highlightCode } from './highlight.js';

export const CodeBlock = memo(function CodeBlock({
  code,
  language,
}: {
  code: string;
  language: string | null;
}) {
  const [html, setHtml] = useState<string | null>(null);
  useEffect(() => {
    setHtml(null);
    if (!language) return;
    let cancelled = false;
    const idle = (cb: () => void) =>
      'requestIdleCallback' in window ? requestIdleCallback(cb, { timeout: 2_000 }) : setTimeout(cb, 50);
    idle(() => {
      highlightCode(code, language).then(
        (value) => !cancelled && setHtml(value),
        () => {},
      );
    });
    return () => {
      cancelled = true;
    };
  }, [code, language]);

  const className = `hljs${language ? ` language-${language}` : ''}`;
  return (
    <pre>
      {html === null ? (
        <code className={className}>{code}</code>
      ) : (
        // highlight.js escapes the code; its output is text plus token spans only.
        <code className={className} dangerouslySetInnerHTML={{ __html: html }} />
      )}
    </pre>
  );
});
