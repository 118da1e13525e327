// The prompt box. Enter sends, Shift+Enter starts a new line. The text is
// kept as a draft (by the caller) so nothing typed is lost. Later work adds
// slash commands, attachments and prompt enhancement around this boundary.
import { useEffect, useRef, useState, type ReactNode } from 'react';

export const PROMPT_PLACEHOLDER = 'Ask anything or type / for commands';

export interface ComposerProps {
  /** The text to start from (a saved draft). */
  initialText?: string;
  /** Sends the text; resolves true when it was accepted (the box is then cleared). */
  onSubmit: (text: string) => Promise<boolean>;
  /** Called as the text changes, for drafts. */
  onTextChange?: (text: string) => void;
  disabled?: boolean;
  /** Why the box is disabled, shown in place of the placeholder. */
  disabledReason?: string;
  label?: string;
  submitLabel?: string;
  /** Controls placed beside the send button (e.g. a Stop button). */
  actions?: ReactNode;
  autoFocus?: boolean;
}

export function Composer({
  initialText = '',
  onSubmit,
  onTextChange,
  disabled = false,
  disabledReason,
  label = 'Message',
  submitLabel = 'Send',
  actions,
  autoFocus,
}: ComposerProps) {
  const [text, setText] = useState(initialText);
  const [sending, setSending] = useState(false);
  const ref = useRef<HTMLTextAreaElement>(null);

  // Grow with the text up to a third of the window, then scroll.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, Math.max(120, window.innerHeight / 3))}px`;
  }, [text]);

  function change(next: string) {
    setText(next);
    onTextChange?.(next);
  }

  async function submit() {
    const trimmed = text.trim();
    if (!trimmed || sending || disabled) return;
    setSending(true);
    try {
      if (await onSubmit(trimmed)) change('');
    } finally {
      setSending(false);
      ref.current?.focus();
    }
  }

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <textarea
        ref={ref}
        aria-label={label}
        rows={1}
        value={text}
        placeholder={disabled && disabledReason ? disabledReason : PROMPT_PLACEHOLDER}
        disabled={disabled}
        autoFocus={autoFocus}
        onChange={(e) => change(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            void submit();
          }
        }}
      />
      <div className="composer-actions">
        {actions}
        <button
          type="submit"
          className="send-button"
          disabled={disabled || sending || !text.trim()}
          aria-label={submitLabel}
        >
          {sending ? '…' : '↑'}
        </button>
      </div>
    </form>
  );
}
