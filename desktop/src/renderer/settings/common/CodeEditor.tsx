// A plain-text code editor: a monospace textarea with line numbers beside it.
// Tab indents (two spaces) and Shift+Tab takes them back, as in any editor;
// so the keyboard is never trapped, Escape hands the next Tab back to the page
// (said in the hint the field reads out).
import { forwardRef, useRef, useState, type KeyboardEvent, type TextareaHTMLAttributes } from 'react';

const INDENT = '  ';

export interface CodeEditorProps extends Omit<
  TextareaHTMLAttributes<HTMLTextAreaElement>,
  'value' | 'onChange'
> {
  value: string;
  onChange: (value: string) => void;
  /** How many lines tall before it scrolls. */
  rows?: number;
}

export const CodeEditor = forwardRef<HTMLTextAreaElement, CodeEditorProps>(function CodeEditor(
  { value, onChange, rows = 12, className, readOnly, ...rest },
  outer,
) {
  const gutter = useRef<HTMLDivElement>(null);
  const [tabLeaves, setTabLeaves] = useState(false);
  const lines = value.split('\n').length;

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Escape') {
      setTabLeaves(true);
      return;
    }
    if (e.key !== 'Tab' || readOnly || tabLeaves || e.altKey || e.ctrlKey || e.metaKey) {
      if (e.key !== 'Shift') setTabLeaves(false);
      return;
    }
    e.preventDefault();
    const box = e.currentTarget;
    if (e.shiftKey) outdent(box);
    else box.setRangeText(INDENT, box.selectionStart, box.selectionEnd, 'end');
    onChange(box.value);
  };

  return (
    <div className={`code-editor${readOnly ? ' read-only' : ''}`}>
      <div className="code-editor-gutter" ref={gutter} aria-hidden="true">
        {Array.from({ length: lines }, (_, i) => (
          <div key={i}>{i + 1}</div>
        ))}
      </div>
      <textarea
        {...rest}
        ref={outer}
        className={`code-editor-text${className ? ` ${className}` : ''}`}
        value={value}
        rows={rows}
        readOnly={readOnly}
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        wrap="off"
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={onKeyDown}
        onBlur={(e) => {
          setTabLeaves(false);
          rest.onBlur?.(e);
        }}
        onScroll={(e) => {
          if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
        }}
      />
    </div>
  );
});

/** Takes up to one indent off the start of each line the selection touches. */
function outdent(box: HTMLTextAreaElement): void {
  const { value, selectionStart, selectionEnd } = box;
  const from = value.lastIndexOf('\n', selectionStart - 1) + 1;
  const block = value.slice(from, selectionEnd);
  let removedFirst = 0;
  let removed = 0;
  const changed = block
    .split('\n')
    .map((line, i) => {
      const cut = line.startsWith(INDENT) ? INDENT.length : line.startsWith(' ') ? 1 : 0;
      if (i === 0) removedFirst = cut;
      removed += cut;
      return line.slice(cut);
    })
    .join('\n');
  if (!removed) return;
  box.setRangeText(changed, from, selectionEnd, 'preserve');
  const start = Math.max(from, selectionStart - removedFirst);
  box.setSelectionRange(start, Math.max(start, selectionEnd - removed));
}

/** The hint to give the field that holds a CodeEditor. */
export const CODE_EDITOR_KEYS = 'Tab indents, Shift+Tab outdents; press Esc, then Tab, to move on.';
