// The DocStore on SQLite: one row per logged update, one snapshot row per doc.
// Appends made in the same turn of the event loop are committed together (group
// commit): each caller's promise resolves only once its row is committed.
//
// The records share this connection through Kysely. While one of their
// transactions is open (it spans awaits), nothing here writes: a row written
// then would be committed, or rolled back, with the records' transaction.
// Appends wait in memory for the connection to be free; loads see them there.
import type { SqliteConnection as Db } from './database.js';
import type { DocStore, StoredDoc } from './doc-store.js';

export class SqliteDocStore implements DocStore {
  private readonly q;

  constructor(private readonly db: Db) {
    this.q = {
      snapshot: db.prepare<[string], { snapshot: Buffer; through_seq: number }>(
        'SELECT snapshot, through_seq FROM doc_snapshots WHERE name = ?',
      ),
      log: db.prepare<[string], { seq: number; update_blob: Buffer }>(
        'SELECT seq, update_blob FROM doc_updates WHERE name = ? ORDER BY seq',
      ),
      logAfter: db.prepare<[string, number], { seq: number; update_blob: Buffer }>(
        'SELECT seq, update_blob FROM doc_updates WHERE name = ? AND seq > ? ORDER BY seq',
      ),
      loggedNames: db.prepare<[number, string], { name: string }>(
        'SELECT DISTINCT name FROM doc_updates WHERE substr(name, 1, ?) = ?',
      ),
      lastSeq: db.prepare<[string], { seq: number | null }>(
        'SELECT MAX(seq) AS seq FROM doc_updates WHERE name = ?',
      ),
      insert: db.prepare<[string, number, Uint8Array]>(
        'INSERT INTO doc_updates (name, seq, update_blob) VALUES (?, ?, ?)',
      ),
      upsertSnapshot: db.prepare<[string, Uint8Array, number]>(
        `INSERT INTO doc_snapshots (name, snapshot, through_seq) VALUES (?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET snapshot = excluded.snapshot, through_seq = excluded.through_seq`,
      ),
      trim: db.prepare<[string, number]>('DELETE FROM doc_updates WHERE name = ? AND seq <= ?'),
      removeLog: db.prepare<[string]>('DELETE FROM doc_updates WHERE name = ?'),
      removeSnapshot: db.prepare<[string]>('DELETE FROM doc_snapshots WHERE name = ?'),
      // length() of a blob reads its size from the record header, not the blob.
      sizes: db.prepare<[string, string], { bytes: number }>(
        `SELECT (SELECT COALESCE(SUM(length(snapshot)), 0) FROM doc_snapshots WHERE name IN (SELECT value FROM json_each(?)))
              + (SELECT COALESCE(SUM(length(update_blob)), 0) FROM doc_updates WHERE name IN (SELECT value FROM json_each(?)))
           AS bytes`,
      ),
    };
  }

  private pending: {
    name: string;
    seq: number;
    update: Uint8Array;
    done: (err: Error | null, seq?: number) => void;
  }[] = [];
  private flushScheduled = false;

  /** Sequence numbers continue past a compaction so "through" always means the same update. */
  private seqs = new Map<string, number>();

  private lastSeq(name: string): number {
    let seq = this.seqs.get(name);
    if (seq === undefined) {
      const logged = this.q.lastSeq.get(name)?.seq ?? null;
      seq = logged ?? this.q.snapshot.get(name)?.through_seq ?? 0;
      this.seqs.set(name, seq);
    }
    return seq;
  }

  /** Resolves once no records transaction holds the connection. */
  private async free(): Promise<void> {
    while (this.db.inTransaction) await new Promise((resolve) => setImmediate(resolve));
  }

  async load(name: string): Promise<StoredDoc> {
    if (this.db.inTransaction) await this.free();
    return this.loadSync(name);
  }

