// Two sync-server instances on one PostgreSQL database: each has its own
// connection pool, its own queue and its own bus connection, as two processes do.
import type { Job } from '@orrery/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localBus, redisBus, type Bus } from '../cluster/bus.js';
import { silentLogger } from '../log.js';
import { openDatabase, type Database } from '../store/database.js';
import { testPostgres } from '../testing/engines.js';
import { startRedis, type RedisServer } from '../testing/redis.js';
import { JobQueue } from './queue.js';

interface Instance {
  database: Database;
  bus: Bus;
  jobs: JobQueue;
}

let redis: RedisServer;
const opened: Instance[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const i of opened) {
    await i.jobs.close();
    await i.database.close();
    await i.bus.close();
  }
  await redis?.stop();
});

/** Two instances on a fresh database, on one Redis or (when `redis` is false) on buses that never meet. */
async function twoInstances(options: { redis: boolean }): Promise<[Instance, Instance]> {
  const url = await (await testPostgres()).createDatabase();
  const make = async (): Promise<Instance> => {
    const database = await openDatabase({ url, file: '' });
    const bus = options.redis ? redisBus(redis.url, silentLogger) : localBus(silentLogger);
    const instance = { database, bus, jobs: new JobQueue(database, Date.now, bus) };
    opened.push(instance);
    return instance;
  };
  const a = await make();
  const b = await make();
  // Redis subscriptions are made in the background; give them a moment before publishing.
  if (options.redis) await new Promise((r) => setTimeout(r, 200));
  return [a, b];
}

const ORG = 'org-1';

describe('the job queue across instances', () => {
  it('gives each of 200 jobs to exactly one of many runners claiming at once through two instances', async () => {
    const [a, b] = await twoInstances({ redis: false });
    const queued: string[] = [];
    for (let i = 0; i < 200; i += 1) queued.push(await (i % 2 ? a : b).jobs.enqueueBuild(ORG, `build-${i}`));

    const claimedBy = new Map<string, string[]>();
    const runner = async (name: string, via: Instance) => {
      for (;;) {
        const job: Job | null = await via.jobs.claim(ORG, name, ['build_environment'], 0);
        if (!job) return;
        claimedBy.set(job.id, [...(claimedBy.get(job.id) ?? []), name]);
        await via.jobs.complete(ORG, job.id, job.leaseToken, 'done', '');
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, i) => runner(`runner-${i}`, i % 2 ? a : b)));

    expect([...claimedBy.keys()].sort()).toEqual([...queued].sort());
    expect([...claimedBy.values()].filter((names) => names.length !== 1)).toEqual([]);
    // Both instances served runners.
    const runners = new Set([...claimedBy.values()].flat());
    expect(runners.size).toBeGreaterThan(1);
    expect(await a.jobs.open(ORG)).toEqual([]);
  });

  it('wakes a runner long-polling instance A when a job is queued on instance B (Redis)', async () => {
    const [a, b] = await twoInstances({ redis: true });
    // Long enough that only the wake-up can answer it within the test's time.
    const waiting = a.jobs.claim(ORG, 'runner-a', ['build_environment'], 60_000);
    await new Promise((r) => setTimeout(r, 100));
    const id = await b.jobs.enqueueBuild(ORG, 'build-x');
    expect((await waiting)?.id).toBe(id);
  }, 20_000);

  it('answers a caller waiting on instance A when the runner completes the job through instance B (Redis)', async () => {
    const [a, b] = await twoInstances({ redis: true });
    const id = await a.jobs.enqueueEnhance(ORG, {
      text: 'make it clearer',
      expertId: 'expert-1',
      sessionId: null,
    });
    const answer = a.jobs.outcome(id, 60_000);
    const job = await b.jobs.claim(ORG, 'runner-b', ['enhance'], 5_000);
    expect(job?.payload?.text).toBe('make it clearer');
    await b.jobs.complete(ORG, job!.id, job!.leaseToken, 'done', '', {
      result: { text: 'Make it clearer, please.', by: 'model' },
    });
    expect(await answer).toMatchObject({ outcome: 'done', result: { text: 'Make it clearer, please.' } });
    // Taken by the waiter, the answer is no longer on the row; neither is the prompt.
    const row = await a.database.db
      .selectFrom('jobs')
      .select(['payload', 'result'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ payload: null, result: null });
  }, 20_000);

  it('still answers the caller when the event is lost: it reads the job when its wait ends', async () => {
    // Buses that never meet: the completion event reaches nobody on A.
    const [a, b] = await twoInstances({ redis: false });
    const id = await a.jobs.enqueueEnhance(ORG, { text: 'shorter', expertId: 'expert-1', sessionId: null });
    const answer = a.jobs.outcome(id, 1_500);
    const job = await b.jobs.claim(ORG, 'runner-b', ['enhance'], 5_000);
    await b.jobs.complete(ORG, job!.id, job!.leaseToken, 'done', '', {
      result: { text: 'Short.', by: 'model' },
    });
    expect(await answer).toMatchObject({ outcome: 'done', result: { text: 'Short.' } });
  });

  it('refuses a second open action on one session whichever instance asks', async () => {
    const [a, b] = await twoInstances({ redis: false });
    const action = { action: 'commit', repo: 'app', message: 'Fix it' } as const;
    const results = await Promise.allSettled([
      a.jobs.enqueueAction(ORG, 'session-1', action, 'user-1'),
      b.jobs.enqueueAction(ORG, 'session-1', action, 'user-1'),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });
});
