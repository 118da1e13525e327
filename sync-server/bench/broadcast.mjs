// Broadcast latency and server memory per connected client: Orrery's sync
// server (every update appended to SQLite before it is broadcast) side by side
// with the reference y-websocket@2 server (keeps nothing), both driven by the
// official y-websocket client on loopback. Prints figures and ratios.
//
//   npm run bench -w sync-server
//   BENCH_SECONDS (8), BENCH_REPEAT (2), BENCH_CLIENTS (1000,4000), BENCH_SERVERS (orrery,reference)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { SessionDoc } from '@orrery/shared';
import {
  benchClient,
  fmt,
  median,
  percentile,
  rssKiB,
  sleep,
  startEmbedded,
  startReferenceServer,
  waitSynced,
  markHistory,
  syncAsMade,
} from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.resolve(here, '..');
const root = path.resolve(packageDir, '..');
const SCENARIOS = [
  { clients: 1000, docs: 500 },
  { clients: 4000, docs: 1000 },
].filter(
  (s) => !process.env.BENCH_CLIENTS || process.env.BENCH_CLIENTS.split(',').includes(String(s.clients)),
);
const SERVERS = (process.env.BENCH_SERVERS ?? 'orrery,reference').split(',');
const WRITE_SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
/** Each server runs this many times, alternating, and the median run is reported: the machine is shared. */
const REPEAT = Number(process.env.BENCH_REPEAT ?? 2);
const ADMIN = { email: 'bench@example.com', password: 'benchmark password' };
process.setMaxListeners(0);

async function startOrrery() {
  const nodeArgs = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [];
  const server = await startEmbedded(root, ADMIN, nodeArgs);
  return {
    name: 'orrery',
    pid: server.child.pid,
    wsBase: server.wsBase,
    params: { token: server.runnerToken },
    makeDocs: server.makeDocs,
    storedUpdates(names) {
      const db = new Database(path.join(server.dataDir, 'orrery.sqlite'), { readonly: true });
      const count = db
        .prepare(`SELECT COUNT(*) AS n FROM doc_updates WHERE name IN (SELECT value FROM json_each(?))`)
        .get(JSON.stringify(names)).n;
      db.close();
      return count;
    },
    stop: server.stop,
  };
}

async function startReference() {
  const server = await startReferenceServer(root);
  return {
    name: 'reference',
    pid: server.child.pid,
    wsBase: server.wsBase,
    params: {},
    makeDocs: server.makeDocs,
    storedUpdates: () => null,
    stop: server.stop,
  };
}

async function run(server, { clients, docs }) {
  const names = await server.makeDocs(docs);
  await sleep(1500);
  const baseline = rssKiB(server.pid);
  const latencies = [];
  const providers = [];
  let received = 0;
  for (let i = 0; i < clients; i += 1) {
    const provider = benchClient(server.wsBase, names[i % docs], server.params, (ms, entry) => {
      // A client's own notices are not deliveries to it.
      if (entry.id.endsWith(`c${i}`)) return;
      latencies.push(ms);
      received += 1;
    });
    providers.push(provider);
    await syncAsMade(providers, i);
  }
  await Promise.all(providers.map(waitSynced));
  markHistory(providers);
  await sleep(2000);
  const connected = rssKiB(server.pid);

  // Every document gets one update a second from one of its clients, spread over the second.
  const perDoc = clients / docs;
  let sent = 0;
  const started = performance.now();
  for (let round = 0; round < WRITE_SECONDS; round += 1) {
    for (let d = 0; d < docs; d += 1) {
      const due = started + round * 1000 + (d / docs) * 1000;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const w = d + docs * (round % perDoc);
      new SessionDoc(providers[w].doc).addNotice({
        id: `r${round}d${d}c${w}`,
        turnId: null,
        level: 'info',
        text: String(performance.now()),
        now: 0,
      });
      sent += 1;
    }
  }
  const expected = sent * (perDoc - 1);
  const deadline = performance.now() + 15_000;
  while (received < expected && performance.now() < deadline) await sleep(50);
  const after = rssKiB(server.pid);
  const stored = server.storedUpdates(names);
  for (const p of providers) p.destroy();
  await sleep(500);
  latencies.sort((a, b) => a - b);
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1),
    received,
    expected,
    sent,
    stored,
    perClientKiB: (connected - baseline) / clients,
    afterWritesKiB: (after - baseline) / clients,
  };
}

console.log(
  `Broadcast benchmark: ${WRITE_SECONDS} s of writes per run, one update per document per second; the median of ${REPEAT} alternating runs per server.`,
);
for (const scenario of SCENARIOS) {
  const runs = { orrery: [], reference: [] };
  for (let round = 0; round < REPEAT; round += 1) {
    for (const start of [startOrrery, startReference].filter((f) =>
      SERVERS.includes(f === startOrrery ? 'orrery' : 'reference'),
    )) {
      const server = await start();
      try {
        runs[server.name].push(await run(server, scenario));
      } finally {
        await server.stop();
      }
      await sleep(1000);
    }
  }
  const results = { orrery: median(runs.orrery), reference: median(runs.reference) };
  for (const [name, list] of Object.entries(runs)) {
    if (list.length > 1) console.log(`  (${name} p99 per run: ${list.map((x) => fmt(x.p99)).join(', ')} ms)`);
  }
  const none = {
    p50: NaN,
    p99: NaN,
    max: NaN,
    perClientKiB: NaN,
    afterWritesKiB: NaN,
    received: 0,
    expected: 0,
    sent: 0,
    stored: null,
  };
  const o = results.orrery ?? none;
  const r = results.reference ?? none;
  console.log(
    `\n${scenario.clients} clients over ${scenario.docs} session documents (${scenario.clients / scenario.docs} per document)`,
  );
  console.log('                                 orrery   reference   orrery/reference');
  console.log(
    `  broadcast p50 (ms)          ${fmt(o.p50).padStart(9)} ${fmt(r.p50).padStart(11)} ${fmt(o.p50 / r.p50).padStart(18)}`,
  );
  console.log(
    `  broadcast p99 (ms)          ${fmt(o.p99).padStart(9)} ${fmt(r.p99).padStart(11)} ${fmt(o.p99 / r.p99).padStart(18)}`,
  );
  console.log(`  broadcast max (ms)          ${fmt(o.max).padStart(9)} ${fmt(r.max).padStart(11)}`);
  console.log(
    `  memory per client (KiB)     ${fmt(o.perClientKiB, 1).padStart(9)} ${fmt(r.perClientKiB, 1).padStart(11)} ${fmt(o.perClientKiB / r.perClientKiB).padStart(18)}`,
  );
  console.log(
    `  … after the writes (KiB)    ${fmt(o.afterWritesKiB, 1).padStart(9)} ${fmt(r.afterWritesKiB, 1).padStart(11)}`,
  );
  console.log(
    `  deliveries received         ${`${o.received}/${o.expected}`.padStart(9)} ${`${r.received}/${r.expected}`.padStart(11)}`,
  );
  console.log(`  updates stored in SQLite    ${`${o.stored}/${o.sent}`.padStart(9)} ${'none'.padStart(11)}`);
}
process.exit(0);
