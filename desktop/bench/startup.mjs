// Benchmark (prints figures, asserts nothing): in Debian's Chromium, with the
// built web app (desktop/dist/renderer) served from a local folder,
//   1. cold start to an interactive sidebar with 10,000 cached sessions, and
//   2. opening a cached session of 2,000 messages (until its newest messages show),
//      in the running app (after it has fetched and warmed up the session view when idle),
//      a session opened before on this device, and every other run one that never was
//      (its document is stored, the end of its transcript is not: the whole document is read).
// Targets: under 500 ms and under 150 ms. The account points at a server that is
// not running, so everything comes from the local cache, as when offline.
// Run: npm run build -w desktop && node desktop/bench/startup.mjs [runs]
// BENCH_TIMELINE=1 prints the app's performance marks for each open; BENCH_PROFILE=1
// where the first start and an open spend their time (JavaScript, by function), and
// BENCH_TRACE=1 the main thread of an open by trace event; BENCH_PROFILE_RUN=<n> picks
// the run (odd runs are first-time opens).
// (The functions passed to page.evaluate run in the page, with the browser's globals.)
/* global localStorage, indexedDB, document, location, requestAnimationFrame */
import { SessionDoc, UserDoc, sessionDocName, userDocName } from '@orrery/shared';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_LAUNCH } from '../../build/chromium.mjs';
import * as Y from 'yjs';

const RUNS = Number(process.argv[2] ?? 8);
const SESSIONS = 10_000;
const MESSAGES = 2_000;
const dist = path.resolve(import.meta.dirname, '../dist/renderer');
if (!existsSync(path.join(dist, 'index.html'))) {
  console.error('Build the web app first: npm run build -w desktop');
  process.exit(1);
}

