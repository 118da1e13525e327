// Runs tasks one after another: a room's frames and writes keep their order
// even when the store answers asynchronously. A failed task rejects its own
// promise and does not stop the ones after it.
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => {});
    return result;
  }

  /** Resolves once every task queued so far has run. */
  async drained(): Promise<void> {
    await this.tail;
  }
}
