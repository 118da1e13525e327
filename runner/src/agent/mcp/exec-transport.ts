// The MCP stdio transport over a process attached in the session's container:
// newline-delimited JSON-RPC on its stdin and stdout (the MCP stdio framing),
// its stderr kept only for saying why it failed to start.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { AttachedProcess } from '../../environments/index.js';

/** How much of the server's stderr is kept for the notice when it fails. */
const STDERR_TAIL = 2000;

export class ExecTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private readonly buffer = new ReadBuffer();
  private stderrTail = '';
  private closed = false;

  constructor(private readonly process: AttachedProcess) {}

  start(): Promise<void> {
    this.process.stdout.on('data', (chunk: Buffer) => {
      try {
        this.buffer.append(chunk);
      } catch (error) {
        this.onerror?.(error instanceof Error ? error : new Error(String(error)));
        void this.close();
        return;
      }
      for (;;) {
        let message: JSONRPCMessage | null;
        try {
          message = this.buffer.readMessage();
        } catch (error) {
          // A line that is not JSON-RPC (a stray log line) is reported and skipped.
          this.onerror?.(error instanceof Error ? error : new Error(String(error)));
          continue;
        }
        if (!message) break;
        this.onmessage?.(message);
      }
    });
    this.process.stderr.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL);
    });
    void this.process.exited.then(() => this.ended());
    return Promise.resolve();
  }

  send(message: JSONRPCMessage): Promise<void> {
    return this.process.write(serializeMessage(message));
  }

  close(): Promise<void> {
    this.process.close();
    this.ended();
    return Promise.resolve();
  }

  /** What the server printed on stderr last, for the notice when it fails. */
  stderr(): string {
    return this.stderrTail.trim();
  }

  private ended(): void {
    if (this.closed) return;
    this.closed = true;
    this.buffer.clear();
    this.onclose?.();
  }
}