const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
};
// A page of the app's origin without the app, to change its storage before it starts.
const BLANK = '/bench-blank';
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === BLANK)
    return void res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html>');
  let file = path.join(dist, path.normalize(url.pathname));
  if (!file.startsWith(dist) || !existsSync(file) || statSync(file).isDirectory())
    file = path.join(dist, 'index.html');
  // The same caching as the sync server's: hashed assets are immutable, the page is not cached.
  const immutable = url.pathname.startsWith('/assets/');
  res.writeHead(200, {
    'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  res.end(readFileSync(file));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const appUrl = `http://127.0.0.1:${server.address().port}`;

// ── the cached data ──
const now = Date.now();
const user = {
  id: 'benchuser',
  orgId: 'org',
  email: 'bench@orrery.test',
  name: 'Bench',
  role: 'member',
  createdAt: now,
};
const account = {
  serverUrl: 'http://127.0.0.1:9',
  token: 'offline-token',
  user,
  organisation: { id: 'org', name: 'Bench org', createdAt: now },
};
const sessions = Array.from({ length: SESSIONS }, (_, i) => ({
  id: `s${i}`,
  orgId: 'org',
  ownerId: i % 3 ? user.id : 'someone',
  expertId: 'shell',
  environmentId: null,
  title: `Session ${i}: ${['fix the build', 'migrate the database', 'review the pull request', 'write the docs'][i % 4]}`,
  visibility: i % 5 ? 'shared' : 'private',
  archived: i % 17 === 0,
  origin: 'manual',
  triggerId: null,
  createdAt: now - i * 60_000,
  updatedAt: now - i * 60_000,
  clock: SESSIONS - i,
  ownerName: i % 3 ? 'Bench' : 'Someone',
  expertName: 'Shell',
  access: i % 3 ? 'owner' : 'member',
}));

const userY = new Y.Doc();
const userDoc = new UserDoc(userY).init();
for (let i = 0; i < 3; i += 1) userDoc.createFolder(`f${i}`, `Folder ${i}`);
for (let i = 0; i < 30; i += 1) userDoc.pin(`s${i * 7}`, { folderId: i % 2 ? `f${i % 3}` : null });
for (let i = 0; i < 50; i += 1) userDoc.markOpened(`s${i}`, now - i * 1000);

const openId = 's1';
const sessionY = new Y.Doc();
const sessionDoc = new SessionDoc(sessionY).init();
for (let i = 0; i < MESSAGES / 2; i += 1) {
  sessionDoc.enqueue({
    id: `m${i}`,
    authorId: user.id,
    createdAt: i,
    text: `Question ${i}: why does step ${i} fail?`,
    attachments: [],
  });
  sessionDoc.beginTurn(`t${i}`, i);
  const a = sessionDoc.startAgentMessage(`a${i}`, `t${i}`, i);
  a.append(
    `Step **${i}** fails because of this:\n\n\`\`\`ts\nconst value = compute(${i});\nif (!value) throw new Error('step ${i}');\n\`\`\`\n`,
  );
  a.finish();
  sessionDoc.endTurn();
}
const docs = [
  [userDocName(user.id), Array.from(Y.encodeStateAsUpdate(userY))],
  [sessionDocName(openId), Array.from(Y.encodeStateAsUpdate(sessionY))],
];

const browser = await chromium.launch(CHROMIUM_LAUNCH);
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const seedPage = await context.newPage();
await seedPage.goto(appUrl);
await seedPage.evaluate(
  async ({ account, sessions, docs }) => {
    localStorage.setItem('orrery.account', JSON.stringify(account));
    const name = `orrery:${account.serverUrl}|${account.user.id}`;
    const db = await new Promise((resolve, reject) => {
      const req = indexedDB.open(name, 1);
      req.onupgradeneeded = () => {
        req.result.createObjectStore('updates', { autoIncrement: true }).createIndex('name', 'name');
        req.result.createObjectStore('kv');
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const tx = db.transaction(['updates', 'kv'], 'readwrite');
    tx.objectStore('kv').put(
      JSON.stringify({ sessions, clock: sessions.length, savedAt: Date.now() }),
      'sessionList',
    );
    for (const [docName, bytes] of docs)
      tx.objectStore('updates').add({ name: docName, update: new Uint8Array(bytes) });
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  },
  { account, sessions, docs },
);
// Open the session once, as a person would have before: the app keeps the end
// of its transcript in the view cache for the next time.
await seedPage.goto(`${appUrl}/#/s/${openId}`);
await seedPage.reload();
await seedPage.getByText('Step 999', { exact: false }).first().waitFor({ timeout: 30_000 });
await seedPage.waitForTimeout(1_500);
await seedPage.close();

const coldStart = [];
const phases = [];
const openSession = [];
const openFirstTime = [];
const wholeDoc = [];
// BENCH_PROFILE=1 prints where the first cold start and the first open spend their
// time (self time by function, mapped back to sources through the source maps).
const maps = new Map();
function originOf({ url, lineNumber, columnNumber }) {
  const file = url.split('/').pop();
  if (!file || !file.endsWith('.js')) return `${file}:${lineNumber}`;
  if (!maps.has(file)) {
    const mapFile = path.join(dist, 'assets', `${file}.map`);
    maps.set(file, existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))) : null);
  }
  const entry = maps.get(file)?.findEntry(lineNumber, columnNumber);
  return entry?.originalSource
    ? `${entry.originalSource.split('node_modules/').pop()}:${entry.originalLine + 1}`
    : `${file}:${lineNumber}`;
}

// BENCH_TRACE=1 prints where the main thread's time goes during that open by trace
// event (style, layout, paint, script, storage), from a Chromium trace.
async function traced(page, fn) {
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', ({ value }) => events.push(...value));
  const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', {
    traceConfig: {
      includedCategories: [
        'devtools.timeline',
        'disabled-by-default-devtools.timeline',
        'v8',
        'disabled-by-default-v8.compile',
      ],
    },
  });
  await fn();
  await cdp.send('Tracing.end');
  await done;
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const totals = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || !main || e.tid !== main.tid || e.pid !== main.pid) continue;
    totals.set(e.name, (totals.get(e.name) ?? 0) + (e.dur ?? 0) / 1000);
  }
  console.log('main thread by trace event (ms, nested events counted in each):');
  for (const [k, v] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, 20))
    console.log(`  ${v.toFixed(1).padStart(7)}  ${k}`);
}

