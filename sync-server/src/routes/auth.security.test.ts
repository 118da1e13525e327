// Attacks on sign-in: a burst of parallel guesses, locking the owner out from
// elsewhere, a forged X-Forwarded-For, and guessing spread over many addresses.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startTestServer, type Person, type TestServer } from '../test-support.js';

let t: TestServer;
let behindProxy: TestServer;

beforeAll(async () => {
  t = await startTestServer();
  behindProxy = await startTestServer({ trustedProxies: '127.0.0.9, 10.0.0.0/8' });
});
afterAll(async () => {
  await t.close();
  await behindProxy.close();
});

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: { token?: string; error?: { code: string; message: string } };
}

/** POST /api/auth/login over a connection of its own from a chosen loopback address. */
function signIn(
  server: TestServer,
  from: string,
  email: string,
  password: string,
  forwardedFor?: string,
): Promise<Answer> {
  const { port } = new URL(server.url);
  const body = JSON.stringify({ email, password });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/auth/login',
        method: 'POST',
        localAddress: from,
        agent: false,
        headers: {
          'content-type': 'application/json',
          ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: res.headers['retry-after'],
            body: JSON.parse(text) as Answer['body'],
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const count = (answers: Answer[], status: number) => answers.filter((a) => a.status === status).length;

describe('sign-in throttling', () => {
  let victim: Person;
  beforeAll(async () => {
    victim = await t.person('Victim');
  });

  it('lets at most ten of 100 parallel wrong guesses reach the password check', async () => {
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => signIn(t, '127.0.0.1', victim.user.email, `guess number ${i}`)),
    );
    expect(count(answers, 401)).toBeLessThanOrEqual(10);
    expect(count(answers, 401) + count(answers, 429)).toBe(100);
    const refused = answers.find((a) => a.status === 429)!;
    expect(refused.body.error).toEqual({
      code: 'rate_limited',
      message: 'Too many sign-in attempts. Try again in 15 minutes.',
    });
    expect(Number(refused.retryAfter)).toBeGreaterThan(14 * 60);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(15 * 60);
  });

  it('still lets the owner sign in from another address while the guesser is refused', async () => {
    const owner = await signIn(t, '127.0.0.2', victim.user.email, PASSWORD);
    expect(owner.status).toBe(200);
    expect(owner.body.token).toEqual(expect.any(String));
    expect((await signIn(t, '127.0.0.1', victim.user.email, PASSWORD)).status).toBe(429);
  });

  it('ignores X-Forwarded-For from a client that is not a listed proxy', async () => {
    const target = await t.person('Spoofed');
    const answers: Answer[] = [];
    for (let i = 0; i < 15; i += 1) {
      answers.push(await signIn(t, '127.0.0.3', target.user.email, `guess ${i}`, `198.51.100.${i + 1}`));
    }
    expect(answers.map((a) => a.status)).toEqual([
      ...Array<number>(10).fill(401),
      ...Array<number>(5).fill(429),
    ]);
  });

  it('behind a listed proxy, throttles the forwarded client and not the proxy', async () => {
    const target = await behindProxy.person('Proxied');
    const guesses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        signIn(behindProxy, '127.0.0.9', target.user.email, `guess ${i}`, '203.0.113.7, 10.1.2.3'),
      ),
    );
    expect(count(guesses, 401)).toBeLessThanOrEqual(10);
    // The forged leftmost hop is not believed past an untrusted one.
    const forged = await signIn(
      behindProxy,
      '127.0.0.9',
      target.user.email,
      'x',
      '198.51.100.1, 203.0.113.7',
    );
    expect(forged.status).toBe(429);
    const owner = await signIn(behindProxy, '127.0.0.9', target.user.email, PASSWORD, '192.0.2.44');
    expect(owner.status).toBe(200);
  });

  it('caps guesses at one account from many addresses, without locking out an address the owner used', async () => {
    const target = await behindProxy.person('Distributed');
    expect((await signIn(behindProxy, '127.0.0.9', target.user.email, PASSWORD, '192.0.2.10')).status).toBe(
      200,
    );
    const guesses = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        signIn(behindProxy, '127.0.0.9', target.user.email, `guess ${i}`, `198.18.${i % 12}.1`),
      ),
    );
    expect(count(guesses, 401)).toBeLessThanOrEqual(100);
    const fresh = await signIn(behindProxy, '127.0.0.9', target.user.email, 'another guess', '198.18.200.1');
    expect(fresh.status).toBe(429);
    expect(fresh.body.error?.message).toMatch(/^Too many sign-in attempts\. Try again in \d+ minutes?\.$/);
    const owner = await signIn(behindProxy, '127.0.0.9', target.user.email, PASSWORD, '192.0.2.10');
    expect(owner.status).toBe(200);
  });
});
