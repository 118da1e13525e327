// Agent text as markdown (GitHub flavour) with highlighted code blocks. Raw
// HTML in the text is not rendered, so an agent cannot inject markup, and
// images are links: the app fetches nothing a transcript names until the
// reader chooses to open it.
import { memo, type ReactElement, type ReactNode } from 'react';
import ReactMarkdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { CodeBlock } from './CodeBlock.js';
import { displayName } from './display-name.js';

const remarkPlugins = [remarkGfm];

function textOf(node: ReactNode): string {
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (Array.isArray(node)) return node.map(textOf).join('');
  return '';
}

function hostOf(src: string): string | null {
  try {
    return new URL(src).host || null;
  } catch {
    return null;
  }
}

const components: Components = {
  // Links open outside the app, never replacing it.
  a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noreferrer noopener" />,
  // An image would be fetched as soon as it shows (telling its server who read the text, and when).
  img: ({ src, alt }) => {
    const url = typeof src === 'string' ? src : '';
    const host = hostOf(url);
    const label = alt?.trim() ? displayName(alt.trim()) : 'Image';
    if (!host) return <span className="markdown-image">[{label}]</span>;
    return (
      <a
        className="markdown-image"
        href={url}
        target="_blank"
        rel="noreferrer noopener"
        title={`Open the image at ${displayName(url)}`}
      >
        {label} (image from {displayName(host)})
      </a>
    );
  },
  // Fenced blocks arrive as <pre><code class="language-x">; highlight them ourselves, lazily.
  pre: ({ children }) => {
    const code = (Array.isArray(children) ? children[0] : children) as ReactElement<{
      className?: string;
      children?: ReactNode;
    }> | null;
    const className = code?.props.className ?? '';
    const language = /language-([\w+#-]+)/.exec(className)?.[1]?.toLowerCase() ?? null;
    return <CodeBlock code={textOf(code?.props.children).replace(/\n$/, '')} language={language} />;
  },
};

export const Markdown = memo(function Markdown({ text }: { text: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown remarkPlugins={remarkPlugins} components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
});