  loadSync(name: string): StoredDoc {
    this.flush();
    const snap = this.q.snapshot.get(name);
    const log = this.q.log.all(name);
    const updates: Uint8Array[] = [];
    if (snap) updates.push(new Uint8Array(snap.snapshot));
    for (const row of log) updates.push(new Uint8Array(row.update_blob));
    // Appends still waiting for the connection (see the top of this file).
    const waiting = this.pending.filter((p) => p.name === name);
    for (const p of waiting) updates.push(p.update);
    return { updates, seq: this.lastSeq(name), logLength: log.length + waiting.length };
  }

  /** One process owns the log here, so this only matters to a room that missed nothing; kept for the interface. */
  async loadAfter(name: string, afterSeq: number): Promise<StoredDoc> {
    if (this.db.inTransaction) await this.free();
    this.flush();
    const snap = this.q.snapshot.get(name);
    const log = this.q.logAfter.all(name, afterSeq);
    const updates: Uint8Array[] = [];
    if (snap && snap.through_seq > afterSeq) updates.push(new Uint8Array(snap.snapshot));
    for (const row of log) updates.push(new Uint8Array(row.update_blob));
    return { updates, seq: this.lastSeq(name), logLength: log.length };
  }

  async loggedNames(prefix: string): Promise<string[]> {
    if (this.db.inTransaction) await this.free();
    this.flush();
    return this.q.loggedNames.all(prefix.length, prefix).map((r) => r.name);
  }

  append(name: string, update: Uint8Array): Promise<number> {
    // The first append of a turn commits at once (a quiet server adds no delay);
    // the ones after it in the same turn wait for one shared commit.
    if (!this.flushScheduled && !this.db.inTransaction) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
      try {
        return Promise.resolve(this.insertNow(name, update));
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
    const seq = this.lastSeq(name) + 1;
    this.seqs.set(name, seq);
    return new Promise((resolve, reject) => {
      this.pending.push({ name, seq, update, done: (err, n) => (err ? reject(err) : resolve(n!)) });
    });
  }

  private insertNow(name: string, update: Uint8Array): number {
    const seq = this.lastSeq(name) + 1;
    this.q.insert.run(name, seq, update);
    this.seqs.set(name, seq);
    return seq;
  }

  /** Commits every pending append in one transaction. */
  flush(): void {
    if (this.db.inTransaction) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
      return;
    }
    this.flushScheduled = false;
    const batch = this.pending;
    if (!batch.length) return;
    this.pending = [];
    try {
      this.db.transaction(() => {
        for (const p of batch) this.q.insert.run(p.name, p.seq, p.update);
      })();
    } catch (err) {
      // Nothing of the batch is stored; the next append asks the database where each log ends.
      for (const p of batch) this.seqs.delete(p.name);
      for (const p of batch) p.done(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    for (const p of batch) p.done(null, p.seq);
  }

  appendSync(name: string, update: Uint8Array): number {
    this.flush();
    return this.insertNow(name, update);
  }

  async compact(name: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    if (this.db.inTransaction) await this.free();
    this.flush();
    this.db.transaction(() => {
      this.q.upsertSnapshot.run(name, snapshot, throughSeq);
      this.q.trim.run(name, throughSeq);
    })();
  }

  async remove(name: string): Promise<void> {
    if (this.db.inTransaction) await this.free();
    this.flush();
    this.db.transaction(() => {
      this.q.removeLog.run(name);
      this.q.removeSnapshot.run(name);
    })();
    this.seqs.delete(name);
  }

  async sizes(names: readonly string[]): Promise<number> {
    if (this.db.inTransaction) await this.free();
    // Answered at once (before the promise resolves), so it counts exactly the appends made before the call.
    this.flush();
    if (!names.length) return 0;
    const list = JSON.stringify(names);
    return this.q.sizes.get(list, list)?.bytes ?? 0;
  }

  async exists(name: string): Promise<boolean> {
    if (this.db.inTransaction) await this.free();
    this.flush();
    return this.q.snapshot.get(name) !== undefined || (this.q.lastSeq.get(name)?.seq ?? null) !== null;
  }
}
