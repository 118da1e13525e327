import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { webRoutes } from './static.js';

const dir = mkdtempSync(path.join(tmpdir(), 'orrery-web-'));
mkdirSync(path.join(dir, 'assets'));
writeFileSync(path.join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
writeFileSync(path.join(dir, 'assets', 'app-3f2a1c.js'), 'console.log(1)');
writeFileSync(path.join(dir, 'favicon.svg'), '<svg/>');
writeFileSync(path.join(tmpdir(), 'orrery-web-secret.txt'), 'secret');
const app = webRoutes(dir);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the web app', () => {
  it('serves index.html without caching and hashed assets for a year', async () => {
    const index = await app.request('/');
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(await index.text()).toContain('root');
    const asset = await app.request('/assets/app-3f2a1c.js');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await app.request('/favicon.svg')).headers.get('cache-control')).toBe('no-cache');
  });

  it('falls back to index.html for app routes, but not for missing assets, the API or escapes', async () => {
    const route = await app.request('/sessions/abc');
    expect(await route.text()).toContain('root');
    expect((await app.request('/assets/gone.js')).status).toBe(404);
    expect((await app.request('/api/whatever')).status).toBe(404);
    const escape = await app.request('/..%2forrery-web-secret.txt');
    expect(await escape.text()).not.toContain('secret');
  });

  it('says how to build the app when it is missing', async () => {
    const res = await webRoutes(path.join(dir, 'nope')).request('/');
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build');
  });
});
