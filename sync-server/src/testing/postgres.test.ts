import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../store/database.js';
import { startPostgres, type PostgresServer } from './postgres.js';
import { startRedis } from './redis.js';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(() => server?.stop());

describe('the private PostgreSQL for tests', () => {
  it('gives each caller an empty database that the migrator brings to the current schema', async () => {
    const a = await openDatabase({ url: await server.createDatabase(), file: '' });
    const b = await openDatabase({ url: await server.createDatabase(), file: '' });
    await a.db
      .insertInto('organisations')
      .values({ id: 'o1', name: 'Org', created_at: Date.now() })
      .execute();
    expect(await a.db.selectFrom('organisations').select(['id', 'created_at']).execute()).toEqual([
      { id: 'o1', created_at: expect.any(Number) as number },
    ]);
    expect(await b.db.selectFrom('organisations').selectAll().execute()).toEqual([]);
    await Promise.all([a.close(), b.close()]);
  });
});

describe('the private Redis for tests', () => {
  it('answers again after a restart on the same port', async () => {
    const redis = await startRedis();
    await redis.restart();
    expect(redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    await redis.stop();
  });
});
