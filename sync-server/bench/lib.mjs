// What the broadcast and cluster benchmarks share: servers as child
// processes, resident memory, percentiles and medians, number formatting.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { SessionDoc } from '@orrery/shared';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function rssKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
}

export function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export function spawnServer(args, env, ready) {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const m = ready.exec(out);
      if (m) {
        clearInterval(timer);
        resolve({ child, match: m });
      } else if (child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`server exited: ${out}`));
      }
    }, 50);
  });
}

export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Each figure's median over the runs (the lower middle for an even count). */
export function median(list) {
  if (!list.length) return undefined;
  const out = {};
  for (const key of Object.keys(list[0])) {
    const values = list.map((x) => x[key]).sort((a, b) => a - b);
    out[key] = values[Math.floor((values.length - 1) / 2)];
  }
  return out;
}

export function waitSynced(p) {
  return p.synced ? Promise.resolve() : new Promise((r) => p.once('sync', r));
}

export const fmt = (n, d = 2) => (n === null || n === undefined || Number.isNaN(n) ? '—' : n.toFixed(d));

/** Signs in and makes `n` session documents, 20 at a time; returns their names. */
export async function makeSessionDocs(url, admin, n) {
  const api = async (token, method, route, body) => {
    const res = await fetch(`${url}${route}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return res.json();
  };
  const { token } = await api(null, 'POST', '/api/auth/login', admin);
  const { experts } = await api(token, 'GET', '/api/experts');
  const names = [];
  for (let i = 0; i < n; i += 20) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(20, n - i) }, () =>
        api(token, 'POST', '/api/sessions', { expertId: experts[0].id, prompt: 'bench' }),
      ),
    );
    names.push(...batch.map((r) => `session/${r.session.id}`));
  }
  return names;
}

/**
 * One Orrery sync server on the embedded SQLite store, in a fresh data
 * folder; `nodeArgs` go before the entry (BENCH_NODE_ARGS).
 */
export async function startEmbedded(root, admin, nodeArgs = []) {
  const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'orrery-bench-'));
  const { child, match } = await spawnServer(
    [...nodeArgs, path.join(root, 'sync-server/dist/main.js')],
    {
      ORRERY_PORT: '0',
      ORRERY_DATA_DIR: dataDir,
      ORRERY_ADMIN_EMAIL: admin.email,
      ORRERY_ADMIN_PASSWORD: admin.password,
      ORRERY_WEB_DIR: dataDir,
      ORRERY_DATABASE_URL: '',
      ORRERY_REDIS_URL: '',
    },
    /listening on (http:\/\/\S+)/,
  );
  const url = match[1];
  return {
    child,
    dataDir,
    wsBase: `${url.replace('http', 'ws')}/sync`,
    // Notices are the runner's to write: the clients speak with the runner's service token.
    runnerToken: readFileSync(path.join(dataDir, 'runner.token'), 'utf8').trim(),
    makeDocs: (n) => makeSessionDocs(url, admin, n),
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The reference y-websocket@2 server (keeps nothing), and document names for it. */
export async function startReferenceServer(root) {
  const path = await import('node:path');
  const port = await freePort();
  const { child } = await spawnServer(
    [path.join(root, 'node_modules/y-websocket-v2/bin/server.cjs')],
    { HOST: '127.0.0.1', PORT: String(port) },
    /running at/,
  );
  let n = 0;
  return {
    child,
    wsBase: `ws://127.0.0.1:${port}`,
    async makeDocs(count) {
      n += 1;
      return Array.from({ length: count }, (_, i) => `session/bench${n}-${i}`);
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/**
 * A y-websocket client of one document. `delivered(ms, entry)` is called for
 * each notice that reaches it from the server (its text is the moment it was
 * sent), once the client's history was marked with markHistory.
 */
export function benchClient(wsBase, name, params, delivered = null) {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(wsBase, name, doc, {
    WebSocketPolyfill: WebSocket,
    params,
    disableBc: true,
  });
  if (delivered) {
    const session = new SessionDoc(doc);
    let seen = -1;
    doc.on('update', (_u, origin) => {
      if (origin !== provider) return;
      const now = performance.now();
      const entries = session.transcript();
      if (seen < 0) seen = entries.length;
      for (let k = seen; k < entries.length; k += 1) {
        const sentAt = Number(entries[k].text);
        if (entries[k].kind === 'notice' && !Number.isNaN(sentAt)) delivered(now - sentAt, entries[k]);
      }
      seen = entries.length;
    });
  }
  return provider;
}

/** Marks where each client starts counting: everything it has now is history. */
export function markHistory(providers) {
  for (const p of providers) p.doc.emit('update', [new Uint8Array(), p, p.doc, null]);
}

/** Waits for the clients to sync, 200 at a time while they are being made (`i` is the last one's index). */
export async function syncAsMade(providers, i) {
  if (i % 200 === 199) await Promise.all(providers.slice(i - 199, i + 1).map(waitSynced));
}
