// Secrets must never reach transcripts or logs: every value is replaced by a
// marker wherever it appears, even split across streamed chunks.

export class Redactor {
  private readonly secrets: string[];
  private readonly longest: number;

  constructor(values: Iterable<string>) {
    // Very short values would redact ordinary text; they are not secrets worth the name.
    this.secrets = [...new Set(values)].filter((v) => v.length >= 4).sort((a, b) => b.length - a.length);
    this.longest = this.secrets[0]?.length ?? 0;
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join('[redacted]');
    return out;
  }

  /** A streaming redactor: holds back a tail that could be the start of a secret. */
  stream(write: (text: string) => void): { push(chunk: string): void; end(): void } {
    let carry = '';
    return {
      push: (chunk) => {
        if (!this.longest) return write(chunk);
        const text = this.redact(carry + chunk);
        const keep = Math.min(this.longest - 1, text.length);
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
}
