import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveAppRequest } from './app-protocol.js';

let dir: string;
let renderer: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'orrery-app-'));
  renderer = path.join(dir, 'renderer');
  mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(dir, 'secret.txt'), 'do not serve');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the app:// protocol', () => {
  it('serves assets with their type and a strict content security policy', async () => {
    const res = await serveAppRequest(renderer, 'app://orrery/assets/app.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("object-src 'none'");
  });

  it('answers client-side routes with the app shell', async () => {
    const res = await serveAppRequest(renderer, 'app://orrery/session/abc');
    expect(await res.text()).toContain('<div id="root">');
  });

  it('never serves files outside the renderer folder', async () => {
    for (const url of [
      'app://orrery/../secret.txt',
      'app://orrery/%2e%2e/secret.txt',
      'app://orrery/assets/..%2f..%2fsecret.txt',
    ]) {
      const res = await serveAppRequest(renderer, url);
      expect(await res.text()).not.toContain('do not serve');
    }
    expect((await serveAppRequest(renderer, 'app://evil/index.html')).status).toBe(404);
  });
});
