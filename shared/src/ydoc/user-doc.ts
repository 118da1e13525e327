// The `user/<id>` document: private to one user on all their devices. Pins
// (ordered, optionally in a folder), pin folders (ordered, collapsed or not),
// recently opened sessions and drafts. Only this module knows its raw keys.
import { generateKeyBetween } from 'fractional-indexing';
import * as Y from 'yjs';

export const USER_SCHEMA_VERSION = 1;
export const RECENT_LIMIT = 50;

const K = { meta: 'meta', pins: 'pins', folders: 'folders', recent: 'recent', drafts: 'drafts' } as const;

export interface PinEntry {
  sessionId: string;
  folderId: string | null;
  order: string;
}
export interface FolderEntry {
  id: string;
  name: string;
  order: string;
  collapsed: boolean;
}
export interface RecentEntry {
  sessionId: string;
  openedAt: number;
}
export interface UserSnapshot {
  schemaVersion: number;
  /** Sorted by folder order, then pin order. */
  pins: PinEntry[];
  folders: FolderEntry[];
  /** Most recently opened first. */
  recent: RecentEntry[];
  drafts: Record<string, string>;
}

/** Where a pin goes: into a folder (or the top level) before another pin, or at the end. */
export interface PinPlacement {
  folderId: string | null;
  beforeSessionId?: string | null;
}

type Fields = Y.Map<unknown>;

export class UserDoc {
  constructor(
    readonly doc: Y.Doc,
    readonly origin: unknown = null,
  ) {}

  private get pinsMap(): Y.Map<Fields> {
    return this.doc.getMap<Fields>(K.pins);
  }
  private get foldersMap(): Y.Map<Fields> {
    return this.doc.getMap<Fields>(K.folders);
  }
  private get recentMap(): Y.Map<number> {
    return this.doc.getMap<number>(K.recent);
  }
  private get draftsMap(): Y.Map<string> {
    return this.doc.getMap<string>(K.drafts);
  }

  init(): this {
    const meta = this.doc.getMap(K.meta);
    if (meta.get('schemaVersion') === undefined) {
      this.doc.transact(() => meta.set('schemaVersion', USER_SCHEMA_VERSION), this.origin);
    }
    return this;
  }

  snapshot(): UserSnapshot {
    const v = this.doc.getMap(K.meta).get('schemaVersion');
    return {
      schemaVersion: typeof v === 'number' ? v : 0,
      pins: this.pins(),
      folders: this.folders(),
      recent: this.recent(),
      drafts: Object.fromEntries(this.draftsMap.entries()),
    };
  }

  folders(): FolderEntry[] {
    const out: FolderEntry[] = [];
    for (const [id, m] of this.foldersMap.entries()) {
      out.push({
        id,
        name: typeof m.get('name') === 'string' ? (m.get('name') as string) : 'Folder',
        order: orderOf(m),
        collapsed: m.get('collapsed') === true,
      });
    }
    return out.sort(byOrderThen((f) => f.id));
  }

  /** Pins sorted for display: top-level pins first, then each folder's, in folder order. */
  pins(): PinEntry[] {
    const folderRank = new Map(this.folders().map((f, i) => [f.id, i]));
    const out: PinEntry[] = [];
    for (const [sessionId, m] of this.pinsMap.entries()) {
      const folderId = typeof m.get('folderId') === 'string' ? (m.get('folderId') as string) : null;
      // A pin whose folder was deleted on another device falls back to the top level.
      out.push({
        sessionId,
        folderId: folderId && folderRank.has(folderId) ? folderId : null,
        order: orderOf(m),
      });
    }
    const rank = (p: PinEntry) => (p.folderId === null ? -1 : (folderRank.get(p.folderId) ?? -1));
    return out.sort((a, b) => rank(a) - rank(b) || byOrderThen((p: PinEntry) => p.sessionId)(a, b));
  }

  isPinned(sessionId: string): boolean {
    return this.pinsMap.has(sessionId);
  }

  pin(sessionId: string, placement: PinPlacement = { folderId: null }): void {
    this.doc.transact(() => {
      const existing = this.pinsMap.get(sessionId);
      const order = this.orderFor(placement, sessionId);
      if (existing) {
        existing.set('folderId', placement.folderId);
        existing.set('order', order);
      } else {
        const m = new Y.Map<unknown>();
        m.set('folderId', placement.folderId);
        m.set('order', order);
        this.pinsMap.set(sessionId, m);
      }
    }, this.origin);
  }

  /** Moves a pin within or between folders; same as pin() for a pinned session. */
  movePin(sessionId: string, placement: PinPlacement): void {
    if (this.pinsMap.has(sessionId)) this.pin(sessionId, placement);
  }

