// The slash-command menu above the prompt box. The text box keeps the focus
// (the menu is an ARIA listbox it controls), so typing filters and the arrow
// keys, Enter and Escape are handled by the Composer.
import type { SlashCommand } from './slash-commands.js';

export const SLASH_MENU_ID = 'slash-menu';

export function SlashMenu({
  commands,
  active,
  onPick,
}: {
  commands: SlashCommand[];
  active: number;
  onPick: (command: SlashCommand) => void;
}) {
  return (
    <div className="slash-menu" id={SLASH_MENU_ID} role="listbox" aria-label="Commands">
      {commands.length === 0 && <p className="slash-empty muted">No command matches.</p>}
      {commands.map((c, i) => (
        <div
          key={c.name}
          id={`${SLASH_MENU_ID}-${c.name}`}
          role="option"
          aria-selected={i === active}
          aria-disabled={c.disabled || undefined}
          className={`slash-option${i === active ? ' active' : ''}`}
          // Keep the focus in the text box.
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => onPick(c)}
        >
          <span className="slash-name">/{c.name}</span>{' '}
          <span className="slash-description">{c.description}</span>
        </div>
      ))}
    </div>
  );
}
