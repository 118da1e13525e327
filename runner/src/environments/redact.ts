// Secret values never leave the manager in build logs or command output:
// each is replaced by a marker, also when a value is split across chunks.

export const REDACTED = '[redacted]';

/** Values shorter than this would redact ordinary text; they are not treated as secrets. */
const MIN_SECRET_LENGTH = 4;

export class Redactor {
  private readonly secrets: string[];

  constructor(values: Iterable<string>) {
    this.secrets = [...new Set(values)]
      .filter((v) => v.length >= MIN_SECRET_LENGTH)
      .sort((a, b) => b.length - a.length);
  }

  get empty(): boolean {
    return this.secrets.length === 0;
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join(REDACTED);
    return out;
  }

  /**
   * A streaming redactor: it writes everything except a tail that could be
   * the start of a secret, which waits for the next chunk (or end()).
   */
  stream(write: (text: string) => void): { push(chunk: string): void; end(): void } {
    let carry = '';
    return {
      push: (chunk) => {
        if (this.empty) {
          if (chunk) write(chunk);
          return;
        }
        const text = this.redact(carry + chunk);
        const keep = this.pendingPrefixLength(text);
        carry = text.slice(text.length - keep);
        const ready = text.slice(0, text.length - keep);
        if (ready) write(ready);
      },
      end: () => {
        if (carry) write(this.redact(carry));
        carry = '';
      },
    };
  }

  /** The length of the longest suffix of text that is a proper prefix of some secret. */
  private pendingPrefixLength(text: string): number {
    let best = 0;
    for (const secret of this.secrets) {
      const max = Math.min(secret.length - 1, text.length);
      for (let n = max; n > best; n--) {
        if (text.endsWith(secret.slice(0, n))) {
          best = n;
          break;
        }
      }
    }
    return best;
  }
}
