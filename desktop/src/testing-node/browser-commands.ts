// Commands the Chromium tests call in Node (vitest browser mode): a loopback
// HTTP server that plays the Orrery server's attachment route and records
// every request it gets, and a watch on the browser for new windows and
// downloads, which a page cannot observe about itself.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {} from '@vitest/browser-playwright';
import type { BrowserCommandContext } from 'vitest/node';
import { orreryServerCommands } from './orrery-server.js';

export interface ServedFile {
  /** Path, e.g. /api/attachments/<sha256>. */
  path: string;
  type: string;
  /** The content, base64. */
  body: string;
}

export interface BrowserWatch {
  /** URLs of windows or tabs the page opened. */
  windows: string[];
  downloads: { name: string; text: string }[];
}

const servers = new Map<number, { server: Server; hits: string[] }>();
const watches = new Map<string, BrowserWatch>();

function answer(files: readonly ServedFile[], hits: string[]) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://loopback').pathname;
    // The page's origin differs from the server's, as in the web app talking to its server.
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', 'authorization');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    hits.push(path);
    const file = files.find((f) => f.path === path);
    if (!file) return void res.writeHead(404).end('Not found');
    // The Orrery server's own answer for attachments: never shown in place, never scripted.
    res.writeHead(200, {
      'content-type': file.type,
      'content-disposition': 'attachment',
      'content-security-policy': "sandbox; default-src 'none'",
      'x-content-type-options': 'nosniff',
    });
    res.end(Buffer.from(file.body, 'base64'));
  };
}

export const browserCommands = {
  async startLoopbackServer(_ctx: BrowserCommandContext, files: ServedFile[] = []): Promise<number> {
    const hits: string[] = [];
    const server = createServer(answer(files, hits));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    servers.set(port, { server, hits });
    return port;
  },

  async loopbackRequests(_ctx: BrowserCommandContext, port: number): Promise<string[]> {
    return [...(servers.get(port)?.hits ?? [])];
  },

  async stopLoopbackServer(_ctx: BrowserCommandContext, port: number): Promise<void> {
    const entry = servers.get(port);
    servers.delete(port);
    if (!entry) return;
    // Browsers keep connections alive; close() alone would wait for them.
    entry.server.closeAllConnections();
    await new Promise((resolve) => entry.server.close(resolve));
  },

  async watchBrowser(ctx: BrowserCommandContext): Promise<void> {
    const watch: BrowserWatch = { windows: [], downloads: [] };
    watches.set(ctx.sessionId, watch);
    ctx.context.on('page', (opened) => watch.windows.push(opened.url()));
    ctx.page.on('download', (download) => {
      void download.createReadStream().then(async (stream) => {
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        watch.downloads.push({ name: download.suggestedFilename(), text: Buffer.concat(chunks).toString() });
      });
    });
  },

  async watchedBrowser(ctx: BrowserCommandContext): Promise<BrowserWatch> {
    const watch = watches.get(ctx.sessionId) ?? { windows: [], downloads: [] };
    return { windows: [...watch.windows], downloads: [...watch.downloads] };
  },

  ...orreryServerCommands,
};
