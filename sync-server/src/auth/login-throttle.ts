// Slows password guessing: after a number of failed sign-ins for one email
// within a window, further attempts are refused until the window passes.
const MAX_TRACKED = 10_000;

export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly clock: () => number,
    private readonly maxFailures = 10,
    private readonly windowMs = 15 * 60 * 1000,
  ) {}

  /** Milliseconds until another attempt is allowed; 0 when it is allowed now. */
  retryAfter(email: string): number {
    const recent = this.recent(email);
    if (recent.length < this.maxFailures) return 0;
    return recent[0]! + this.windowMs - this.clock();
  }

  failed(email: string): void {
    const recent = this.recent(email);
    this.failures.delete(email);
    this.failures.set(email, [...recent, this.clock()]);
    // Guesses at many made-up emails must not grow this without bound: forget the stalest.
    while (this.failures.size > MAX_TRACKED) this.failures.delete(this.failures.keys().next().value!);
  }

  succeeded(email: string): void {
    this.failures.delete(email);
  }

  private recent(email: string): number[] {
    const since = this.clock() - this.windowMs;
    const kept = (this.failures.get(email) ?? []).filter((t) => t > since);
    if (kept.length) this.failures.set(email, kept);
    else this.failures.delete(email);
    return kept;
  }
}
