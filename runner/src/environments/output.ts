// One output stream of a command as the caller sees it: decoded as UTF-8
// across chunk boundaries, secrets redacted, streamed to a callback, and
// bounded. Past the bound, the start is kept, then a marker, then the end.
import { StringDecoder } from 'node:string_decoder';
import type { Redactor } from './redact.js';

/** The share of the bound kept from the start of the output; the rest keeps its end. */
const HEAD_SHARE = 0.75;

export class OutputCapture {
  private readonly decoder = new StringDecoder('utf8');
  private readonly redacting: { push(chunk: string): void; end(): void };
  private head = '';
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private cutBytes = 0;
  private announced = false;
  private readonly headLimit: number;
  private readonly tailLimit: number;

  constructor(
    maxBytes: number,
    redactor: Redactor,
    private readonly onChunk: ((text: string) => void) | undefined,
  ) {
    this.headLimit = Math.floor(maxBytes * HEAD_SHARE);
    this.tailLimit = maxBytes - this.headLimit;
    this.redacting = redactor.stream((text) => this.keep(text));
  }

  get truncated(): boolean {
    return this.tailText().cut > 0;
  }

  push(bytes: Buffer): void {
    const text = this.decoder.write(bytes);
    if (text) this.redacting.push(text);
  }

  /** Flushes what is held back; call once, when the stream ended. */
  end(): void {
    const rest = this.decoder.end();
    if (rest) this.redacting.push(rest);
    this.redacting.end();
  }

  text(): string {
    const tail = this.tailText();
    if (tail.cut === 0) return this.head + tail.text;
    return `${this.head}\n[… ${formatBytes(tail.cut)} of output cut here …]\n${tail.text}`;
  }

  private keep(text: string): void {
    let bytes = Buffer.from(text);
    if (this.headBytes < this.headLimit) {
      const room = this.headLimit - this.headBytes;
      const part = bytes.length <= room ? text : bytes.subarray(0, room).toString('utf8');
      this.head += part;
      this.headBytes += Math.min(room, bytes.length);
      this.onChunk?.(part);
      if (bytes.length <= room) return;
      bytes = bytes.subarray(room);
    }
    if (!this.announced) {
      this.announced = true;
      this.onChunk?.(
        `\n[output cut after ${formatBytes(this.headLimit)}; its end follows when the command ends]\n`,
      );
    }
    // Past the head: keep the last tailLimit bytes, dropping whole chunks from the front.
    this.tail.push(bytes);
    this.tailBytes += bytes.length;
    while (this.tail.length > 1 && this.tailBytes - this.tail[0]!.length >= this.tailLimit) {
      const dropped = this.tail.shift()!;
      this.tailBytes -= dropped.length;
      this.cutBytes += dropped.length;
    }
  }

  private tailText(): { text: string; cut: number } {
    const all = Buffer.concat(this.tail);
    const excess = Math.max(0, all.length - this.tailLimit);
    return { text: all.subarray(excess).toString('utf8'), cut: this.cutBytes + excess };
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}
