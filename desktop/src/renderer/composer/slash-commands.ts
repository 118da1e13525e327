// Slash commands: what the menu offers, and how typed text picks them.

export interface SlashCommand {
  /** Without the slash, e.g. "clear-queue". */
  name: string;
  description: string;
  /** Runs the command; a returned sentence is shown under the prompt box. */
  run: () => void | string | Promise<void | string>;
  disabled?: boolean;
}

/** The query while the text is a slash command being typed ("/cl" → "cl"), else null. */
export function slashQuery(text: string): string | null {
  const m = /^\/([\w-]*)$/.exec(text);
  return m ? m[1]!.toLowerCase() : null;
}

/** Commands whose name starts with the query first, then those that contain it. */
export function filterCommands(commands: readonly SlashCommand[], query: string): SlashCommand[] {
  const starts = commands.filter((c) => c.name.startsWith(query));
  const contains = commands.filter((c) => !c.name.startsWith(query) && c.name.includes(query));
  return [...starts, ...contains];
}
