// Serves the built web app (the desktop renderer) with a single-page
// fallback: hashed assets are cached for a year, index.html never.
import { Hono } from 'hono';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
};

const MISSING = `<!doctype html><meta charset="utf-8"><title>Orrery</title>
<body style="font-family:system-ui;margin:3rem;max-width:40rem">
<h1>The web app is not built yet</h1>
<p>Run <code>npm run build</code> in the Orrery folder, then reload this page.
The sync server itself is running: its API is at <a href="/api/openapi.json">/api/openapi.json</a>.</p></body>`;

export function webRoutes(webDir: string) {
  const app = new Hono();
  const root = path.resolve(webDir);

  app.get('*', (c) => {
    const url = new URL(c.req.url);
    if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/sync/')) return c.notFound();
    const file = resolveInside(root, url.pathname);
    if (file && isFile(file) && path.basename(file) !== 'index.html') {
      const immutable = url.pathname.startsWith('/assets/');
      return c.body(readFileSync(file), 200, {
        'Content-Type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        'X-Content-Type-Options': 'nosniff',
      });
    }
    // Missing assets are real 404s; every other path is a route of the single-page app.
    if (url.pathname.startsWith('/assets/')) return c.text('Not found', 404);
    const index = path.join(root, 'index.html');
    const html = isFile(index) ? readFileSync(index, 'utf8') : MISSING;
    return c.html(html, isFile(index) ? 200 : 503, { 'Cache-Control': 'no-cache' });
  });
  return app;
}

/** The file a URL path names inside root, or null when it would leave root. */
function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const file = path.resolve(root, `.${path.posix.normalize(decoded)}`);
  return file.startsWith(root + path.sep) ? file : null;
}

function isFile(file: string): boolean {
  return existsSync(file) && statSync(file).isFile();
}
