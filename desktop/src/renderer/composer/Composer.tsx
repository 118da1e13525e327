// The prompt box. Enter sends, Shift+Enter starts a new line; `/` opens the
// slash-command menu; files come in through the attach control, drag and drop
// or paste; ⌘E / Ctrl+E enhances the prompt and ⌘Z / Ctrl+Z restores it.
// The text is kept as a draft by the caller, so nothing typed is lost.
import type { AttachmentRef } from '@orrery/shared';
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { AttachmentTray } from './attachments/AttachmentTray.js';
import { useAttachments, type Uploader } from './attachments/use-attachments.js';
import { isMod, modKey } from './keys.js';
import { filterCommands, slashQuery, type SlashCommand } from './slash-commands.js';
import { SLASH_MENU_ID, SlashMenu } from './SlashMenu.js';
import { useEnhance, type Enhancer } from './use-enhance.js';
import './composer.css';
import { PaperclipIcon, SparkleIcon } from '../common/icons.js';
import { displayName } from '../common/display-name.js';

export const PROMPT_PLACEHOLDER = 'Ask anything or type / for commands';

/** true: sent (the box is cleared); false: not sent (kept); notes: sent, with things to tell. */
export type SubmitResult = boolean | { notes: string[] };

export interface ComposerProps {
  /** The text to start from (a saved draft). */
  initialText?: string;
  onSubmit: (text: string, attachments: AttachmentRef[]) => Promise<SubmitResult>;
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
  commands?: SlashCommand[];
  /** Rewrites the prompt; without it there is no Enhance button. */
  enhance?: Enhancer;
  /** Why enhancing makes no sense here: the button stays, disabled, with this as its tooltip, and ⌘E does nothing. */
  enhanceOff?: string | undefined;
  /** Uploads one attachment; without it there is no attach control. */
  upload?: Uploader;
}

/** Why the Shell Expert has no Enhance: a rewritten prompt would run as bash. */
export const SHELL_ENHANCE_OFF = 'the Shell Expert runs your text as a command';

