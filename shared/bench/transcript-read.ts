// Benchmark (prints figures, asserts nothing): reading a 2,000-message session's
// transcript while an agent streams into it, as a screen does on every chunk.
// Compares the first read (everything decoded) with the reads after each
// streamed chunk (only the entry being written is read again).
// Run: npm run bench -w shared
import { SessionDoc } from '@orrery/shared';
import * as Y from 'yjs';

const MESSAGES = 2_000;
const CHUNKS = 200;
const ROUNDS = 5;

function longSession(): SessionDoc {
  const session = new SessionDoc(new Y.Doc()).init();
  for (let i = 0; i < MESSAGES / 2; i += 1) {
    session.enqueue({
      id: `m${i}`,
      authorId: 'u',
      createdAt: i,
      text: `Question ${i}: why?`,
      attachments: [],
    });
    session.beginTurn(`t${i}`, i);
    const answer = session.startAgentMessage(`a${i}`, `t${i}`, i);
    answer.append(`Step **${i}** fails because of this:\n\n\`\`\`ts\nconst value = compute(${i});\n\`\`\`\n`);
    answer.finish();
    session.endTurn();
  }
  return session;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const firsts: number[] = [];
const perChunk: number[] = [];
for (let round = 0; round < ROUNDS; round += 1) {
  // A fresh copy each round, as a device that just loaded it.
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(longSession().doc));
  const session = new SessionDoc(copy);
  let t = performance.now();
  session.transcript();
  firsts.push(performance.now() - t);
  const writer = session.startAgentMessage('streaming', null, 0);
  t = performance.now();
  for (let i = 0; i < CHUNKS; i += 1) {
    writer.append('another streamed chunk of the answer ');
    session.transcript();
  }
  perChunk.push((performance.now() - t) / CHUNKS);
}
const first = median(firsts);
const chunk = median(perChunk);
console.log(`a ${MESSAGES.toLocaleString('en')}-message transcript, median of ${ROUNDS} rounds`);
console.log(`  first read (every entry decoded)        ${first.toFixed(2)} ms`);
console.log(
  `  read again after each streamed chunk    ${chunk.toFixed(3)} ms  (${(chunk / first).toFixed(3)}× the first read)`,
);
