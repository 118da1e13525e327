// Agent text as markdown (GitHub flavour) with highlighted code blocks. Raw
// HTML in the text is not rendered, so an agent cannot inject markup.
import { memo } from 'react';
import ReactMarkdown, { type Components } from 'react-markdown';
import rehypeHighlight from 'rehype-highlight';
import remarkGfm from 'remark-gfm';

const remarkPlugins = [remarkGfm];
const rehypePlugins = [
  [rehypeHighlight, { detect: false, ignoreMissing: true }] as [typeof rehypeHighlight, object],
];
const components: Components = {
  // Links open outside the app, never replacing it.
  a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noreferrer noopener" />,
};

export const Markdown = memo(function Markdown({ text }: { text: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePlugins} components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
});
