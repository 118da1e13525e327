// A TCP relay on loopback that a test can hold: while held, nothing flows from
// the server to the client (the connection stays open), as when an instance
// is cut off from Redis by a stalled network without noticing.
import { createConnection, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  url: string;
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const { hostname, port, protocol } = new URL(target);
  const upstreams = new Set<Socket>();
  let held = false;
  const server = createServer((client) => {
    const upstream = createConnection({ host: hostname, port: Number(port) });
    upstreams.add(upstream);
    if (held) upstream.pause();
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      upstreams.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the proxy has no port');
  return {
    url: `${protocol}//127.0.0.1:${address.port}`,
    hold() {
      held = true;
      for (const upstream of upstreams) upstream.pause();
    },
    release() {
      held = false;
      for (const upstream of upstreams) upstream.resume();
    },
    async close() {
      for (const upstream of upstreams) upstream.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
