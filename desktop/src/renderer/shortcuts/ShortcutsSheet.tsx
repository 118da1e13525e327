// The keyboard shortcuts sheet (? or ⌘/ / Ctrl+/), and the page-wide keys:
// "/" outside a text field jumps to the prompt box, ⌘, / Ctrl+, opens Settings.
import { useEffect, useRef } from 'react';
import { isMod, modKey } from '../composer/keys.js';
import { useUi } from '../state/store.js';
import { settingsHref } from '../app/router.js';

export const SHORTCUTS: { keys: string; does: string }[] = [
  { keys: 'Enter', does: 'Send the message (queued while the agent works)' },
  { keys: 'Shift+Enter', does: 'New line' },
  { keys: '/', does: 'In the prompt box: open the slash commands; elsewhere: go to the prompt box' },
  { keys: '↑ ↓, Enter, Esc', does: 'Move through the slash commands, run one, close the menu' },
  { keys: modKey('E'), does: 'Enhance prompt' },
  { keys: modKey('Z'), does: 'Right after enhancing: restore your original text' },
  { keys: 'Ctrl+V / ⌘V', does: 'Paste an image from the clipboard as an attachment' },
  { keys: 'Tab', does: 'Reach the attach, enhance, send and Share controls' },
  { keys: `? or ${modKey('/')}`, does: 'Show this sheet' },
  { keys: modKey(','), does: 'Open Settings' },
  { keys: 'Esc', does: 'Close a dialog, menu or this sheet' },
];

export const COMMANDS_HELP: { name: string; does: string }[] = [
  { name: '/new', does: 'Start a new session' },
  { name: '/archive', does: 'Archive or unarchive this session' },
  { name: '/pin', does: 'Pin or unpin this session' },
  { name: '/share', does: 'Open the Share dialog' },
  { name: '/private, /shared', does: 'Change who can open this session' },
  { name: '/env', does: 'Environment status' },
  { name: '/stop', does: 'Stop the running turn' },
  { name: '/clear-queue', does: 'Remove every queued message' },
  { name: '/help', does: 'Show this sheet' },
];

function isEditable(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

/** Listens for the page-wide keys while mounted. */
export function useGlobalShortcuts() {
  const setOpen = useUi((s) => s.setShortcutsOpen);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      if ((isMod(e) && e.key === '/') || (e.key === '?' && !isEditable(e.target))) {
        e.preventDefault();
        setOpen(true);
      } else if (isMod(e) && e.key === ',') {
        e.preventDefault();
        if (!location.hash.startsWith('#/settings')) location.hash = settingsHref('experts');
      } else if (e.key === '/' && !e.metaKey && !e.ctrlKey && !isEditable(e.target)) {
        const box = document.querySelector<HTMLTextAreaElement>('.composer textarea:not([disabled])');
        if (box) {
          e.preventDefault();
          box.focus();
        }
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [setOpen]);
}

export function ShortcutsSheet() {
  useGlobalShortcuts();
  const open = useUi((s) => s.shortcutsOpen);
  const setOpen = useUi((s) => s.setShortcutsOpen);
  return open ? <Sheet onClose={() => setOpen(false)} /> : null;
}

function Sheet({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const returnTo = useRef<Element | null>(document.activeElement);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    const back = returnTo.current;
    return () => {
      if (back instanceof HTMLElement) back.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className="shortcuts-sheet"
      aria-labelledby="shortcuts-title"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <div className="dialog-head">
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <button type="button" className="icon-button" aria-label="Close" autoFocus onClick={onClose}>
          ×
        </button>
      </div>
      <table className="shortcut-table">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.keys}>
              <th scope="row">
                <kbd>{s.keys}</kbd>
              </th>
              <td>{s.does}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Slash commands</h3>
      <table className="shortcut-table">
        <tbody>
          {COMMANDS_HELP.map((c) => (
            <tr key={c.name}>
              <th scope="row">
                <code>{c.name}</code>
              </th>
              <td>{c.does}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </dialog>
  );
}
