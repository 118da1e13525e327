// Names other people choose (file names, session titles, folder, Expert and
// people's names) are shown as they read, not as they render: bidirectional
// controls such as U+202E reorder what follows them ("invoice\u202Egnp.exe"
// shows as "invoiceexe.png"), and other invisible format characters hide
// text or make two names look alike. The zero-width joiner and non-joiner
// stay: emoji sequences and Persian or Indic words need them.
const INVISIBLE = /(?![\u200C\u200D])\p{Cf}/gu;
// Tabs, newlines, line separators and other controls would break a one-line name.
const CONTROL = /[\p{Cc}\u2028\u2029]+/gu;

/** A name as the app shows it: no invisible format characters, one line. */
export function displayName(name: string): string {
  return name.replace(INVISIBLE, '').replace(CONTROL, ' ');
}

// Longer "extensions" are part of the name, so they may be cut like the rest of it.
const MAX_EXTENSION = 12;

/** Splits off the extension (".exe"), which stays visible when a long file name is cut. */
export function splitExtension(name: string): { stem: string; extension: string } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || name.length - dot > MAX_EXTENSION + 1) return { stem: name, extension: '' };
  return { stem: name.slice(0, dot), extension: name.slice(dot) };
}
