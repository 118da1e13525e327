// One file's diff, virtualised: only the rows on screen are in the page, so
// a diff of 20,000 lines opens at once. Lines are highlighted as they come
// into view (the highlighter loads on demand), as React text, never HTML.
import type { HLJSApi } from 'highlight.js';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useMemo, useRef, useState, type CSSProperties, type ReactNode } from 'react';
import { loadHighlighter } from '../../common/highlight.js';
import type { DiffLine, ParsedFileDiff } from './diff-parse.js';
import { splitRows, unifiedRows, widestLine, type DiffLayout, type DiffRow } from './diff-rows.js';
import { highlightLine, languageOfPath, renderTokens, type Token } from './highlight-line.js';

/** One line's height when lines do not wrap (styles/changes.css keeps rows at it). */
const ROW_HEIGHT = 20;

export interface DiffViewProps {
  /** The file's path now, which picks the highlighting language. */
  path: string;
  diff: ParsedFileDiff;
  layout: DiffLayout;
  wrap: boolean;
}

function useHighlighter(): HLJSApi | null {
  const [hljs, setHljs] = useState<HLJSApi | null>(null);
  useEffect(() => {
    let cancelled = false;
    loadHighlighter().then(
      (h) => !cancelled && setHljs(h),
      () => {},
    );
    return () => {
      cancelled = true;
    };
  }, []);
  return hljs;
}

export function DiffView({ path, diff, layout, wrap: wrapAsked }: DiffViewProps) {
  // Side by side, each half is half as wide: its lines always wrap, so both halves stay in view.
  const wrap = wrapAsked || layout === 'split';
  const scrollRef = useRef<HTMLDivElement | null>(null);
  const hljs = useHighlighter();
  const language = hljs ? languageOfPath(path, hljs) : null;
  const rows: DiffRow[] = useMemo(
    () => (layout === 'split' ? splitRows(diff) : unifiedRows(diff)),
    [diff, layout],
  );
  // Each distinct line text is highlighted once for this file.
  const tokensOf = useMemo(() => {
    const cache = new Map<string, Token[]>();
    return (text: string) => {
      let tokens = cache.get(text);
      if (!tokens) {
        tokens = highlightLine(hljs, language, text);
        cache.set(text, tokens);
      }
      return tokens;
    };
  }, [hljs, language]);
  const lastNumber = useMemo(() => {
    const last = diff.hunks.at(-1);
    return last ? Math.max(last.oldStart + last.oldLines, last.newStart + last.newLines) : 1;
  }, [diff]);
  const widest = useMemo(() => widestLine(diff), [diff]);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 30,
  });
  // Wrapped rows have their own heights; measured anew when wrapping is switched.
  useEffect(() => virtualizer.measure(), [wrap, layout, virtualizer]);

  const style = {
    '--ln-width': `${String(lastNumber).length + 1}ch`,
    '--code-width': `${widest + 2}ch`,
  } as CSSProperties;

  return (
    <div
      ref={scrollRef}
      className={`diff-scroll ${wrap ? 'wrap' : 'nowrap'} layout-${layout}`}
      style={style}
      tabIndex={0}
      role="region"
      aria-label={`Diff of ${path}`}
    >
      <div className="diff-inner" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index]!;
          return (
            <div
              key={item.key}
              data-index={item.index}
              ref={wrap ? virtualizer.measureElement : undefined}
              className="diff-row-box"
              style={{ transform: `translateY(${item.start}px)` }}
            >
              <Row row={row} tokensOf={tokensOf} mixedLineEnds={diff.mixedLineEnds} />
            </div>
          );
        })}
      </div>
    </div>
  );
}

const SIGN = { add: '+', del: '−', context: ' ' } as const;
const SPOKEN = { add: 'Added', del: 'Removed', context: '' } as const;

const Row = memo(function Row({
  row,
  tokensOf,
  mixedLineEnds,
}: {
  row: DiffRow;
  tokensOf: (text: string) => Token[];
  mixedLineEnds: boolean;
}) {
  if (row.kind === 'hunk') {
    return (
      <div className="diff-row diff-hunk">
        <span className="diff-hunk-text">{row.hunk.header}</span>
      </div>
    );
  }
  if (row.kind === 'line') {
    const { line } = row;
    return (
      <div className={`diff-row unified diff-${line.kind}`}>
        <span className="diff-ln" aria-hidden="true">
          {line.oldNo ?? ''}
        </span>
        <span className="diff-ln" aria-hidden="true">
          {line.newNo ?? ''}
        </span>
        <Code line={line} tokensOf={tokensOf} mixedLineEnds={mixedLineEnds} />
      </div>
    );
  }
  return (
    <div className="diff-row split">
      <Half line={row.left} side="old" tokensOf={tokensOf} mixedLineEnds={mixedLineEnds} />
      <Half line={row.right} side="new" tokensOf={tokensOf} mixedLineEnds={mixedLineEnds} />
    </div>
  );
});

function Half({
  line,
  side,
  tokensOf,
  mixedLineEnds,
}: {
  line: DiffLine | null;
  side: 'old' | 'new';
  tokensOf: (text: string) => Token[];
  mixedLineEnds: boolean;
}) {
  if (!line) return <div className="diff-half diff-empty" />;
  return (
    <div className={`diff-half diff-${line.kind}`}>
      <span className="diff-ln" aria-hidden="true">
        {(side === 'old' ? line.oldNo : line.newNo) ?? ''}
      </span>
      <Code line={line} tokensOf={tokensOf} mixedLineEnds={mixedLineEnds} />
    </div>
  );
}

function Code({
  line,
  tokensOf,
  mixedLineEnds,
}: {
  line: DiffLine;
  tokensOf: (text: string) => Token[];
  mixedLineEnds: boolean;
}) {
  const notes: ReactNode[] = [];
  if (mixedLineEnds && line.cr)
    notes.push(
      <span key="cr" className="diff-note">
        CRLF
      </span>,
    );
  if (line.noNewline)
    notes.push(
      <span key="eof" className="diff-note">
        No newline at end of file
      </span>,
    );
  return (
    <>
      <span className="diff-sign" aria-hidden="true">
        {SIGN[line.kind]}
      </span>
      <span className="diff-code">
        {SPOKEN[line.kind] && <span className="visually-hidden">{SPOKEN[line.kind]}: </span>}
        {renderTokens(tokensOf(line.text))}
        {notes}
      </span>
    </>
  );
}
