// The app:// handler is the desktop app's only web server. A request the
// renderer (or a page inside it) makes with a broken %-escape must get an
// answer rather than throw inside Electron's protocol handler, and the policy
// it serves must not let a transcript make the app fetch remote images.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveAppRequest } from './app-protocol.js';

let dir: string;
let renderer: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'orrery-app-'));
  renderer = path.join(dir, 'renderer');
  mkdirSync(renderer, { recursive: true });
  writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><div id="root"></div>');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function imageSources(policy: string): string[] {
  const directive = policy
    .split(';')
    .map((d) => d.trim().split(/\s+/))
    .find(([name]) => name === 'img-src');
  return directive?.slice(1) ?? [];
}

describe('the app:// protocol under attack', () => {
  it('answers a malformed %-escape with 400 instead of throwing', async () => {
    for (const url of ['app://orrery/%E0%A4%A', 'app://orrery/assets/%zz.js', 'app://orrery/%']) {
      const res = await serveAppRequest(renderer, url);
      expect(res.status, url).toBe(400);
      expect(await res.text()).toContain('malformed');
    }
  });

  it('allows images only from the app itself and local data, in the header and in the page', async () => {
    const res = await serveAppRequest(renderer, 'app://orrery/');
    const header = res.headers.get('content-security-policy') ?? '';
    const page = readFileSync(path.join(import.meta.dirname, '..', '..', 'index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(page)?.[1] ?? '';
    for (const policy of [header, meta]) {
      expect(imageSources(policy).sort()).toEqual(["'self'", 'blob:', 'data:']);
    }
  });
});
