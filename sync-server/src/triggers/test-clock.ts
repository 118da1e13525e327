// A clock the end-to-end journeys can move forward, so a schedule made in the
// app fires without waiting for its time. Off unless ORRERY_TEST_CLOCK_PORT is
// set; then a second listener, on loopback only and apart from the API, takes
// POST /advance?ms=N, moves the clock and runs the scheduler once.
import { createServer, type Server } from 'node:http';

export interface TestClock {
  now: () => number;
  /** Serves the control on loopback; `afterAdvance` runs before the answer (the scheduler's tick). */
  serve(afterAdvance: () => Promise<void>): Promise<Server>;
}

export function testClockFromEnv(env: NodeJS.ProcessEnv): TestClock | null {
  const port = env.ORRERY_TEST_CLOCK_PORT?.trim();
  if (!port) return null;
  if (!/^\d+$/.test(port)) throw new Error(`ORRERY_TEST_CLOCK_PORT must be a port number, not “${port}”.`);
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    serve: (afterAdvance) =>
      new Promise((resolve, reject) => {
        const server = createServer((req, res) => {
          const ms = Number(new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('ms'));
          if (req.method !== 'POST' || !req.url?.startsWith('/advance') || !Number.isFinite(ms) || ms < 0) {
            res.writeHead(400).end('POST /advance?ms=<milliseconds, not negative>\n');
            return;
          }
          offset += ms;
          afterAdvance().then(
            () =>
              res
                .writeHead(200, { 'content-type': 'application/json' })
                .end(JSON.stringify({ now: Date.now() + offset })),
            (error: unknown) => res.writeHead(500).end(String(error)),
          );
        });
        server.on('error', reject);
        server.listen(Number(port), '127.0.0.1', () => resolve(server));
      }),
  };
}
