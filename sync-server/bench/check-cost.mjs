// What the checks on an incoming update cost, per update: the structural
// check alone and with the writer table (who may write which part).
//   npx tsc -b && node sync-server/bench/check-cost.mjs
import { SessionDoc } from '@orrery/shared';
import * as Y from 'yjs';
import { checkUpdate, ROOTS } from '../dist/sync/update-check.js';

const server = new Y.Doc();
const s = new SessionDoc(server).init();
for (let i = 0; i < 2000; i += 1)
  s.addNotice({ id: `n${i}`, turnId: null, level: 'info', text: 'x'.repeat(200), now: i });
const runner = new Y.Doc();
Y.applyUpdate(runner, Y.encodeStateAsUpdate(server));
const w = new SessionDoc(runner).startAgentMessage('a', null, 1);
Y.applyUpdate(server, Y.encodeStateAsUpdate(runner, Y.encodeStateVector(server)));
const chunks = [];
runner.on('update', (u) => chunks.push(u));
for (let i = 0; i < 20000; i += 1) w.append(`token ${i} `);
const person = new Y.Doc();
Y.applyUpdate(person, Y.encodeStateAsUpdate(server));
const queued = [];
person.on('update', (u) => queued.push(u));
for (let i = 0; i < 2000; i += 1)
  new SessionDoc(person).enqueue({
    id: `q${i}`,
    authorId: 'u1',
    createdAt: i,
    text: 'hello',
    attachments: [],
  });

function time(label, updates, writer) {
  for (const mode of ['structure only', 'with the writer table']) {
    const start = process.hrtime.bigint();
    let n = 0;
    for (let round = 0; round < 3; round += 1)
      for (const u of updates) {
        checkUpdate(server, u, ROOTS.session, mode === 'structure only' ? null : writer);
        n += 1;
      }
    const us = Number(process.hrtime.bigint() - start) / 1000 / n;
    console.log(`${label}, ${mode}: ${us.toFixed(2)} µs per update`);
  }
}
// The server holds the updates already: every check passes and runs to the end, as an accepted update's does.
Y.applyUpdate(server, Y.encodeStateAsUpdate(runner, Y.encodeStateVector(server)));
time('runner: one streamed chunk of agent text (2,000-entry document)', chunks, { kind: 'runner' });
time('person: one queued message', queued, { kind: 'person', userId: 'u1' });
