// Listening: the Hono app on @hono/node-server, WebSocket upgrades on /sync
// handed to the hub, and an orderly close that flushes every document.
import { serve, type ServerType } from '@hono/node-server';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createApp, type AppOptions } from './app.js';
import type { Services } from './services.js';

export interface RunningServer {
  url: string;
  port: number;
  server: ServerType;
  close(): Promise<void>;
}

export function listen(
  s: Services,
  options: AppOptions & { port: number; hostname?: string },
): Promise<RunningServer> {
  const app = createApp(s, options);
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, port: options.port, hostname: options.hostname ?? '127.0.0.1' },
      (info: AddressInfo) => {
        const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
        resolve({
          url: `http://${host}:${info.port}`,
          port: info.port,
          server,
          close: async () => {
            await s.close();
            await new Promise<void>((done) => {
              server.close(() => done());
              if ('closeAllConnections' in server) server.closeAllConnections();
            });
          },
        });
      },
    );
    (server as Server).on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      s.hub.handleUpgrade(req, socket, head),
    );
    server.once('error', reject);
  });
}
