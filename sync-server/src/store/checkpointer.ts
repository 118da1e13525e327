// Moves SQLite's WAL checkpoints off the event loop: a worker thread with its
// own connection folds the WAL into the database file (and pays its fsync)
// while the server keeps appending; the server's connection never checkpoints
// on its own (wal_autocheckpoint = 0).
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { SqliteConnection as Db } from './database.js';

const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const tick = () => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} };
const timer = setInterval(tick, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); tick(); db.close(); parentPort.postMessage('closed'); });
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(db: Db, intervalMs = 1000): Checkpointer {
  db.pragma('wal_autocheckpoint = 0');
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, { eval: true, workerData: { file: db.name, module, intervalMs } });
  worker.unref();
  return {
    async stop() {
      await new Promise<void>((resolve) => {
        worker.once('message', () => resolve());
        worker.once('exit', () => resolve());
        worker.postMessage('stop');
      });
      await worker.terminate();
      db.pragma('wal_checkpoint(TRUNCATE)');
    },
  };
}
