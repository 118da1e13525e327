// What the broadcast and cluster benchmarks share: servers as child
// processes, resident memory, percentiles and medians, number formatting.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

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
