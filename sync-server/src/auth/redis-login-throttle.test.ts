// Two sync servers counting sign-in attempts in one Redis: guesses made
// through one instance throttle sign-in on the other, and an address the
// owner signed in from on one is known on both.
import { request } from 'node:http';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestServer, type TestServer } from '../test-support.js';
import { startRedis, type RedisServer } from '../testing/redis.js';
import { RedisLoginThrottle } from './redis-login-throttle.js';

const LIMITS = { perClient: 3, perAccount: 5, perAddress: 50, windowMs: 15 * 60 * 1000 };

let redis: RedisServer;
const connections: Redis[] = [];
let a: TestServer;
let b: TestServer;

/** An instance with its own connection to the shared Redis, as main.ts makes one. */
function instance() {
  const connection = new Redis(redis.url);
  connections.push(connection);
  return startTestServer({ loginAttempts: new RedisLoginThrottle(connection, Date.now, LIMITS) });
}

beforeAll(async () => {
  redis = await startRedis();
  a = await instance();
  b = await instance();
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  for (const c of connections) c.disconnect();
  await redis?.stop();
});

/** POST /api/auth/login from a chosen loopback address; answers the status and Retry-After. */
function signIn(server: TestServer, from: string, password: string, email = ADMIN.email) {
  const body = JSON.stringify({ email, password });
  return new Promise<{ status: number; retryAfter: string | undefined }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: new URL(server.url).port,
        path: '/api/auth/login',
        method: 'POST',
        localAddress: from,
        agent: false,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('the sign-in throttle shared through Redis', () => {
  it('refuses on instance B an address that used up its guesses on instance A, and no other address', async () => {
    for (let i = 0; i < LIMITS.perClient; i++)
      expect((await signIn(a, '127.0.0.2', 'wrong password')).status).toBe(401);

    const refused = await signIn(b, '127.0.0.2', ADMIN.password);
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    // The owner elsewhere is not locked out by the guesser.
    expect((await signIn(b, '127.0.0.3', ADMIN.password)).status).toBe(200);
  });

  it('lets no more parallel guesses through both instances together than one address may make', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        signIn(i % 2 ? a : b, '127.0.0.7', 'wrong password', 'someone@example.com'),
      ),
    );
    expect(answers.filter((r) => r.status === 401)).toHaveLength(LIMITS.perClient);
    expect(answers.filter((r) => r.status === 429)).toHaveLength(20 - LIMITS.perClient);
  });

  it('caps guesses at the account across instances, but lets in an address the owner used on the other', async () => {
    // Three of the account's five are used above (the owner's sign-in does not count); two more through B.
    for (let i = 0; i < 2; i++) expect((await signIn(b, '127.0.0.4', 'wrong password')).status).toBe(401);

    expect((await signIn(a, '127.0.0.6', ADMIN.password)).status).toBe(429);
    // 127.0.0.3 signed in through B before: A knows it too.
    expect((await signIn(a, '127.0.0.3', ADMIN.password)).status).toBe(200);
  });
});
