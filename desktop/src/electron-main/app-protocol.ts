// The renderer is served from a privileged app:// origin rather than file://,
// so it has a real origin for storage and CORS, and every response carries a
// strict content security policy. Paths can never leave the renderer folder.
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://orrery`;

/**
 * Scripts and styles only from the app itself; the server the user signs in
 * to (any address they choose) for API calls and sync sockets. Images only
 * from the app and local data: attachments arrive as blobs, and a URL named
 * in a transcript must never make the app fetch it unasked.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  'connect-src http: https: ws: wss:',
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** Answers an app:// request from the renderer folder; unknown paths get the app shell (client-side routes). */
export async function serveAppRequest(rendererDir: string, requestUrl: string): Promise<Response> {
  const url = new URL(requestUrl);
  if (url.host !== 'orrery') return new Response('Not found', { status: 404 });
  const root = path.resolve(rendererDir);
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return new Response('Bad request: the address has a malformed %-escape.', { status: 400 });
  }
  const wanted = path.resolve(root, `.${pathname}`);
  const inside = wanted === root || wanted.startsWith(`${root}${path.sep}`);
  const file = inside && path.extname(wanted) ? wanted : path.join(root, 'index.html');
  try {
    const body = await readFile(file);
    return new Response(body, {
      headers: {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
      },
    });
  } catch {
    return new Response('Not found', { status: 404 });
  }
}
