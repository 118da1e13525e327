// Where Yjs documents are kept: a snapshot plus an append-only log of the
// updates since. Asynchronous so that a PostgreSQL implementation can fill
// the same interface; the SQLite one answers synchronously underneath.

export interface StoredDoc {
  /** The snapshot (if any) first, then every logged update in order. */
  updates: Uint8Array[];
  /** The sequence number of the last update kept, 0 when none. */
  seq: number;
  /** How many updates are in the log since the snapshot. */
  logLength: number;
}

export interface DocStore {
  load(name: string): Promise<StoredDoc>;
  /**
   * What a copy that holds every update through `afterSeq` lacks: the updates
   * after it, preceded by the snapshot when that folded in more than
   * `afterSeq` (updates are idempotent, so overlap is harmless); `seq` is
   * where the log ends. Another instance's commits are included.
   */
  loadAfter(name: string, afterSeq: number): Promise<StoredDoc>;
  /** Appends one update durably; resolves with its sequence number. */
  append(name: string, update: Uint8Array): Promise<number>;
  /**
   * Replaces the snapshot and every logged update up to and including
   * `throughSeq` with `snapshot`, in one transaction.
   */
  compact(name: string, snapshot: Uint8Array, throughSeq: number): Promise<void>;
  /** Forgets a document entirely. */
  remove(name: string): Promise<void>;
  /** The documents starting with `prefix` that have updates logged since their snapshot. */
  loggedNames(prefix: string): Promise<string[]>;
  /** Which of these names have anything stored. */
  exists(name: string): Promise<boolean>;
  /** The bytes stored for these documents together (snapshots plus logs), appends made so far included. */
  sizes(names: readonly string[]): Promise<number>;
}
