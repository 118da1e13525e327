// A private Redis for tests: redis-server on a free loopback port with no
// persistence, which a test may stop and start again on the same port.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createConnection } from 'node:net';
import { freePort, until } from './processes.js';

export interface RedisServer {
  url: string;
  /** Stops the server (as a crash would: nothing is saved) and starts it again on the same port. */
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const BINARY = '/usr/bin/redis-server';

function ping(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('error', reject);
    socket.once('data', (data) => {
      socket.destroy();
      if (data.toString().startsWith('+PONG')) resolve();
      else reject(new Error(data.toString()));
    });
    socket.write('PING\r\n');
  });
}

export async function startRedis(): Promise<RedisServer> {
  if (!existsSync(BINARY)) {
    throw new Error(
      "Redis is not installed: run `sudo bash build/setup.sh --cluster` (Debian's redis-server package).",
    );
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'orrery-redis-'));
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn(
      BINARY,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      {
        stdio: 'ignore',
      },
    );
    await until(() => ping(port), 10_000, 'Redis');
  };
  const kill = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    async restart(downMs = 200) {
      await kill();
      await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
