// The sign-in throttle of several sync servers, kept in Redis so the limits
// hold across them (ORRERY_REDIS_URL). The same counts as MemoryLoginThrottle:
// each is a sorted set of attempt times, and an address that signed in to an
// account is a field of that account's hash. Checking and counting is one Lua
// script, so parallel guesses on different instances cannot all slip past
// the count. Times come from the server's clock, so a test clock moves them.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  DEFAULT_THROTTLE,
  KNOWN_FOR_MS,
  attemptKeys,
  keysOf,
  type Attempt,
  type LoginThrottle,
  type Reservation,
  type ThrottleLimits,
} from './login-throttle.js';

/** How many addresses an account remembers as ones its owner signed in from. */
const KNOWN_PER_ACCOUNT = 20;

// KEYS: the three counts (client, account, address), the account's known addresses.
// ARGV: now, window, the three limits, address, known-for, the attempt's member.
// Answers 0 when the attempt was counted, else how many ms to wait.
const RESERVE = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limits = { tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]) }
local knownAt = redis.call('HGET', KEYS[4], ARGV[6])
local known = knownAt and (now - tonumber(knownAt) < tonumber(ARGV[7]))
local wait = 0
for i = 1, 3 do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  if not (i == 2 and known) then
    local n = redis.call('ZCARD', KEYS[i])
    if n >= limits[i] then
      local oldest = redis.call('ZRANGE', KEYS[i], n - limits[i], n - limits[i], 'WITHSCORES')
      local w = tonumber(oldest[2]) + window - now
      if w > wait then wait = w end
    end
  end
end
if wait > 0 then return wait end
for i = 1, 3 do
  redis.call('ZADD', KEYS[i], now, ARGV[8])
  redis.call('PEXPIRE', KEYS[i], window)
end
return 0
`;

// KEYS: as above. ARGV: the attempt's member, address, now, known-for, how many to remember.
const SUCCEEDED = `
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('HSET', KEYS[4], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[4], ARGV[4])
local all = redis.call('HGETALL', KEYS[4])
if #all > 2 * tonumber(ARGV[5]) then
  local stalest, stalestAt
  for i = 1, #all, 2 do
    local at = tonumber(all[i + 1])
    if not stalestAt or at < stalestAt then stalest, stalestAt = all[i], at end
  end
  redis.call('HDEL', KEYS[4], stalest)
end
return 0
`;

export class RedisLoginThrottle implements LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly clock: () => number,
    private readonly limits: ThrottleLimits = DEFAULT_THROTTLE,
    private readonly prefix = 'orrery:sign-in:',
  ) {}

  private keys(attempt: Pick<Attempt, 'client' | 'account' | 'address'>): string[] {
    return [...keysOf(attempt), `known:${attempt.account}`].map((k) => this.prefix + k);
  }

  async reserve(address: string, email: string): Promise<Reservation> {
    const keys = attemptKeys(address, email);
    const now = this.clock();
    const attempt: Attempt = { ...keys, at: now, id: `${now}:${randomBytes(6).toString('hex')}` };
    const { perClient, perAccount, perAddress, windowMs } = this.limits;
    const wait = Number(
      await this.redis.eval(
        RESERVE,
        4,
        ...this.keys(keys),
        now,
        windowMs,
        perClient,
        perAccount,
        perAddress,
        address,
        KNOWN_FOR_MS,
        attempt.id,
      ),
    );
    return wait > 0 ? { retryAfterMs: wait } : { attempt };
  }

  async succeeded(attempt: Attempt): Promise<void> {
    await this.redis.eval(
      SUCCEEDED,
      4,
      ...this.keys(attempt),
      attempt.id,
      attempt.address,
      this.clock(),
      KNOWN_FOR_MS,
      KNOWN_PER_ACCOUNT,
    );
  }
}

/** A throttle on its own connection to `url`; close() ends the connection. */
export function connectLoginThrottle(
  url: string,
  clock: () => number,
  warn: (line: string) => void,
): { throttle: RedisLoginThrottle; close: () => Promise<void> } {
  const redis = new Redis(url);
  let down = false;
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    warn(`sign-in throttle: Redis at ${url} is unreachable (${err.message}); sign-ins fail until it is back`);
  });
  redis.on('ready', () => (down = false));
  return {
    throttle: new RedisLoginThrottle(redis, clock),
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
