// Docker multiplexes stdout and stderr of a non-TTY exec over one stream:
// frames of an 8-byte header (stream type, 3 zero bytes, big-endian length)
// followed by the payload. Frames may arrive split or joined in any way.

export type FrameSink = (stream: 'stdout' | 'stderr', payload: Buffer) => void;

export class Demuxer {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly sink: FrameSink) {}

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    while (this.buffer.length >= 8) {
      const size = this.buffer.readUInt32BE(4);
      if (this.buffer.length < 8 + size) break;
      const type = this.buffer[0];
      const payload = this.buffer.subarray(8, 8 + size);
      this.buffer = this.buffer.subarray(8 + size);
      // Type 0 is stdin echoed back; only 1 (stdout) and 2 (stderr) carry output.
      if (type === 1) this.sink('stdout', payload);
      else if (type === 2) this.sink('stderr', payload);
    }
  }
}
