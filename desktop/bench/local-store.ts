// Benchmark of the desktop app's local store (issue: desktop app). Builds a
// store with 10,000 cached sessions and 200,000 cached messages, then times
// the session list, a full-text query and loading a 2,000-message session.
// Run: npm run bench:store -w desktop
import { SessionDoc, type SessionListItem } from '@orrery/shared';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import { LocalStore } from '../src/electron-main/store/local-store.js';

const SESSIONS = 10_000;
const MESSAGES = 200_000;
const BIG_SESSION_MESSAGES = 2_000;
const WORDS =
  'deploy build test cart login billing parser cache queue worker schema migrate render sidebar token index search retry lease socket'.split(
    ' ',
  );

function sentence(i: number): string {
  const w = (k: number) => WORDS[(i * 7 + k * 13) % WORDS.length];
  return `Please ${w(1)} the ${w(2)} and check the ${w(3)} before the ${w(4)} runs (#${i}).`;
}

function item(i: number): SessionListItem {
  return {
    id: `s${i}`,
    orgId: 'o',
    ownerId: 'u',
    expertId: 'e',
    environmentId: null,
    title: `Session ${i}: ${WORDS[i % WORDS.length]} ${WORDS[(i * 3) % WORDS.length]}`,
    visibility: i % 3 ? 'shared' : 'private',
    archived: i % 10 === 0,
    origin: 'manual',
    triggerId: null,
    createdAt: i,
    updatedAt: i,
    clock: i,
    ownerName: 'Ada',
    expertName: 'Shell',
    access: 'owner',
  };
}

function sessionUpdate(id: string, count: number, offset: number): Uint8Array {
  const doc = new Y.Doc();
  const s = new SessionDoc(doc);
  for (let m = 0; m < count; m++) {
    if (m % 2 === 0) {
      s.enqueue({
        id: `${id}-${m}`,
        authorId: 'u',
        createdAt: m,
        text: sentence(offset + m),
        attachments: [],
      });
      s.beginTurn(`${id}-t${m}`, m);
    } else {
      const w = s.startAgentMessage(`${id}-${m}`, `${id}-t${m - 1}`, m);
      w.append(sentence(offset + m));
      w.finish();
    }
  }
  return Y.encodeStateAsUpdate(doc);
}

function time<T>(fn: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

const dir = mkdtempSync(path.join(tmpdir(), 'orrery-bench-store-'));
const store = new LocalStore(path.join(dir, 'bench.sqlite'));
try {
  const setup = performance.now();
  store.saveSessionList(
    Array.from({ length: SESSIONS }, (_, i) => item(i)),
    SESSIONS,
    Date.now(),
  );
  const perSession = Math.floor((MESSAGES - BIG_SESSION_MESSAGES) / (SESSIONS - 1));
  store.db.transaction(() => {
    for (let i = 1; i < SESSIONS; i++)
      store.appendDoc(`session/s${i}`, sessionUpdate(`s${i}`, perSession, i * 100));
    store.appendDoc('session/s0', sessionUpdate('s0', BIG_SESSION_MESSAGES, 0));
  })();
  for (let i = 0; i < SESSIONS; i++) store.indexSession(`s${i}`);
  const indexed = (store.db.prepare('SELECT count(*) AS n FROM messages_fts').get() as { n: number }).n;
  console.log(
    `set-up: ${SESSIONS} sessions, ${indexed} indexed messages in ${((performance.now() - setup) / 1000).toFixed(1)} s`,
  );

  const runs = 15;
  const list = Array.from({ length: runs }, () => time(() => store.listSessions()));
  // Two words that occur together in some messages (see sentence()).
  const query = (i: number) => `${WORDS[(i * 7 + 13) % WORDS.length]} ${WORDS[(i * 7 + 39) % WORDS.length]}`;
  const fts = Array.from({ length: runs }, (_, i) => time(() => store.search(query(i * 31), 50)));
  const load = Array.from({ length: runs }, () =>
    time(() => {
      const doc = new Y.Doc();
      for (const u of store.loadDoc('session/s0')) Y.applyUpdate(doc, u);
      return doc;
    }),
  );
  const read = load.map((r) => time(() => new SessionDoc(r.value).transcript().length));
  const rows = [
    ['session list (all 10,000)', median(list.map((r) => r.ms)), 50, `${list[0]?.value.length} rows`],
    ['full-text query (2 words)', median(fts.map((r) => r.ms)), 20, `${fts[0]?.value.length} hits`],
    ['2,000-message session loaded', median(load.map((r) => r.ms)), 50, 'read from SQLite into a Y.Doc'],
    ['  … and its transcript read', median(read.map((r) => r.ms)), 50, `${read[0]?.value} entries`],
  ] as const;
  console.log('\nmeasure                          median ms   target ms   ratio   result');
  for (const [name, ms, target, note] of rows) {
    console.log(
      `${name.padEnd(32)} ${ms.toFixed(2).padStart(9)}   ${String(target).padStart(9)}   ${(ms / target).toFixed(2).padStart(5)}   ${note}`,
    );
  }
} finally {
  store.close();
  rmSync(dir, { recursive: true, force: true });
}
