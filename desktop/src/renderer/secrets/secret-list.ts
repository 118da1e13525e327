// The list of secrets as this page keeps it: sorted by name (a private one
// beside the shared one it overrides), and changed locally right after a save
// or delete so the page answers at once, before the server's list comes back.
import type { SecretScope, SecretSummary } from '@orrery/shared';

export function sortSecrets(secrets: SecretSummary[]): SecretSummary[] {
  return [...secrets].sort(
    (a, b) => a.name.localeCompare(b.name) || (a.scope === b.scope ? 0 : a.scope === 'private' ? -1 : 1),
  );
}

/** A shared secret is overridden exactly when the list has a private one of the same name. */
function withOverrides(secrets: SecretSummary[]): SecretSummary[] {
  const privateNames = new Set(secrets.filter((s) => s.scope === 'private').map((s) => s.name));
  return secrets.map((s) =>
    s.scope === 'shared' ? { ...s, overridden: privateNames.has(s.name) } : { ...s, overridden: false },
  );
}

export function upsertSecret(secrets: SecretSummary[], saved: SecretSummary): SecretSummary[] {
  const rest = secrets.filter((s) => !(s.scope === saved.scope && s.name === saved.name));
  return sortSecrets(withOverrides([...rest, saved]));
}

export function removeSecret(secrets: SecretSummary[], scope: SecretScope, name: string): SecretSummary[] {
  return withOverrides(secrets.filter((s) => !(s.scope === scope && s.name === name)));
}

export function findSecret(
  secrets: SecretSummary[],
  scope: SecretScope,
  name: string,
): SecretSummary | undefined {
  return secrets.find((s) => s.scope === scope && s.name === name);
}
