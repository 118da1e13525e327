// Names of the Yjs documents as they appear in sync URLs and storage keys.
import { Id } from './domain.js';

export type DocName = { kind: 'session'; id: string } | { kind: 'user'; id: string };

export function sessionDocName(id: string): string {
  return `session/${id}`;
}

export function userDocName(id: string): string {
  return `user/${id}`;
}

/** Parses "session/<id>" or "user/<id>"; anything else is null. */
export function parseDocName(name: string): DocName | null {
  const slash = name.indexOf('/');
  if (slash < 0) return null;
  const kind = name.slice(0, slash);
  const id = name.slice(slash + 1);
  if ((kind !== 'session' && kind !== 'user') || !Id.safeParse(id).success) return null;
  return { kind, id };
}

export function formatDocName(doc: DocName): string {
  return `${doc.kind}/${doc.id}`;
}
