// The DocStore on PostgreSQL, for one or several sync servers on one database.
// Sequence numbers come from the database: an append takes the next number by
// updating the document's row in doc_heads, which it holds until it commits,
// so appends to one document commit in sequence order whichever instance made
// them, and a reader that sees update n has every update before it.
//
// Appends waiting while a commit is in flight are committed together in the
// next transaction (group commit), each caller answered once its row is in.
import { sql } from 'kysely';
import type { Records } from './database.js';
import type { DocStore, StoredDoc } from './doc-store.js';

interface Pending {
  name: string;
  update: Uint8Array;
  done: (err: Error | null, seq?: number) => void;
}

export class PostgresDocStore implements DocStore {
  private pending: Pending[] = [];
  private flushing: Promise<void> | null = null;

  constructor(private readonly db: Records) {}

  async load(name: string): Promise<StoredDoc> {
    return this.loadAfter(name, 0);
  }

  async loadAfter(name: string, afterSeq: number): Promise<StoredDoc> {
    return this.db.transaction().execute(async (trx) => {
      // One snapshot of the database for the three reads (REPEATABLE READ).
      await sql`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ`.execute(trx);
      const head = await trx
        .selectFrom('doc_heads')
        .select('seq')
        .where('name', '=', name)
        .executeTakeFirst();
      // Another instance may have folded updates after afterSeq into the snapshot (and out of the log).
      const snap = await trx
        .selectFrom('doc_snapshots')
        .select(['snapshot', 'through_seq'])
        .where('name', '=', name)
        .where('through_seq', '>', afterSeq)
        .executeTakeFirst();
      const log = await trx
        .selectFrom('doc_updates')
        .select(['seq', 'update_blob'])
        .where('name', '=', name)
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .execute();
      const updates: Uint8Array[] = [];
      if (snap) updates.push(new Uint8Array(snap.snapshot));
      for (const row of log) updates.push(new Uint8Array(row.update_blob));
      return { updates, seq: head?.seq ?? snap?.through_seq ?? 0, logLength: log.length };
    });
  }

  append(name: string, update: Uint8Array): Promise<number> {
    return new Promise((resolve, reject) => {
      this.pending.push({ name, update, done: (err, seq) => (err ? reject(err) : resolve(seq!)) });
      if (!this.flushing) this.flushing = this.flushLoop();
    });
  }

  private async flushLoop(): Promise<void> {
    while (this.pending.length) {
      const batch = this.pending;
      this.pending = [];
      try {
        const seqs = await this.commit(batch);
        batch.forEach((p, i) => p.done(null, seqs[i]));
      } catch (err) {
        for (const p of batch) p.done(err instanceof Error ? err : new Error(String(err)));
      }
    }
    this.flushing = null;
  }

  /** One transaction for the batch; answers each append's sequence number, in batch order. */
  private async commit(batch: Pending[]): Promise<number[]> {
    const counts = new Map<string, number>();
    for (const p of batch) counts.set(p.name, (counts.get(p.name) ?? 0) + 1);
    // Heads are locked in name order, so two instances' batches never wait on each other in a cycle.
    const names = [...counts.keys()].sort();
    return this.db.transaction().execute(async (trx) => {
      // One statement moves every head of the batch (rows are locked in the order given).
      const heads = await trx
        .insertInto('doc_heads')
        .values(names.map((name) => ({ name, seq: counts.get(name)! })))
        .onConflict((oc) => oc.column('name').doUpdateSet({ seq: sql<number>`doc_heads.seq + excluded.seq` }))
        .returning(['name', 'seq'])
        .execute();
      const next = new Map(heads.map((h) => [h.name, h.seq - counts.get(h.name)! + 1]));
      const seqs = batch.map((p) => {
        const seq = next.get(p.name)!;
        next.set(p.name, seq + 1);
        return seq;
      });
      await trx
        .insertInto('doc_updates')
        .values(batch.map((p, i) => ({ name: p.name, seq: seqs[i]!, update_blob: Buffer.from(p.update) })))
        .execute();
      return seqs;
    });
  }

  /** Waits for the appends made so far to be committed (or to have failed). */
  private async settled(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  async compact(name: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    await this.settled();
    await this.db.transaction().execute(async (trx) => {
      // A snapshot only ever moves forward: an instance that folded less than
      // another already did leaves the newer one in place.
      await trx
        .insertInto('doc_snapshots')
        .values({ name, snapshot: Buffer.from(snapshot), through_seq: throughSeq })
        .onConflict((oc) =>
          oc
            .column('name')
            .doUpdateSet({
              snapshot: (eb) => eb.ref('excluded.snapshot'),
              through_seq: (eb) => eb.ref('excluded.through_seq'),
            })
            .where('doc_snapshots.through_seq', '<', throughSeq),
        )
        .execute();
      await trx.deleteFrom('doc_updates').where('name', '=', name).where('seq', '<=', throughSeq).execute();
    });
  }

  async remove(name: string): Promise<void> {
    await this.settled();
    await this.db.transaction().execute(async (trx) => {
      // The head first: deleting it waits for any append in flight (which holds
      // the row) to commit, so the log deleted next includes that append's row;
      // an append after this waits for the removal and starts a new log.
      await trx.deleteFrom('doc_heads').where('name', '=', name).execute();
      await trx.deleteFrom('doc_updates').where('name', '=', name).execute();
      await trx.deleteFrom('doc_snapshots').where('name', '=', name).execute();
    });
  }

  async sizes(names: readonly string[]): Promise<number> {
    await this.settled();
    if (!names.length) return 0;
    const list = [...names];
    const { bytes } = await this.db
      .selectNoFrom((eb) =>
        eb(
          eb
            .selectFrom('doc_snapshots')
            .select(sql<number>`COALESCE(SUM(octet_length(snapshot)), 0)`.as('b'))
            .where('name', 'in', list),
          '+',
          eb
            .selectFrom('doc_updates')
            .select(sql<number>`COALESCE(SUM(octet_length(update_blob)), 0)`.as('b'))
            .where('name', 'in', list),
        ).as('bytes'),
      )
      .executeTakeFirstOrThrow();
    return Number(bytes);
  }

  async loggedNames(prefix: string): Promise<string[]> {
    await this.settled();
    const rows = await this.db
      .selectFrom('doc_updates')
      .select('name')
      .distinct()
      .where(sql<string>`substr(name, 1, ${prefix.length})`, '=', prefix)
      .execute();
    return rows.map((r) => r.name);
  }

  async exists(name: string): Promise<boolean> {
    await this.settled();
    const row = await this.db
      .selectFrom('doc_heads')
      .select('name')
      .where('name', '=', name)
      .union(this.db.selectFrom('doc_snapshots').select('name').where('name', '=', name))
      .executeTakeFirst();
    return row !== undefined;
  }
}
