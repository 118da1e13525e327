// Collects streamed text and hands it on in batches (every 50 ms by default),
// so a document sees a handful of updates per second, not one per token.

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class TextBatcher {
  private pending = '';
  private timer: unknown = null;

  constructor(
    private readonly write: (text: string) => void,
    private readonly intervalMs = 50,
    private readonly timers: Timers = realTimers,
  ) {}

  push(text: string): void {
    if (!text) return;
    this.pending += text;
    this.timer ??= this.timers.setTimeout(() => this.flush(), this.intervalMs);
  }

  flush(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    if (!this.pending) return;
    const text = this.pending;
    this.pending = '';
    this.write(text);
  }
}
