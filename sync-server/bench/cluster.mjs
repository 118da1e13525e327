// The cluster benchmark: two Orrery instances on PostgreSQL and Redis (every
// update committed in PostgreSQL before any instance broadcasts it), side by
// side with one Orrery instance on SQLite and the reference y-websocket@2
// server (keeps nothing), all in one run, driven by the official y-websocket
// client on loopback. Each document has one writer, on instance A; for half
// the documents its readers are on instance B (cross-instance), for the
// other half on A. Prints figures and ratios; the median of three runs.
//
//   npm run bench:cluster -w sync-server
//   BENCH_SECONDS (8), BENCH_REPEAT (3), BENCH_CLIENTS (1000,4000), BENCH_SERVERS (cluster,sqlite,reference)
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { SessionDoc } from '@orrery/shared';
import { startInstance, CLUSTER_ADMIN } from '../dist/testing/instances.js';
import { startPostgres } from '../dist/testing/postgres.js';
import { startRedis } from '../dist/testing/redis.js';
import {
  benchClient,
  fmt,
  makeSessionDocs,
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

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCENARIOS = [
  { clients: 1000, docs: 250 },
  { clients: 4000, docs: 1000 },
].filter(
  (s) => !process.env.BENCH_CLIENTS || process.env.BENCH_CLIENTS.split(',').includes(String(s.clients)),
);
const SERVERS = (process.env.BENCH_SERVERS ?? 'cluster,sqlite,reference').split(',');
const WRITE_SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
process.setMaxListeners(0);

let shared = null;
/** One PostgreSQL and one Redis for the whole run; a fresh database for each cluster run. */
async function backends() {
  shared ??= Promise.all([startPostgres(), startRedis()]);
  return shared;
}

async function startCluster() {
  const [postgres, redis] = await backends();
  const databaseUrl = await postgres.createDatabase();
  const cluster = { databaseUrl, redisUrl: redis.url, secretsKey: randomBytes(32).toString('base64') };
  const a = await startInstance('bench-a', cluster);
  const b = await startInstance('bench-b', cluster);
  const token = a.runnerToken();
  return {
    name: 'cluster',
    pids: [a.child.pid, b.child.pid],
    // Writers on A; readers on B for even documents, on A for odd ones.
    wsBase: (role, d) => (role === 'reader' && d % 2 === 0 ? b.wsUrl : a.wsUrl),
    crossInstance: (d) => d % 2 === 0,
    params: { token },
    makeDocs: (n) => makeSessionDocs(a.url, CLUSTER_ADMIN, n),
    async storedUpdates(names) {
      const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
      const { rows } = await pool.query('SELECT COUNT(*)::int AS n FROM doc_updates WHERE name = ANY($1)', [
        names,
      ]);
      await pool.end();
      return rows[0].n;
    },
    async stop() {
      await Promise.all([a.stop('SIGTERM'), b.stop('SIGTERM')]);
    },
  };
}

async function startSqlite() {
  const server = await startEmbedded(root, CLUSTER_ADMIN);
  return {
    name: 'sqlite',
    pids: [server.child.pid],
    wsBase: () => server.wsBase,
    crossInstance: () => false,
    params: { token: server.runnerToken },
    makeDocs: server.makeDocs,
    storedUpdates: async () => null,
    stop: server.stop,
  };
}

async function startReference() {
  const server = await startReferenceServer(root);
  return {
    name: 'reference',
    pids: [server.child.pid],
    wsBase: () => server.wsBase,
    crossInstance: () => false,
    params: {},
    makeDocs: server.makeDocs,
    storedUpdates: async () => null,
    stop: server.stop,
  };
}

const rss = (pids) => pids.reduce((sum, pid) => sum + rssKiB(pid), 0);

async function run(server, { clients, docs }) {
  const names = await server.makeDocs(docs);
  await sleep(1500);
  const baseline = rss(server.pids);
  const cross = [];
  const same = [];
  const providers = [];
  let received = 0;
  for (let i = 0; i < clients; i += 1) {
    const d = i % docs;
    const role = i < docs ? 'writer' : 'reader';
    const into = server.crossInstance(d) ? cross : same;
    const delivered = (ms) => {
      into.push(ms);
      received += 1;
    };
    providers.push(
      benchClient(server.wsBase(role, d), names[d], server.params, role === 'reader' ? delivered : null),
    );
    await syncAsMade(providers, i);
  }
  await Promise.all(providers.map(waitSynced));
  markHistory(providers);
  await sleep(2000);
  const connected = rss(server.pids);

  let sent = 0;
  const started = performance.now();
  for (let round = 0; round < WRITE_SECONDS; round += 1) {
    for (let d = 0; d < docs; d += 1) {
      const wait = started + round * 1000 + (d / docs) * 1000 - performance.now();
      if (wait > 1) await sleep(wait);
      new SessionDoc(providers[d].doc).addNotice({
        id: `r${round}d${d}`,
        turnId: null,
        level: 'info',
        text: String(performance.now()),
        now: 0,
      });
      sent += 1;
    }
  }
  const elapsed = (performance.now() - started) / 1000;
  const expected = sent * (clients / docs - 1);
  const deadline = performance.now() + 20_000;
  while (received < expected && performance.now() < deadline) await sleep(50);
  const stored = await server.storedUpdates(names);
  for (const p of providers) p.destroy();
  await sleep(500);
  cross.sort((x, y) => x - y);
  same.sort((x, y) => x - y);
  const all = [...cross, ...same].sort((x, y) => x - y);
  return {
    p50: percentile(all, 50),
    p99: percentile(all, 99),
    crossP50: percentile(cross, 50),
    crossP99: percentile(cross, 99),
    updatesPerSecond: sent / elapsed,
    received,
    expected,
    sent,
    stored: stored ?? NaN,
    perClientKiB: (connected - baseline) / clients,
  };
}

console.log(
  `Cluster benchmark: ${WRITE_SECONDS} s of writes per run, one update per document per second from its writer; the median of ${REPEAT} alternating runs per configuration.`,
);
const STARTERS = { cluster: startCluster, sqlite: startSqlite, reference: startReference };
for (const scenario of SCENARIOS) {
  const runs = Object.fromEntries(SERVERS.map((s) => [s, []]));
  for (let round = 0; round < REPEAT; round += 1) {
    for (const name of SERVERS) {
      const server = await STARTERS[name]();
      try {
        runs[name].push(await run(server, scenario));
      } finally {
        await server.stop();
      }
      await sleep(1000);
    }
  }
  const r = Object.fromEntries(SERVERS.map((s) => [s, median(runs[s]) ?? {}]));
  const ref = r.reference ?? {};
  console.log(
    `\n${scenario.clients} clients over ${scenario.docs} documents (${scenario.clients / scenario.docs} per document)`,
  );
  console.log(
    `  ${''.padEnd(34)}${SERVERS.map((s) => s.padStart(12)).join('')}   ${SERVERS.filter(
      (s) => s !== 'reference',
    )
      .map((s) => `${s}/ref`.padStart(13))
      .join('')}`,
  );
  const row = (label, key, digits = 2) =>
    console.log(
      `  ${label.padEnd(34)}${SERVERS.map((s) => fmt(r[s][key], digits).padStart(12)).join('')}   ${SERVERS.filter(
        (s) => s !== 'reference',
      )
        .map((s) => fmt(r[s][key] / ref[key]).padStart(13))
        .join('')}`,
    );
  row('broadcast p50, all readers (ms)', 'p50');
  row('broadcast p99, all readers (ms)', 'p99');
  console.log(
    `  ${'cross-instance p50 / p99 (ms)'.padEnd(34)}${fmt(r.cluster?.crossP50).padStart(12)} / ${fmt(r.cluster?.crossP99)}   cluster cross p99 / reference p99: ${fmt((r.cluster?.crossP99 ?? NaN) / (ref.p99 ?? NaN))}`,
  );
  row('updates written per second', 'updatesPerSecond', 0);
  row('memory per client (KiB)', 'perClientKiB', 1);
  console.log(
    `  ${'deliveries received'.padEnd(34)}${SERVERS.map((s) => `${r[s].received}/${r[s].expected}`.padStart(12)).join('')}`,
  );
  if (r.cluster)
    console.log(
      `  ${'updates in PostgreSQL (cluster)'.padEnd(34)}${`${r.cluster.stored}/${r.cluster.sent}`.padStart(12)}`,
    );
  for (const s of SERVERS) {
    if (runs[s].length > 1)
      console.log(`  (${s} p99 per run: ${runs[s].map((x) => fmt(x.p99)).join(', ')} ms)`);
  }
}
if (shared) for (const server of await shared) await server.stop();
process.exit(0);
