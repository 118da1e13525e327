// The OpenAPI document is the one description of the REST API (no route
// table is kept by hand): every route the app serves is in it, and every
// route the shared client calls is one the document names.
import { ROUTES } from '@orrery/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import { startTestServer, type TestServer } from '../test-support.js';

let t: TestServer;
let documented: Set<string>;
let served: Set<string>;

// Hono names parameters ":id", the document "{id}".
const key = (method: string, path: string) => `${method.toUpperCase()} ${path.replace(/:(\w+)/g, '{$1}')}`;

// What the app serves outside the REST API, or only describes it: middleware
// (method ALL), the health check, the document itself and the catch-all 404.
const notApi = (method: string, path: string) =>
  method === 'ALL' || !path.startsWith('/api/') || path === '/api/openapi.json';

beforeAll(async () => {
  t = await startTestServer();
  const app = createApp(t.services);
  const res = await app.request('/api/openapi.json');
  const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
  documented = new Set(
    Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => key(m, path))),
  );
  served = new Set(
    app.routes
      .filter((r) => !notApi(r.method, r.path))
      .map((r) => key(r.method, r.path.slice('/api'.length))),
  );
});
afterAll(() => t.close());

describe('the OpenAPI document at /api/openapi.json', () => {
  it('names every route the app serves', () => {
    expect(served.size).toBeGreaterThan(40);
    expect([...served].filter((route) => !documented.has(route))).toEqual([]);
  });

  it('names no route the app does not serve', () => {
    expect([...documented].filter((route) => !served.has(route))).toEqual([]);
  });

  it('names every route the shared client calls', () => {
    const called = Object.values(ROUTES).map((r) => key(r.method, r.path));
    expect(called.filter((route) => !documented.has(route))).toEqual([]);
  });

  it('is reachable through the shared client, which parses errors into the one error shape', async () => {
    const client = t.client('not-a-token');
    await expect(client.auth.me()).rejects.toMatchObject({
      code: 'unauthenticated',
      status: 401,
      fields: {},
    });
  });
});
