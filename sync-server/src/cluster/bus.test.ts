import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../log.js';
import { startRedis, type RedisServer } from '../testing/redis.js';
import { localBus, redisBus, type Bus } from './bus.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());

const received = (bus: Bus, channel: string) => {
  const seen: string[] = [];
  bus.subscribe(channel, (m) => seen.push(m));
  return seen;
};

const eventually = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i += 1) await new Promise((r) => setTimeout(r, 20));
};

describe('the control bus', () => {
  it('in one process, delivers to this process', async () => {
    const bus = localBus(silentLogger);
    const seen = received(bus, 'tokens');
    await bus.publish('tokens', 't1');
    await eventually(() => seen.length > 0);
    expect(seen).toEqual(['t1']);
  });

  it('over Redis, delivers each event to every instance in order, the sender included, and again after Redis restarts', async () => {
    const a = redisBus(redis.url, silentLogger);
    const b = redisBus(redis.url, silentLogger);
    const onA = received(a, 'jobs');
    const onB = received(b, 'jobs');
    received(b, 'other');
    await new Promise((r) => setTimeout(r, 100));
    for (const m of ['1', '2', '3']) await a.publish('jobs', m);
    await eventually(() => onA.length === 3 && onB.length === 3);
    expect(onA).toEqual(['1', '2', '3']);
    expect(onB).toEqual(['1', '2', '3']);
    await redis.restart();
    await new Promise((r) => setTimeout(r, 1000));
    await b.publish('jobs', '4');
    await eventually(() => onA.length === 4);
    expect(onA).toEqual(['1', '2', '3', '4']);
    await Promise.all([a.close(), b.close()]);
  });
});