export function Composer(props: ComposerProps) {
  const { onSubmit, onTextChange, disabled = false, commands = [], upload } = props;
  const [text, setText] = useState(props.initialText ?? '');
  const [sending, setSending] = useState(false);
  const [menu, setMenu] = useState({ active: 0, dismissedFor: null as string | null });
  const [info, setInfo] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const ref = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const attachments = useAttachments(upload);

  function change(next: string) {
    setText(next);
    onTextChange?.(next);
  }
  const enhancer = useEnhance(props.enhance, change);

  // Grow with the text up to a third of the window, then scroll.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, Math.max(120, window.innerHeight / 3))}px`;
  }, [text]);

  const query = commands.length ? slashQuery(text) : null;
  const matches = query === null ? [] : filterCommands(commands, query);
  const menuOpen = query !== null && menu.dismissedFor !== text && !disabled;
  const active = Math.min(menu.active, Math.max(0, matches.length - 1));

  async function runCommand(command: SlashCommand) {
    if (command.disabled) return;
    change('');
    setMenu({ active: 0, dismissedFor: null });
    setInfo(null);
    try {
      const said = await command.run();
      if (typeof said === 'string') setInfo(said);
    } catch (error) {
      setInfo(`/${command.name} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    ref.current?.focus();
  }

  async function submit() {
    const trimmed = text.trim();
    if ((!trimmed && !attachments.refs.length) || sending || disabled || attachments.uploading) return;
    setSending(true);
    setInfo(null);
    try {
      const result = await onSubmit(trimmed, attachments.refs);
      if (result) {
        change('');
        attachments.reset();
        if (typeof result === 'object') attachments.setNotes(result.notes);
      }
    } finally {
      setSending(false);
      ref.current?.focus();
    }
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (menuOpen && matches.length && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : matches.length - 1;
      setMenu({ active: (active + step) % matches.length, dismissedFor: null });
      return;
    }
    if (menuOpen && e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      setMenu({ active: 0, dismissedFor: text });
      return;
    }
    if (menuOpen && matches.length && (e.key === 'Enter' || e.key === 'Tab') && !e.shiftKey) {
      e.preventDefault();
      void runCommand(matches[active]!);
      return;
    }
    if (isMod(e) && e.key.toLowerCase() === 'e' && enhancer.available) {
      e.preventDefault();
      if (!props.enhanceOff) void enhancer.enhance(text);
      return;
    }
    if (isMod(e) && !e.shiftKey && e.key.toLowerCase() === 'z' && enhancer.restore(text)) {
      e.preventDefault();
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void submit();
    }
  }

  const notes = [...attachments.notes, ...(enhancer.error ? [enhancer.error] : [])];
  const canSend = !!(text.trim() || attachments.refs.length) && !attachments.uploading;

  return (
    <form
      className={`composer${dragging ? ' dragging' : ''}`}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      onDragOver={(e) => {
        if (!upload || disabled || !e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        setDragging(false);
        if (!upload || disabled || !e.dataTransfer.files.length) return;
        e.preventDefault();
        void attachments.add([...e.dataTransfer.files]);
      }}
    >
      {menuOpen && <SlashMenu commands={matches} active={active} onPick={(c) => void runCommand(c)} />}
      <textarea
        ref={ref}
        aria-label={props.label ?? 'Message'}
        rows={1}
        value={text}
        placeholder={disabled && props.disabledReason ? props.disabledReason : PROMPT_PLACEHOLDER}
        disabled={disabled}
        autoFocus={props.autoFocus}
        aria-controls={menuOpen ? SLASH_MENU_ID : undefined}
        aria-expanded={commands.length ? menuOpen : undefined}
        aria-activedescendant={
          menuOpen && matches[active] ? `${SLASH_MENU_ID}-${matches[active].name}` : undefined
        }
        aria-busy={enhancer.busy || undefined}
        readOnly={enhancer.busy}
        onChange={(e) => {
          change(e.target.value);
          setMenu({ active: 0, dismissedFor: menu.dismissedFor });
          enhancer.clear();
        }}
        onKeyDown={onKeyDown}
        onPaste={(e) => {
          const files = [...e.clipboardData.files];
          if (!upload || !files.length) return;
          e.preventDefault();
          void attachments.add(files);
        }}
      />
      <AttachmentTray items={attachments.items} onRemove={attachments.remove} />
      {(notes.length > 0 || info || enhancer.busy || enhancer.note) && (
        <div className="composer-notes" aria-live="polite">
          {enhancer.busy && (
            <p role="status" className="muted">
              Enhancing your prompt…
            </p>
          )}
          {notes.map((note) => (
            <p key={note} className="composer-error" role="alert">
              {displayName(note)}
            </p>
          ))}
          {info && (
            <p className="composer-info" role="status">
              {info}
            </p>
          )}
          {enhancer.note && (
            <p className="composer-info" role="status">
              {enhancer.note}
            </p>
          )}
        </div>
      )}
      <div className="composer-actions">
        {upload && (
          <>
            <button
              type="button"
              className="icon-button"
              aria-label="Attach files"
              title="Attach files or images"
              disabled={disabled}
              onClick={() => fileInput.current?.click()}
            >
              <PaperclipIcon />
            </button>
            <input
              ref={fileInput}
              type="file"
              multiple
              hidden
              data-testid="attach-input"
              onChange={(e) => {
                void attachments.add([...(e.target.files ?? [])]);
                e.target.value = '';
              }}
            />
          </>
        )}
        {enhancer.available && (
          <button
            type="button"
            className={`icon-button enhance-button${enhancer.busy ? ' busy' : ''}`}
            aria-label="Enhance prompt"
            title={props.enhanceOff ?? `Enhance prompt (${modKey('E')}); ${modKey('Z')} restores your text`}
            disabled={disabled || enhancer.busy || !text.trim() || !!props.enhanceOff}
            onClick={() => void enhancer.enhance(text)}
          >
            <SparkleIcon />
          </button>
        )}
        {props.actions}
        <button
          type="submit"
          className="send-button"
          disabled={disabled || sending || !canSend}
          aria-label={props.submitLabel ?? 'Send'}
        >
          {sending ? '…' : '↑'}
        </button>
      </div>
    </form>
  );
}
