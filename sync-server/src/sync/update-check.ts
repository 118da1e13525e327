// Decides whether an incoming Yjs update may touch a document before it is
// applied: it must decode, name only the document's own root types, and
// depend only on what the server already has (or brings itself); in a
// session document, its writer must own the parts it changes.
import { contextSummary, SessionDoc, sessionUsage, UserDoc, type Writer } from '@orrery/shared';
import * as Y from 'yjs';
import { judgeWriter } from './writer-check.js';

function rootsOf(touch: (doc: Y.Doc) => void): ReadonlySet<string> {
  const doc = new Y.Doc();
  touch(doc);
  const roots = new Set(doc.share.keys());
  doc.destroy();
  return roots;
}

/** The root types each document kind may have, learnt from the shared accessors (no raw keys here). */
export const ROOTS = {
  session: rootsOf((d) => {
    const session = new SessionDoc(d).init();
    session.snapshot();
    // The parts a snapshot does not read: the changes summary, checkpoints and approvals.
    session.changes();
    session.checkpoints();
    session.approval('');
    sessionUsage(d);
    contextSummary(d);
  }),
  user: rootsOf((d) => new UserDoc(d).init().snapshot()),
} as const;

type Refs = { client: number; clock: number } | null;

/**
 * Why the update must be refused, or null when it may be applied. Throws on
 * bytes that do not decode. 'missing': it builds on changes the server has not
 * seen yet (a client may send an edit before its sync step 2); 'invalid': it can
 * never fit this document; 'forbidden': it changes a part its writer does not own.
 */
export type Refusal =
  | { kind: 'missing' | 'invalid'; reason: string }
  /** `update` is what may be applied instead: the refused parts without content. */
  | { kind: 'forbidden'; reason: string; update: Uint8Array };

/** `writer` is checked against the session document's writer table; null skips that (user documents). */
export function checkUpdate(
  doc: Y.Doc,
  update: Uint8Array,
  roots: ReadonlySet<string>,
  writer: Writer | null = null,
): Refusal | null {
  const decoded = Y.decodeUpdate(update);
  const reason = findProblem(doc, decoded, roots);
  if (reason !== null) return { kind: reason.includes('does not have') ? 'missing' : 'invalid', reason };
  const forbidden = writer ? judgeWriter(doc, decoded, writer) : null;
  return forbidden ? { kind: 'forbidden', ...forbidden } : null;
}

function findProblem(
  doc: Y.Doc,
  { structs, ds }: ReturnType<typeof Y.decodeUpdate>,
  roots: ReadonlySet<string>,
): string | null {
  // What the server will have once this update is in: its own state, extended by contiguous runs.
  const available = new Map<number, number>();
  const have = (client: number) => available.get(client) ?? Y.getState(doc.store, client);
  for (const struct of structs) {
    const { client, clock } = struct.id;
    if (struct instanceof Y.Skip) return 'the update has a gap the server does not have';
    if (clock > have(client)) return 'the update depends on changes the server does not have';
    available.set(client, Math.max(have(client), clock + struct.length));
  }
  const known = (id: Refs) => id === null || id.clock < have(id.client);
  for (const struct of structs) {
    if (!(struct instanceof Y.Item)) continue;
    if (!known(struct.origin) || !known(struct.rightOrigin)) {
      return 'the update refers to content the server does not have';
    }
    const parent: unknown = struct.parent;
    if (typeof parent === 'string') {
      if (!roots.has(parent)) return `the document has no part named "${parent.slice(0, 40)}"`;
    } else if (parent instanceof Y.ID) {
      if (!known(parent)) return 'the update refers to content the server does not have';
    } else if (parent !== null) {
      return 'the update has a malformed parent';
    }
    if (struct.origin === null && struct.rightOrigin === null && struct.parent === null) {
      return 'the update has content without a place in the document';
    }
  }
  for (const [client, ranges] of ds.clients) {
    for (const r of ranges)
      if (r.clock + r.len > have(client)) return 'the update deletes content the server does not have';
  }
  return null;
}

/** Whether applying the update would change the document (for read-only peers: deny only real writes). */
export function wouldChange(doc: Y.Doc, update: Uint8Array): boolean {
  const { structs, ds } = Y.decodeUpdate(update);
  for (const s of structs) {
    if (s.id.clock + s.length > Y.getState(doc.store, s.id.client)) return true;
  }
  for (const [client, ranges] of ds.clients) {
    const list = doc.store.clients.get(client);
    for (const r of ranges) {
      if (r.len === 0) continue;
      if (!list || r.clock + r.len > Y.getState(doc.store, client)) return true;
      for (let i = Y.findIndexSS(list, r.clock); i < list.length; i += 1) {
        const s = list[i]!;
        if (s.id.clock >= r.clock + r.len) break;
        if (!s.deleted) return true;
      }
    }
  }
  return false;
}
