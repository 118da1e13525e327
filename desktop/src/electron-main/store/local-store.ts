// The desktop app's local store, owned by the main process: Yjs documents as a
// snapshot plus an update log (compacted in one transaction), the cached
// session list with its change clock, cached attachments, and a full-text
// index over cached messages. One SQLite file (WAL) per signed-in account.
import { SessionDoc, type SessionListItem } from '@orrery/shared';
import Database from 'better-sqlite3';
import * as Y from 'yjs';

/** Fold the log into the snapshot once it is this long. */
export const COMPACT_AFTER = 200;

export interface SearchHit {
  sessionId: string;
  messageId: string;
  kind: string;
  /** The matching text with the match between « and ». */
  snippet: string;
}

export interface ListQuery {
  q?: string;
  archived?: boolean;
  limit?: number;
  offset?: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS doc_updates (seq INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, data BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS doc_updates_by_name ON doc_updates (name, seq);
CREATE TABLE IF NOT EXISTS doc_snapshots (name TEXT PRIMARY KEY, data BLOB NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY, title TEXT NOT NULL, updated_at INTEGER NOT NULL, archived INTEGER NOT NULL, json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS sessions_by_updated ON sessions (updated_at DESC);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS attachments (id TEXT PRIMARY KEY, media_type TEXT NOT NULL, data BLOB NOT NULL, cached_at INTEGER NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5(
  text, session_id UNINDEXED, message_id UNINDEXED, kind UNINDEXED, tokenize = 'unicode61 remove_diacritics 2');
CREATE TABLE IF NOT EXISTS indexed_docs (session_id TEXT PRIMARY KEY, state_vector BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS view_cache (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

export class LocalStore {
  readonly db: Database.Database;
  /** Updates in each document's log since its snapshot, once known. */
  private readonly logLengths = new Map<string, number>();

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // NORMAL keeps every committed transaction across a process crash; only power loss can drop the last ones.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(SCHEMA);
  }

  close(): void {
    this.db.close();
  }

  // ── documents ──

  /** The snapshot (if any) and then every logged update, oldest first. */
  loadDoc(name: string): Uint8Array[] {
    const snapshot = this.db.prepare('SELECT data FROM doc_snapshots WHERE name = ?').get(name) as
      { data: Buffer } | undefined;
    const log = this.db.prepare('SELECT data FROM doc_updates WHERE name = ? ORDER BY seq').all(name) as {
      data: Buffer;
    }[];
    return [...(snapshot ? [snapshot.data] : []), ...log.map((r) => r.data)].map(toBytes);
  }

  /** Appends one update; compacts the document when its log has grown long. */
  appendDoc(name: string, update: Uint8Array): void {
    this.db.prepare('INSERT INTO doc_updates (name, data) VALUES (?, ?)').run(name, Buffer.from(update));
    // The log length is counted once per document, then kept here: appends stay one write.
    const n = (this.logLengths.get(name) ?? this.countLog(name) - 1) + 1;
    this.logLengths.set(name, n);
    if (n >= COMPACT_AFTER) this.compactDoc(name);
  }

  private countLog(name: string): number {
    return (
      this.db.prepare('SELECT count(*) AS n FROM doc_updates WHERE name = ?').get(name) as { n: number }
    ).n;
  }

  /** Replaces everything stored for the document with one state, in one transaction. */
  replaceDoc(name: string, state: Uint8Array): void {
    this.logLengths.set(name, 0);
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM doc_updates WHERE name = ?').run(name);
      this.db
        .prepare('INSERT OR REPLACE INTO doc_snapshots (name, data, updated_at) VALUES (?, ?, ?)')
        .run(name, Buffer.from(state), Date.now());
    })();
  }

  /** Merges the snapshot and the log into a new snapshot, in one transaction. */
  compactDoc(name: string): void {
    this.db.transaction(() => {
      const updates = this.loadDoc(name);
      if (updates.length <= 1 && !this.hasLog(name)) return;
      this.replaceDoc(name, Y.mergeUpdates(updates));
    })();
  }

  removeDoc(name: string): void {
    this.logLengths.delete(name);
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM doc_updates WHERE name = ?').run(name);
      this.db.prepare('DELETE FROM doc_snapshots WHERE name = ?').run(name);
      const session = name.startsWith('session/') ? name.slice('session/'.length) : null;
      if (session) {
        this.db.prepare('DELETE FROM messages_fts WHERE session_id = ?').run(session);
        this.db.prepare('DELETE FROM indexed_docs WHERE session_id = ?').run(session);
      }
    })();
  }

  docNames(): string[] {
    const rows = this.db
      .prepare('SELECT name FROM doc_snapshots UNION SELECT DISTINCT name FROM doc_updates ORDER BY name')
      .all() as { name: string }[];
    return rows.map((r) => r.name);
  }

  private hasLog(name: string): boolean {
    return !!this.db.prepare('SELECT 1 FROM doc_updates WHERE name = ? LIMIT 1').get(name);
  }

  // ── the view cache: small previews a screen shows before its data has loaded ──

  getView(key: string): string | null {
    const row = this.db.prepare('SELECT value FROM view_cache WHERE key = ?').get(key) as
      { value: string } | undefined;
    return row?.value ?? null;
  }

  setView(key: string, value: string): void {
    this.db.prepare('INSERT OR REPLACE INTO view_cache (key, value) VALUES (?, ?)').run(key, value);
  }

  deleteView(key: string): void {
    this.db.prepare('DELETE FROM view_cache WHERE key = ?').run(key);
  }

  // ── the session list cache ──

  /** Replaces the cached list and its clock in one transaction. */
  saveSessionList(sessions: readonly SessionListItem[], clock: number, savedAt: number): void {
    const insert = this.db.prepare(
      'INSERT INTO sessions (id, title, updated_at, archived, json) VALUES (?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM sessions').run();
      for (const s of sessions) insert.run(s.id, s.title, s.updatedAt, s.archived ? 1 : 0, JSON.stringify(s));
      this.setMeta('clock', String(clock));
      this.setMeta('savedAt', String(savedAt));
    })();
  }

  /** Applies changes-since: upserts what changed, drops what the user may no longer open. */
  applySessionChanges(changed: readonly SessionListItem[], removed: readonly string[], clock: number): void {
    const upsert = this.db.prepare(
      'INSERT OR REPLACE INTO sessions (id, title, updated_at, archived, json) VALUES (?, ?, ?, ?, ?)',
    );
    const drop = this.db.prepare('DELETE FROM sessions WHERE id = ?');
    this.db.transaction(() => {
      for (const s of changed) upsert.run(s.id, s.title, s.updatedAt, s.archived ? 1 : 0, JSON.stringify(s));
      for (const id of removed) drop.run(id);
      this.setMeta('clock', String(clock));
      this.setMeta('savedAt', String(Date.now()));
    })();
  }

  /** The cached list, most recently updated first. */
  listSessions(query: ListQuery = {}): SessionListItem[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (query.archived !== undefined) {
      where.push('archived = ?');
      args.push(query.archived ? 1 : 0);
    }
    if (query.q?.trim()) {
      where.push("title LIKE ? ESCAPE '\\'");
      args.push(`%${query.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    }
    const sql = `SELECT json FROM sessions ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY updated_at DESC LIMIT ? OFFSET ?`;
    const rows = this.db.prepare(sql).all(...args, query.limit ?? -1, query.offset ?? 0) as {
      json: string;
    }[];
    return rows.map((r) => JSON.parse(r.json) as SessionListItem);
  }

  sessionListMeta(): { clock: number; savedAt: number } | null {
    const clock = this.getMeta('clock');
    return clock === null ? null : { clock: Number(clock), savedAt: Number(this.getMeta('savedAt') ?? 0) };
  }

  private getMeta(key: string): string | null {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as
      { value: string } | undefined;
    return row?.value ?? null;
  }
  private setMeta(key: string, value: string): void {
    this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value);
  }

  // ── attachments ──

  putAttachment(id: string, mediaType: string, data: Uint8Array): void {
    this.db
      .prepare('INSERT OR REPLACE INTO attachments (id, media_type, data, cached_at) VALUES (?, ?, ?, ?)')
      .run(id, mediaType, Buffer.from(data), Date.now());
  }

  getAttachment(id: string): { mediaType: string; data: Uint8Array } | null {
    const row = this.db.prepare('SELECT media_type, data FROM attachments WHERE id = ?').get(id) as
      { media_type: string; data: Buffer } | undefined;
    return row ? { mediaType: row.media_type, data: toBytes(row.data) } : null;
  }

  // ── full-text search over cached messages ──

  /**
   * Brings the index of one session up to date with its stored document.
   * Only entries that changed since the last indexing are rewritten.
   */
  indexSession(sessionId: string): number {
    const doc = new Y.Doc();
    try {
      for (const u of this.loadDoc(`session/${sessionId}`)) Y.applyUpdate(doc, u);
      const vector = Y.encodeStateVector(doc);
      const previous = this.db
        .prepare('SELECT state_vector FROM indexed_docs WHERE session_id = ?')
        .get(sessionId) as { state_vector: Buffer } | undefined;
      if (previous && Buffer.from(vector).equals(previous.state_vector)) return 0;
      const entries = new SessionDoc(doc).transcript();
      const insert = this.db.prepare(
        'INSERT INTO messages_fts (text, session_id, message_id, kind) VALUES (?, ?, ?, ?)',
      );
      this.db.transaction(() => {
        this.db.prepare('DELETE FROM messages_fts WHERE session_id = ?').run(sessionId);
        for (const e of entries) {
          const text =
            e.kind === 'tool'
              ? `${e.name} ${e.input}\n${e.output.slice(0, 20_000)}`
              : e.kind === 'pull_request'
                ? `${e.title} ${e.url}`
                : e.text;
          if (text.trim()) insert.run(text, sessionId, e.id, e.kind);
        }
        this.db
          .prepare('INSERT OR REPLACE INTO indexed_docs (session_id, state_vector) VALUES (?, ?)')
          .run(sessionId, Buffer.from(vector));
      })();
      return entries.length;
    } finally {
      doc.destroy();
    }
  }

  /**
   * Full-text search; each word is matched as a prefix, so results come as the
   * user types. Newest first: a session is reindexed when it changes, so its
   * rows are the newest, and the scan stops at the limit instead of ranking
   * every match (ten times faster on common words).
   */
  search(query: string, limit = 50): SearchHit[] {
    const match = toFtsQuery(query);
    if (!match) return [];
    const rows = this.db
      .prepare(
        `SELECT session_id, message_id, kind, snippet(messages_fts, 0, '«', '»', '…', 12) AS snippet
         FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT ?`,
      )
      .all(match, limit) as { session_id: string; message_id: string; kind: string; snippet: string }[];
    return rows.map((r) => ({
      sessionId: r.session_id,
      messageId: r.message_id,
      kind: r.kind,
      snippet: r.snippet,
    }));
  }
}

/** Words become quoted prefix terms, so user input can never be FTS syntax. */
export function toFtsQuery(query: string): string {
  const words = query.match(/[\p{L}\p{N}_]+/gu) ?? [];
  return words
    .slice(0, 12)
    .map((w) => `"${w}"*`)
    .join(' ');
}

function toBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
