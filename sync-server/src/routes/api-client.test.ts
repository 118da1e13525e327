// The shared client against a real server: what every caller (app, runner,
// tests) sees when a call succeeds, fails validation, meets a proxy's error
// page, finds no server, or is cancelled.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, MeResponse, OrreryClient, SecretsResponse } from '@orrery/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test-support.js';

let t: TestServer;
let proxy: Server;
let proxyUrl: string;

beforeAll(async () => {
  t = await startTestServer();
  // A reverse proxy in front of a server that is down: an HTML page, not the API's error shape.
  proxy = createServer((_req, res) => {
    res.writeHead(502, 'Bad Gateway', { 'content-type': 'text/html' });
    res.end('<html><body>502 Bad Gateway</body></html>');
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => proxy.close(resolve));
  await t.close();
});

async function failure(call: Promise<unknown>): Promise<ApiError> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('the shared API client', () => {
  it('signs in and parses answers with the shared schemas', async () => {
    const anonymous = new OrreryClient({ baseUrl: t.url });
    const login = await anonymous.auth.login({
      email: 'admin@example.com',
      password: 'correct horse battery',
    });
    const me = await t.client(login.token).auth.me();
    expect(me.user.email).toBe('admin@example.com');
  });

  it('keeps the code, status, message and per-field problems of a refused request', async () => {
    const error = await failure(
      t.client(t.admin.token).users.create({
        email: 'not an address',
        name: 'Cy',
        password: 'short',
        role: 'member',
      }),
    );
    expect(error.code).toBe('validation_failed');
    expect(error.status).toBe(400);
    expect(Object.keys(error.fields).sort()).toEqual(['email', 'password']);
    expect(error.message).toMatch(/email/);
  });

  it('keeps the code of a refusal by role', async () => {
    const member = await t.person('Dee');
    const error = await failure(t.client(member.token).secrets.put('shared', 'NPM_TOKEN', 'x'));
    expect({ code: error.code, status: error.status }).toEqual({ code: 'forbidden', status: 403 });
  });

  it("describes a proxy's error page by its status and the route", async () => {
    const error = await failure(new OrreryClient({ baseUrl: proxyUrl, token: 't' }).sessions.get('s1'));
    expect(error.code).toBe('internal');
    expect(error.status).toBe(502);
    expect(error.message).toBe('The server answered 502 Bad Gateway for GET /api/sessions/s1.');
  });

  it('says the server cannot be reached, with the cause, when nothing answers', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(new OrreryClient({ baseUrl: url }).auth.me());
    expect(error.code).toBe('offline');
    expect(error.status).toBeNull();
    expect(error.message).toBe(`Cannot reach the server at ${url}.`);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('says when an answer does not match the schema, as from a server of another version', async () => {
    const { transport } = t.client(t.admin.token);
    expect(await transport.json('GET', '/api/me', MeResponse)).toHaveProperty('user');
    const error = await failure(transport.json('GET', '/api/me', SecretsResponse));
    expect(error.code).toBe('bad_response');
    expect(error.message).toMatch(/GET \/api\/me did not match/);
  });

  it('uploads and downloads bytes unchanged', async () => {
    const client = t.client(t.admin.token);
    const bytes = new TextEncoder().encode('hello, bytes');
    const ref = await client.attachments.upload(bytes, 'notes & more.txt', { contentType: 'text/plain' });
    expect(ref.name).toBe('notes & more.txt');
    const expertId = (await client.experts.list()).experts[0]!.id;
    const { session } = await client.sessions.create({ expertId, prompt: 'see', attachments: [ref] });
    const back = await client.attachments.download(ref.id, session.id);
    expect(new TextDecoder().decode(back.bytes)).toBe('hello, bytes');
    expect(back.contentType).toMatch(/^text\/plain/);
  });

  it('leaves a cancelled request cancelled rather than calling it offline', async () => {
    const runner = t.client(await t.serviceToken());
    const stop = new AbortController();
    const claim = runner.runner.claim({ runnerId: 'r1', waitMs: 30_000 }, stop.signal);
    stop.abort();
    const error = await claim.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).not.toBeInstanceOf(ApiError);
    expect((error as Error).name).toBe('AbortError');
  });
});
