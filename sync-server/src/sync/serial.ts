// Runs tasks one after another: a room's frames and writes keep their order
// even when the store answers asynchronously.
export class Serial {
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(private readonly onError: (err: unknown) => void) {}

  run(task: () => Promise<void> | void): Promise<void> {
    this.pending += 1;
    const next = this.tail.then(task).then(
      () => {
        this.pending -= 1;
      },
      (err: unknown) => {
        this.pending -= 1;
        this.onError(err);
      },
    );
    this.tail = next;
    return next;
  }

  get idle(): boolean {
    return this.pending === 0;
  }

  /** Resolves once every task queued so far has run. */
  drained(): Promise<void> {
    return this.tail;
  }
}
