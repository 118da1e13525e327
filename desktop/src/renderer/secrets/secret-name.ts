// Checking a secret's name and value as a person types, with the contract's
// own rules and wording, and turning a name like "github-token" into the
// GITHUB_TOKEN it was probably meant to be.
import {
  PutSecretRequest,
  SECRET_VALUE_MAX_BYTES,
  SecretName,
  secretNameProblem,
  utf8Bytes,
} from '@orrery/shared';

const MAX_NAME_LENGTH = 128;

/** Null when the name is acceptable, otherwise a sentence saying what is wrong. */
export function nameProblem(name: string): string | null {
  if (!name) return 'Enter a name, e.g. GITHUB_TOKEN.';
  if (name.length > MAX_NAME_LENGTH) return `The name is ${name.length} characters; at most 128 fit.`;
  const parsed = SecretName.safeParse(name);
  if (!parsed.success) return `The name ${parsed.error.issues[0]!.message}.`;
  // Names that make a shell or the loader run code: refused by the server too, said here before sending.
  return secretNameProblem(name) ?? null;
}

/**
 * The UPPER_SNAKE_CASE name closest to what was typed ("github-token",
 * "githubToken" and "GitHub token" all give GITHUB_TOKEN), or null when there
 * is none (nothing but symbols, or no letter to start with).
 */
export function toSecretName(input: string): string | null {
  let text = input
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .trim();
  // camelCase marks its words with capitals only when nothing else separates them.
  if (!/[\s\-_.]/.test(text)) text = text.replace(/([a-z0-9])([A-Z])/g, '$1_$2');
  const name = text
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!name || name.length > MAX_NAME_LENGTH) return null;
  return SecretName.safeParse(name).success ? name : null;
}

/** Null when the value can be saved, otherwise a sentence saying what is wrong. */
export function valueProblem(value: string): string | null {
  if (!value) return 'Enter the value.';
  const bytes = utf8Bytes(value);
  if (bytes > SECRET_VALUE_MAX_BYTES)
    return `The value is ${formatKb(bytes)}; a secret holds at most ${SECRET_VALUE_MAX_BYTES / 1024} KB.`;
  const parsed = PutSecretRequest.safeParse({ value });
  if (!parsed.success) return `The value ${parsed.error.issues[0]!.message}.`;
  return null;
}

/** Rounded up, so a value just over the limit never reads as exactly the limit. */
function formatKb(bytes: number): string {
  return `${(Math.ceil((bytes / 1024) * 10) / 10).toFixed(1).replace(/\.0$/, '')} KB`;
}
