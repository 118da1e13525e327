// Document updates between sync-server instances. An instance adds each
// update it committed (document, sequence number, bytes) to one Redis stream;
// every instance reads the stream and hands each entry to its hub, which
// applies the entries of the documents it has loaded in sequence order.
//
// The stream is a fast path, not the record: the database is. An entry that
// never arrives (Redis restarted or trimmed the stream, the instance was cut
// off) shows as a gap in a room's sequence numbers, or is covered by the
// catch-up every room does from the database when the reader reconnects, so
// delivery is at least once and in order per document (sync/room.ts).
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { redact } from '../cluster/bus.js';
import type { Logger } from '../log.js';

export interface DocEntry {
  name: string;
  seq: number;
  update: Uint8Array;
}

export interface FanoutListener {
  /** An update another instance committed. */
  entry(entry: DocEntry): void;
  /** Entries may have been missed: catch every loaded document up from the database. */
  resync(): void;
}

export interface Fanout {
  /** After `entry` is committed: tells the other instances. Never throws; a lost entry is caught up. */
  publish(entry: DocEntry): void;
  listen(listener: FanoutListener): void;
  close(): Promise<void>;
}

export interface RedisFanoutOptions {
  stream?: string;
  /** Entries the stream keeps (roughly, unless `exactTrim`); a reader further behind catches up. */
  maxLength?: number;
  exactTrim?: boolean;
}

/** Entries read per XREAD; a full batch means the reader is behind and may have been trimmed past. */
const BATCH = 500;
const BLOCK_MS = 5000;

export function redisFanout(url: string, log: Logger, options: RedisFanoutOptions = {}): Fanout {
  const stream = options.stream ?? 'orrery:docs';
  const maxLength = options.maxLength ?? 10_000;
  const trim = options.exactTrim ? '=' : '~';
  const instance = randomUUID();
  // Commands wait while Redis is away and are sent (or resent) once it is back.
  const redisOptions = { maxRetriesPerRequest: null, enableOfflineQueue: true };
  const writer = new Redis(url, redisOptions);
  const reader = new Redis(url, redisOptions);
  let listener: FanoutListener | null = null;
  let closed = false;
  let reading: Promise<void> | null = null;

  for (const [role, connection] of [
    ['writer', writer],
    ['reader', reader],
  ] as const) {
    let down = false;
    connection.on('error', (err: Error) => {
      if (!down) log.warn(`fanout: Redis ${role} at ${redact(url)}: ${err.message}; retrying`);
      down = true;
    });
    connection.on('close', () => {
      down = true;
    });
    connection.on('ready', () => {
      if (!down) return;
      down = false;
      if (role === 'writer') return log.info('fanout: Redis writer is back');
      log.info('fanout: Redis reader is back; catching documents up from the database');
      // What was published meanwhile, or lost with a restarted Redis, is in the database.
      if (!closed) listener?.resync();
    });
  }

  const deliver = (fields: Buffer[]) => {
    const field = (key: string) => {
      for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i]!.toString() === key) return fields[i + 1]!;
      return undefined;
    };
    if (field('i')?.toString() === instance) return;
    const name = field('n')?.toString();
    const seq = Number(field('s')?.toString());
    const update = field('u');
    if (!name || !Number.isSafeInteger(seq) || !update) return;
    listener?.entry({ name, seq, update: new Uint8Array(update) });
  };

  /** The id of the stream's newest entry: reading starts after it, what came before is in the database. */
  const end = async (): Promise<string> => {
    const last = await reader.xrevrange(stream, '+', '-', 'COUNT', 1);
    return last[0]?.[0] ?? '0-0';
  };

  /** Whether entries after `lastId` were trimmed away before this reader got them. */
  const trimmedPast = async (lastId: string): Promise<boolean> => {
    const first = await reader.xrange(stream, '-', '+', 'COUNT', 1);
    const id = first[0]?.[0];
    return id !== undefined && compareIds(id, lastId) > 0;
  };

  const readLoop = async () => {
    let lastId: string | null = null;
    while (!closed) {
      try {
        if (lastId === null) {
          lastId = await end();
          // A room loaded while the end was looked up may have missed what came just before it.
          listener?.resync();
        }
        const before: string = lastId;
        const reply = await reader.xreadBuffer('COUNT', BATCH, 'BLOCK', BLOCK_MS, 'STREAMS', stream, before);
        if (!reply) continue;
        let count = 0;
        for (const [, entries] of reply) {
          for (const [id, fields] of entries) {
            lastId = id.toString();
            count += 1;
            deliver(fields);
          }
        }
        if (count === BATCH && (await trimmedPast(before))) listener?.resync();
      } catch (err) {
        if (closed) return;
        log.warn(`fanout: could not read the update stream: ${String(err)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };

  return {
    publish({ name, seq, update }) {
      writer
        .xadd(
          stream,
          'MAXLEN',
          trim,
          maxLength,
          '*',
          'i',
          instance,
          'n',
          name,
          's',
          String(seq),
          'u',
          Buffer.from(update.buffer, update.byteOffset, update.byteLength),
        )
        .catch((err: unknown) => {
          if (!closed) log.warn(`fanout: could not publish ${name}#${seq} (others catch up): ${String(err)}`);
        });
    },
    listen(l) {
      listener = l;
      reading ??= readLoop().catch((err: unknown) => {
        if (!closed) log.error(`fanout: the update stream reader stopped: ${String(err)}`);
      });
    },
    async close() {
      closed = true;
      writer.disconnect();
      reader.disconnect();
      // The reader's pending XREAD may never settle once disconnected: the loop is not waited for.
      await Promise.resolve();
    },
  };
}

/** Orders Redis stream ids ("<ms>-<n>"). */
function compareIds(a: string, b: string): number {
  const [am, an] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bn] = b.split('-').map(BigInt) as [bigint, bigint];
  if (am !== bm) return am < bm ? -1 : 1;
  return an === bn ? 0 : an < bn ? -1 : 1;
}
