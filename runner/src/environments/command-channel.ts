// A persistent command channel into a container: one long-lived bash on an
// attached exec stream, fed one command line at a time, each answered by a
// marker carrying its exit code on stdout and stderr. It saves the runtime's
// exec set-up per command, which dominates short commands (the idea of
// devcontainers/cli's shell server). One command at a time; callers fall
// back to docker exec while it is busy.
import type Docker from 'dockerode';
import type { Duplex } from 'node:stream';
import { Demuxer } from './demux.js';
import { channelLine, channelPrelude } from './scripts.js';
import type { RunHandle, RunOutcome, RunStarter } from './supervise.js';
import type { FrameSink } from './demux.js';

const OPEN_TIMEOUT_MS = 15_000;

interface ActiveRun {
  runId: string;
  sink: FrameSink;
  scanners: { stdout: MarkerScanner; stderr: MarkerScanner };
  exitCode: number | null;
  resolve: (outcome: RunOutcome) => void;
}

export class CommandChannel {
  private active: ActiveRun | undefined;
  private closedFlag = false;
  private readyScanner: MarkerScanner | undefined;

  private constructor(private readonly stream: Duplex) {}

  static async open(
    container: Docker.Container,
    channelId: string,
    user: string,
    workdir: string,
  ): Promise<CommandChannel> {
    const exec = await container.exec({
      Cmd: ['bash', '--noprofile', '--norc'],
      User: user,
      WorkingDir: workdir,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    });
    const stream = await exec.start({ hijack: true, stdin: true });
    const channel = new CommandChannel(stream);
    await channel.handshake(channelId);
    return channel;
  }

  get busy(): boolean {
    return this.active !== undefined;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** A starter for one run; the caller checks `busy` and `closed` first. */
  starter(runId: string, cwd: string, command: string, env: Record<string, string>): RunStarter {
    return async (sink) => {
      if (this.closedFlag || this.active) throw new Error('the command channel is not available');
      const done = new Promise<RunOutcome>((resolve) => {
        this.active = {
          runId,
          sink,
          scanners: { stdout: new MarkerScanner(runId), stderr: new MarkerScanner(runId) },
          exitCode: null,
          resolve,
        };
      });
      this.stream.write(channelLine(runId, cwd, command, env));
      const handle: RunHandle = { done, abandon: () => this.close() };
      return handle;
    };
  }

  close(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.stream.destroy();
    this.finishActive({ exitCode: null, lost: true });
  }

  private handshake(channelId: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.close();
        reject(new Error('the command channel did not answer'));
      }, OPEN_TIMEOUT_MS);
      this.readyScanner = new MarkerScanner('ready', () => {
        clearTimeout(timer);
        this.readyScanner = undefined;
        resolve();
      });
      const demux = new Demuxer((kind, payload) => this.onFrame(kind, payload));
      this.stream.on('data', (chunk: Buffer) => demux.push(chunk));
      const onGone = () => {
        clearTimeout(timer);
        this.closedFlag = true;
        this.finishActive({ exitCode: null, lost: true });
        reject(new Error('the command channel closed'));
      };
      this.stream.once('end', onGone);
      this.stream.once('close', onGone);
      this.stream.once('error', onGone);
      this.stream.write(channelPrelude(channelId));
    });
  }

  private onFrame(kind: 'stdout' | 'stderr', payload: Buffer): void {
    if (this.readyScanner) {
      if (kind === 'stdout') this.readyScanner.push(payload, () => {});
      return;
    }
    const run = this.active;
    // Output with no command running comes from something a command left behind; nobody asked for it.
    if (!run) return;
    const scanner = run.scanners[kind];
    if (scanner.done) return;
    scanner.push(payload, (bytes) => run.sink(kind, bytes));
    if (scanner.done && kind === 'stdout') run.exitCode = scanner.exitCode;
    if (run.scanners.stdout.done && run.scanners.stderr.done) {
      this.finishActive({ exitCode: run.exitCode, lost: false });
    }
  }

  private finishActive(outcome: RunOutcome): void {
    const run = this.active;
    if (!run) return;
    this.active = undefined;
    run.resolve(outcome);
  }
}

/**
 * Finds `\x1e<id> <code>\x1e` (or `\x1e<id>\x1e` for the ready marker) in a
 * byte stream, passing on everything before it and holding back only bytes
 * that could be the start of the marker.
 */
export class MarkerScanner {
  done = false;
  exitCode: number | null = null;
  private carry: Buffer = Buffer.alloc(0);
  private readonly prefix: Buffer;

  constructor(
    private readonly id: string,
    private readonly onFound?: () => void,
  ) {
    this.prefix = Buffer.from(`\x1e${id}`);
  }

  push(chunk: Buffer, emit: (bytes: Buffer) => void): void {
    if (this.done) return;
    const data = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const at = data.indexOf(this.prefix);
    if (at >= 0) {
      const end = data.indexOf(0x1e, at + this.prefix.length);
      if (at > 0) emit(data.subarray(0, at));
      if (end < 0) {
        this.carry = data.subarray(at);
        return;
      }
      const code = data
        .subarray(at + this.prefix.length, end)
        .toString('latin1')
        .trim();
      this.done = true;
      this.exitCode = code === '' ? null : Number(code);
      this.carry = Buffer.alloc(0);
      this.onFound?.();
      return;
    }
    const keep = this.possibleStart(data);
    if (data.length - keep > 0) emit(data.subarray(0, data.length - keep));
    this.carry = data.subarray(data.length - keep);
  }

  private possibleStart(data: Buffer): number {
    for (let at = data.indexOf(0x1e, Math.max(0, data.length - this.prefix.length + 1)); at >= 0;) {
      const tail = data.subarray(at);
      if (this.prefix.subarray(0, tail.length).equals(tail)) return tail.length;
      at = data.indexOf(0x1e, at + 1);
    }
    return 0;
  }
}