async function profiled(page, fn) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await fn();
  const { profile } = await cdp.send('Profiler.stop');
  const self = new Map();
  const dt = profile.timeDeltas;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  profile.samples.forEach((id, i) => {
    const n = byId.get(id);
    const key = `${n.callFrame.functionName || '(anon)'} ${originOf(n.callFrame)}`;
    self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
  });
  console.log('top self time (ms):');
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25))
    console.log(`  ${v.toFixed(1).padStart(7)}  ${k}`);
}

const accountKey = `${account.serverUrl}|${account.user.id}`;
const hasTail = async ({ key, id }) => {
  const db = await new Promise((resolve, reject) => {
    const req = indexedDB.open(`orrery:${key}`);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const value = await new Promise((resolve) => {
    const req = db.transaction('kv').objectStore('kv').get(`view:tail:${id}`);
    req.onsuccess = () => resolve(req.result);
  });
  db.close();
  return typeof value === 'string';
};

for (let run = 0; run < RUNS; run += 1) {
  const page = await context.newPage();
  // Every other run opens the session as if for the first time on this device: no cached
  // tail, on disk or in memory, so the whole document is read before anything shows.
  const firstTime = run % 2 === 1;
  if (firstTime) {
    await page.goto(`${appUrl}${BLANK}`);
    await page.evaluate(
      async ({ key, id }) => {
        const db = await new Promise((resolve, reject) => {
          const req = indexedDB.open(`orrery:${key}`);
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        });
        const tx = db.transaction('kv', 'readwrite');
        tx.objectStore('kv').delete(`view:tail:${id}`);
        await new Promise((r) => (tx.oncomplete = r));
        db.close();
      },
      { key: accountKey, id: openId },
    );
  }
  if (process.env.BENCH_VERBOSE) page.on('console', (m) => console.log(`  ${m.text()}`));
  if (process.env.BENCH_PROFILE && run === 0) {
    await profiled(page, async () => {
      await page.goto(`${appUrl}/#/`);
      await page.waitForFunction(() => performance.getEntriesByName('orrery:sidebar-ready').length > 0);
    });
    await page.goto('about:blank');
  }
  await page.goto(`${appUrl}/#/`);
  await page.waitForFunction(() => performance.getEntriesByName('orrery:sidebar-ready').length > 0, null, {
    timeout: 30_000,
  });
  const ready = await page.evaluate(() => {
    const at = (name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
    const nav = performance.getEntriesByType('navigation')[0];
    const rows = document.querySelectorAll('.sidebar .session-row').length;
    return {
      ms: at('orrery:sidebar-ready'),
      rows,
      phases: {
        html: nav.responseEnd,
        modules: at('orrery:modules-evaluated'),
        account: at('orrery:account-start'),
        storage: at('orrery:storage-open'),
        cache: at('orrery:cache-loaded'),
        sidebar: at('orrery:sidebar-ready'),
      },
    };
  });
  phases.push(ready.phases);
  if (ready.rows === 0) throw new Error('The sidebar showed no cached sessions; the seed did not take.');
  coldStart.push(ready.ms);
  // When idle after start-up the app fetches the session view's code and warms
  // it up; a person opens a session after that, so the measurement does too.
  await page.waitForFunction(() => performance.getEntriesByName('orrery:warmed-up').length > 0, null, {
    timeout: 30_000,
  });

  if (process.env.BENCH_TIMELINE) {
    const warm = await page.evaluate(
      () => performance.getEntriesByName('orrery:warm-up-documents')[0]?.duration,
    );
    console.log(`  warm-up of document reading took ${warm?.toFixed(0)} ms (when idle, before the open)`);
  }
  const openIt = () =>
    page.evaluate(async (id) => {
      const t0 = performance.now();
      location.hash = `#/s/${id}`;
      const shown = await new Promise((resolve) => {
        const check = () => {
          const rows = document.querySelectorAll('.transcript-row');
          const last = rows[rows.length - 1]?.textContent ?? '';
          if (rows.length && last.includes('Step 999')) resolve(performance.now() - t0);
          else requestAnimationFrame(check);
        };
        check();
      });
      // And until the whole document is loaded and shown (the list can scroll to the first message).
      const whole = await new Promise((resolve) => {
        const check = () => {
          const loaded = performance.getEntriesByName(`orrery:doc-loaded:session/${id}`).length > 0;
          const inner = document.querySelector('.transcript-inner');
          if (loaded && inner && inner.scrollHeight > 50_000) resolve(performance.now() - t0);
          else requestAnimationFrame(check);
        };
        check();
      });
      const marks = performance
        .getEntriesByType('mark')
        .filter((m) => m.startTime >= t0)
        .map((m) => `${m.name.split(':').slice(1, 3).join(':')}@${(m.startTime - t0).toFixed(0)}`);
      return { shown, whole, marks };
    }, openId);
  let opened;
  const watched = run === Number(process.env.BENCH_PROFILE_RUN ?? 0);
  if (process.env.BENCH_PROFILE && watched) await profiled(page, async () => (opened = await openIt()));
  else if (process.env.BENCH_TRACE && watched) await traced(page, async () => (opened = await openIt()));
  else opened = await openIt();
  (firstTime ? openFirstTime : openSession).push(opened.shown);
  // BENCH_SCREENSHOT=<file.png> keeps what the first open looked like, to check by eye.
  if (process.env.BENCH_SCREENSHOT && run === 0)
    await page.screenshot({ path: process.env.BENCH_SCREENSHOT });
  // The app writes the tail again about a second after opening; the next run needs it.
  if (firstTime) {
    const until = Date.now() + 10_000;
    while (!(await page.evaluate(hasTail, { key: accountKey, id: openId }))) {
      if (Date.now() > until) throw new Error('The app did not write the end of the transcript again.');
      await page.waitForTimeout(100);
    }
  }
  if (process.env.BENCH_TIMELINE)
    console.log(
      `  ${firstTime ? 'first' : 'again'}: shown ${opened.shown.toFixed(0)} whole ${opened.whole.toFixed(0)} · ${opened.marks.join(' ')}`,
    );
  wholeDoc.push(opened.whole);
  await page.close();
}

await browser.close();
server.close();

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
};
const row = (label, xs, target) => {
  const { median, min, max } = stats(xs);
  return `${label.padEnd(52)} median ${median.toFixed(0).padStart(4)} ms  (min ${min.toFixed(0)}, max ${max.toFixed(0)}, ${xs.length} runs; target < ${target} ms)`;
};
console.log(
  `Chromium, ${SESSIONS.toLocaleString('en')} cached sessions, a ${MESSAGES.toLocaleString('en')}-message session`,
);
console.log(row('cold start to an interactive sidebar', coldStart, 500));
console.log(row('open the 2,000-message session (newest shown)', openSession, 150));
console.log(row('  the same, first time on this device (no cached tail)', openFirstTime, 150));
console.log(row('  until the whole document is loaded and scrollable', wholeDoc, 150));
const median = (key) => stats(phases.map((p) => p[key])).median.toFixed(0);
console.log(
  `  start-up phases (median ms since navigation): html ${median('html')} · modules evaluated ${median('modules')} · ` +
    `account read ${median('account')} · storage open ${median('storage')} · cache loaded ${median('cache')} · sidebar ${median('sidebar')}`,
);
