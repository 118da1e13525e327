/** A session's title from its first prompt: the first non-empty line, cut on a word boundary. */
export function shortTitle(prompt: string, max = 60): string {
  const line = prompt
    .split(/\r?\n/)
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .find((l) => l.length > 0);
  if (!line) return 'New session';
  if (line.length <= max) return line;
  const cut = line.slice(0, max);
  const space = cut.lastIndexOf(' ');
  // A word boundary in the last third keeps the title readable; otherwise cut mid-word.
  const head = space >= max * 0.6 ? cut.slice(0, space) : cut;
  return `${head.replace(/[\s.,;:!?-]+$/, '')}…`;
}
