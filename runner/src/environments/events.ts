// Follows one engine's container events for this runner scope. When the
// stream breaks (the engine stopped or restarted), it reports the engine
// down, reconnects with a growing back-off, and once it is back reports it
// up (the manager then lists everything again) and resumes with `since`, so
// events from the gap are replayed rather than lost.
import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import type { Engine } from './engines.js';
import { engineAccessProblem, engineErrorText } from './errors.js';
import type { Log } from './log.js';
import { ownedBy } from './naming.js';

export interface ContainerEvent {
  action: string;
  containerId: string;
  attributes: Record<string, string>;
  /** Nanoseconds since the epoch, as a string (Docker's timeNano). */
  timeNano: string;
}

export interface EventHandlers {
  onEvent(event: ContainerEvent): void;
  onDown(error: unknown): void;
  /** The stream is (re)connected; `afterOutage` is false on the first connection. */
  onUp(afterOutage: boolean): Promise<void>;
}

const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 15_000;
const REFUSED_RETRY_MS = 5 * 60_000;

export class EventFollower {
  private stream: Readable | undefined;
  private closed = false;
  private since: string | undefined;
  private backoff = BACKOFF_MIN_MS;
  private retryTimer: NodeJS.Timeout | undefined;
  private down = false;

  constructor(
    private readonly engine: Engine,
    private readonly scope: string,
    private readonly installation: string | undefined,
    private readonly handlers: EventHandlers,
    private readonly log: Log,
  ) {}

  /** Connects (retrying in the background if the engine does not answer); resolves after the first attempt. */
  startAndWait(): Promise<void> {
    return this.connect(false);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.stream?.destroy();
  }

  private async connect(afterOutage: boolean): Promise<void> {
    if (this.closed) return;
    try {
      // The first time, only live events: the listing in onUp covers the past. After an outage,
      // resume from the last event seen. Docker takes "seconds.nanoseconds"; the typings know numbers.
      const filters = { type: ['container'], label: ownedBy(this.scope, this.installation) };
      const options: Docker.GetEventsOptions = { filters: filters as unknown as string };
      if (this.since) options.since = this.since as unknown as number;
      const stream = (await this.engine.docker.getEvents(options)) as unknown as Readable;
      if (this.closed) {
        stream.destroy();
        return;
      }
      this.stream = stream;
      this.since ??= String(Math.floor(Date.now() / 1000));
      this.listen(stream);
      await this.handlers.onUp(afterOutage);
      this.down = false;
      this.backoff = BACKOFF_MIN_MS;
    } catch (error) {
      const stream = this.stream;
      this.stream = undefined;
      stream?.destroy();
      this.fail(error);
    }
  }

  private listen(stream: Readable): void {
    let buffered = '';
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (line) this.parse(line);
      }
    });
    const broken = (error?: unknown) => {
      if (this.stream !== stream) return;
      this.stream = undefined;
      this.fail(error ?? new Error('the event stream ended'));
    };
    stream.once('end', () => broken());
    stream.once('close', () => broken());
    stream.once('error', (error) => broken(error));
  }

  private parse(line: string): void {
    let raw: {
      Type?: string;
      Action?: string;
      Actor?: { ID?: string; Attributes?: Record<string, string> };
      time?: number;
    };
    try {
      raw = JSON.parse(line) as typeof raw;
    } catch {
      this.log.warn('unreadable Docker event', { engine: this.engine.name });
      return;
    }
    // timeNano does not fit a double; read its digits from the text.
    const timeNano = /"timeNano":\s*(\d+)/.exec(line)?.[1];
    if (timeNano) this.since = nanoToSince(timeNano);
    else if (raw.time) this.since = String(raw.time);
    if (raw.Type !== 'container' || !raw.Action || !raw.Actor?.ID) return;
    this.handlers.onEvent({
      action: raw.Action.split(':')[0]!,
      containerId: raw.Actor.ID,
      attributes: raw.Actor.Attributes ?? {},
      timeNano: timeNano ?? '0',
    });
  }

  private fail(error: unknown): void {
    if (this.closed) return;
    const refused = engineAccessProblem(error, this.engine);
    if (!this.down) {
      this.down = true;
      if (refused)
        this.log.error('the Docker engine refused this runner', { engine: this.engine.name, error: refused });
      else
        this.log.warn('lost the Docker engine; retrying', {
          engine: this.engine.name,
          error: engineErrorText(error),
        });
      this.handlers.onDown(error);
    }
    clearTimeout(this.retryTimer);
    // A refusal is no outage: look again only now and then, in case the engine's side is fixed.
    this.retryTimer = setTimeout(() => void this.connect(true), refused ? REFUSED_RETRY_MS : this.backoff);
    this.backoff = Math.min(this.backoff * 2, BACKOFF_MAX_MS);
  }
}

/** Docker's `since` takes "seconds.nanoseconds". */
function nanoToSince(timeNano: string): string {
  const s = BigInt(timeNano);
  const seconds = s / 1_000_000_000n;
  const nanos = (s % 1_000_000_000n).toString().padStart(9, '0');
  return `${seconds}.${nanos}`;
}
