// Takes secret values out of text the server passes on from a runner. The
// runner redacts as well (runner/src/environments/redact.ts); the server
// does it again because it holds the values and answers the person.
export const REDACTED = '[redacted]';

/** Shorter values would redact ordinary text; the runner skips them too. */
const MIN_SECRET_LENGTH = 4;

export function redactValues(text: string, values: Iterable<string>): string {
  const secrets = [...new Set(values)]
    .filter((v) => v.length >= MIN_SECRET_LENGTH)
    // Longest first, so a secret containing another is replaced whole.
    .sort((a, b) => b.length - a.length);
  let out = text;
  for (const secret of secrets) out = out.split(secret).join(REDACTED);
  return out;
}
