// Slows password guessing without handing a guesser a way to lock the owner
// out. An attempt is counted (reserved) before the password is checked, so
// parallel guesses cannot all slip past the count while the hash is compared.
//
// Two counts, both over a sliding window:
// - per client address and account (strict): one address gets `perClient`
//   tries at one account; an attacker elsewhere does not use up the owner's.
// - per account from all addresses (looser): `perAccount` tries, after which
//   only addresses that signed in to this account before may try again. That
//   stops guessing spread over many addresses while the owner, from a place
//   they signed in from, still gets in. (A new address during such an attack
//   waits for the window; the answer says how long.)
// - per address across all accounts (loose): one address cannot try a
//   password at thousands of accounts, nor flush its own counts out of memory.
// Successful sign-ins do not count.
//
// One process counts in memory (MemoryLoginThrottle); several sync servers
// count together in Redis (redis-login-throttle.ts), so a guesser spreading
// tries over the instances behind a load balancer meets the same limits.
const MAX_TRACKED = 10_000;
/** How long a successful sign-in makes its address "known" for that account. */
export const KNOWN_FOR_MS = 30 * 24 * 60 * 60 * 1000;

export interface ThrottleLimits {
  perClient: number;
  perAccount: number;
  perAddress: number;
  windowMs: number;
}

export const DEFAULT_THROTTLE: ThrottleLimits = {
  perClient: 10,
  perAccount: 100,
  perAddress: 100,
  windowMs: 15 * 60 * 1000,
};

/** One reserved attempt; hand it back with succeeded() when the password matched. */
export interface Attempt {
  client: string;
  account: string;
  address: string;
  at: number;
  /** Tells this attempt from others counted in the same millisecond. */
  id: string;
}

/** The counts an attempt goes into: per client and account, per account, per address. */
export const keysOf = (a: Pick<Attempt, 'client' | 'account' | 'address'>) => [
  a.client,
  a.account,
  `address:${a.address}`,
];

export type Reservation = { attempt: Attempt } | { retryAfterMs: number };

export interface LoginThrottle {
  /** Counts an attempt now, or says how long to wait when the limit is reached. */
  reserve(address: string, email: string): Promise<Reservation>;
  /** The password matched: this address starts afresh and is known to the account. */
  succeeded(attempt: Attempt): Promise<void>;
}

/** The keys an attempt is counted under (the account key is also the known-addresses key's stem). */
export function attemptKeys(address: string, email: string): Pick<Attempt, 'client' | 'account' | 'address'> {
  const account = `account:${email.trim().toLowerCase()}`;
  return { client: `client:${address}|${account}`, account, address };
}

export class MemoryLoginThrottle implements LoginThrottle {
  private readonly attempts = new Map<string, number[]>();
  /** Per account: the addresses that signed in to it, and when they last did. */
  private readonly known = new Map<string, Map<string, number>>();

  constructor(
    private readonly clock: () => number,
    private readonly limits: ThrottleLimits = DEFAULT_THROTTLE,
  ) {}

  reserve(address: string, email: string): Promise<Reservation> {
    return Promise.resolve(this.reserveNow(address, email));
  }

  succeeded(attempt: Attempt): Promise<void> {
    this.forget(attempt);
    return Promise.resolve();
  }

  private reserveNow(address: string, email: string): Reservation {
    const { client, account } = attemptKeys(address, email);
    const now = this.clock();
    const known = this.isKnown(account, address, now);
    const retryAfterMs = Math.max(
      this.waitFor(client, this.limits.perClient, now),
      known ? 0 : this.waitFor(account, this.limits.perAccount, now),
      this.waitFor(`address:${address}`, this.limits.perAddress, now),
    );
    if (retryAfterMs > 0) return { retryAfterMs };
    const attempt = { client, account, address, at: now, id: String(now) };
    for (const key of keysOf(attempt)) this.record(key, now);
    return { attempt };
  }

  private forget(attempt: Attempt): void {
    this.attempts.delete(attempt.client);
    for (const key of keysOf(attempt).slice(1)) {
      const list = this.attempts.get(key);
      const i = list?.indexOf(attempt.at) ?? -1;
      if (list && i >= 0) list.splice(i, 1);
    }
    let addresses = this.known.get(attempt.account);
    if (!addresses) {
      addresses = new Map();
      this.known.set(attempt.account, addresses);
      if (this.known.size > MAX_TRACKED) this.known.delete(this.known.keys().next().value!);
    }
    addresses.delete(attempt.address);
    addresses.set(attempt.address, this.clock());
    if (addresses.size > 20) addresses.delete(addresses.keys().next().value!);
  }

  private isKnown(account: string, address: string, now: number): boolean {
    const at = this.known.get(account)?.get(address);
    return at !== undefined && now - at < KNOWN_FOR_MS;
  }

  /** Milliseconds until the key has room for another attempt; 0 when it has room now. */
  private waitFor(key: string, max: number, now: number): number {
    const recent = this.recent(key, now);
    if (recent.length < max) return 0;
    return recent[recent.length - max]! + this.limits.windowMs - now;
  }

  private record(key: string, now: number): void {
    const recent = this.recent(key, now);
    this.attempts.delete(key);
    this.attempts.set(key, [...recent, now]);
    // Guesses at many made-up emails must not grow this without bound: forget the stalest.
    while (this.attempts.size > MAX_TRACKED) this.attempts.delete(this.attempts.keys().next().value!);
  }

  private recent(key: string, now: number): number[] {
    const since = now - this.limits.windowMs;
    const kept = (this.attempts.get(key) ?? []).filter((t) => t > since);
    if (kept.length) this.attempts.set(key, kept);
    else this.attempts.delete(key);
    return kept;
  }
}

/** "Try again in 14 minutes." — rounded up, so waiting that long is always enough. */
export function retryMessage(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  return `Too many sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}
