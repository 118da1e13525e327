// What the PostgreSQL and Redis test servers share: a free loopback port, and
// waiting for a server to answer.
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Retries `attempt` until it resolves, or throws what it last threw after `ms`. */
export async function until<T>(attempt: () => Promise<T>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${what} did not answer within ${ms} ms: ${String(err)}`);
      await sleep(50);
    }
  }
}