  unpin(sessionId: string): void {
    if (this.pinsMap.has(sessionId)) this.doc.transact(() => this.pinsMap.delete(sessionId), this.origin);
  }

  createFolder(id: string, name: string): void {
    const folders = this.folders();
    const last = folders[folders.length - 1];
    this.doc.transact(() => {
      const m = new Y.Map<unknown>();
      m.set('name', name);
      m.set('order', generateKeyBetween(last?.order ?? null, null));
      m.set('collapsed', false);
      this.foldersMap.set(id, m);
    }, this.origin);
  }

  renameFolder(id: string, name: string): void {
    const m = this.foldersMap.get(id);
    if (m) this.doc.transact(() => m.set('name', name), this.origin);
  }

  /** Deletes a folder; its pins move to the top level, after the pins already there. */
  deleteFolder(id: string): void {
    this.doc.transact(() => {
      const inFolder = this.pins().filter((p) => p.folderId === id);
      for (const p of inFolder) this.pin(p.sessionId, { folderId: null });
      this.foldersMap.delete(id);
    }, this.origin);
  }

  moveFolder(id: string, beforeFolderId: string | null): void {
    const m = this.foldersMap.get(id);
    if (!m) return;
    const others = this.folders().filter((f) => f.id !== id);
    const at = beforeFolderId ? others.findIndex((f) => f.id === beforeFolderId) : others.length;
    const index = at < 0 ? others.length : at;
    const order = generateKeyBetween(others[index - 1]?.order ?? null, others[index]?.order ?? null);
    this.doc.transact(() => m.set('order', order), this.origin);
  }

  setFolderCollapsed(id: string, collapsed: boolean): void {
    const m = this.foldersMap.get(id);
    if (m) this.doc.transact(() => m.set('collapsed', collapsed), this.origin);
  }

  collapseAllFolders(): void {
    this.doc.transact(() => {
      for (const m of this.foldersMap.values()) m.set('collapsed', true);
    }, this.origin);
  }

  recent(): RecentEntry[] {
    return [...this.recentMap.entries()]
      .map(([sessionId, openedAt]) => ({ sessionId, openedAt: typeof openedAt === 'number' ? openedAt : 0 }))
      .sort((a, b) => b.openedAt - a.openedAt || a.sessionId.localeCompare(b.sessionId));
  }

  /** Records that a session was opened; keeps the most recent RECENT_LIMIT. */
  markOpened(sessionId: string, now: number): void {
    this.doc.transact(() => {
      this.recentMap.set(sessionId, now);
      const all = this.recent();
      for (const stale of all.slice(RECENT_LIMIT)) this.recentMap.delete(stale.sessionId);
    }, this.origin);
  }

  forgetRecent(sessionId: string): void {
    if (this.recentMap.has(sessionId)) this.doc.transact(() => this.recentMap.delete(sessionId), this.origin);
  }

  draft(sessionId: string): string {
    return this.draftsMap.get(sessionId) ?? '';
  }

  /** An empty draft is removed, so the document does not grow with every session ever typed in. */
  setDraft(sessionId: string, text: string): void {
    if (this.draft(sessionId) === text) return;
    this.doc.transact(() => {
      if (text) this.draftsMap.set(sessionId, text);
      else this.draftsMap.delete(sessionId);
    }, this.origin);
  }

  observe(callback: (tr: Y.Transaction) => void): () => void {
    const handler = (_u: Uint8Array, _o: unknown, _d: Y.Doc, tr: Y.Transaction) => callback(tr);
    this.doc.on('update', handler);
    return () => this.doc.off('update', handler);
  }

  private orderFor(placement: PinPlacement, movingId: string): string {
    const siblings = this.pins().filter((p) => p.folderId === placement.folderId && p.sessionId !== movingId);
    const before = placement.beforeSessionId
      ? siblings.findIndex((p) => p.sessionId === placement.beforeSessionId)
      : -1;
    const index = before < 0 ? siblings.length : before;
    try {
      return generateKeyBetween(siblings[index - 1]?.order ?? null, siblings[index]?.order ?? null);
    } catch {
      // Two devices produced equal keys concurrently; place it after both.
      return generateKeyBetween(siblings[index]?.order ?? null, null);
    }
  }
}

function orderOf(m: Fields): string {
  const o = m.get('order');
  return typeof o === 'string' && o ? o : 'a0';
}

function byOrderThen<T extends { order: string }>(tiebreak: (x: T) => string) {
  return (a: T, b: T) =>
    a.order < b.order ? -1 : a.order > b.order ? 1 : tiebreak(a).localeCompare(tiebreak(b));
}
