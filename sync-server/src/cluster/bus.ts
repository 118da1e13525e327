// Control events between sync-server instances: "this token was revoked",
// "this job finished", "this session's access changed". One process needs no
// broker and uses the local bus; several share Redis (ORRERY_REDIS_URL) and
// each event reaches every instance, the sender included, so a handler is
// written once whatever instance the event started on.
//
// Delivery is Redis pub/sub: at most once, in order per channel. An instance
// that was cut off from Redis may miss events, so whoever relies on one also
// has a way to find out on its own (token liveness is checked on use, job
// waiters look at the job's row when woken or timed out). Document updates do
// not travel here: they need every update in order (sync/fanout.ts).
import { Redis } from 'ioredis';
import type { Logger } from '../log.js';

export type BusHandler = (message: string) => void;

export interface Bus {
  /** Delivers `message` to every instance's subscribers of `channel`, this one's included. */
  publish(channel: string, message: string): Promise<void>;
  /** Returns the function that unsubscribes. */
  subscribe(channel: string, handler: BusHandler): () => void;
  close(): Promise<void>;
}

class Subscribers {
  private readonly byChannel = new Map<string, Set<BusHandler>>();

  add(channel: string, handler: BusHandler): { first: boolean; remove: () => boolean } {
    let set = this.byChannel.get(channel);
    const first = !set;
    if (!set) this.byChannel.set(channel, (set = new Set()));
    set.add(handler);
    return {
      first,
      remove: () => {
        set.delete(handler);
        if (set.size > 0) return false;
        this.byChannel.delete(channel);
        return true;
      },
    };
  }

  deliver(channel: string, message: string, log: Logger): void {
    for (const handler of [...(this.byChannel.get(channel) ?? [])]) {
      try {
        handler(message);
      } catch (err) {
        log.error(`bus: a handler of ${channel} failed: ${String(err)}`);
      }
    }
  }
}

/** One process: events go straight to this process's subscribers, on the next tick. */
export function localBus(log: Logger): Bus {
  const subscribers = new Subscribers();
  return {
    publish(channel, message) {
      queueMicrotask(() => subscribers.deliver(channel, message, log));
      return Promise.resolve();
    },
    subscribe(channel, handler) {
      const { remove } = subscribers.add(channel, handler);
      return () => void remove();
    },
    close: () => Promise.resolve(),
  };
}

/** Several processes: Redis pub/sub, one connection to publish and one to listen (Redis requires two). */
export function redisBus(url: string, log: Logger, prefix = 'orrery:'): Bus {
  const options = { lazyConnect: false, maxRetriesPerRequest: null, enableOfflineQueue: true };
  const publisher = new Redis(url, options);
  const listener = new Redis(url, options);
  for (const [name, connection] of [
    ['publisher', publisher],
    ['listener', listener],
  ] as const) {
    let down = false;
    connection.on('error', (err: Error) => {
      if (!down) log.warn(`bus: Redis ${name} at ${redact(url)}: ${err.message}; retrying`);
      down = true;
    });
    connection.on('ready', () => {
      if (down) log.info(`bus: Redis ${name} is back`);
      down = false;
    });
  }
  const subscribers = new Subscribers();
  listener.on('message', (channel: string, message: string) => {
    subscribers.deliver(channel.slice(prefix.length), message, log);
  });
  return {
    async publish(channel, message) {
      await publisher.publish(prefix + channel, message);
    },
    subscribe(channel, handler) {
      const { first, remove } = subscribers.add(channel, handler);
      // ioredis subscribes again by itself after a reconnect.
      if (first)
        listener
          .subscribe(prefix + channel)
          .catch((err: unknown) => log.error(`bus: could not subscribe to ${channel}: ${String(err)}`));
      return () => {
        if (remove()) listener.unsubscribe(prefix + channel).catch(() => {});
      };
    },
    async close() {
      publisher.disconnect();
      listener.disconnect();
      await Promise.resolve();
    },
  };
}

/** A Redis URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'an unreadable ORRERY_REDIS_URL';
  }
}
