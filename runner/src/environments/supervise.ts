// One command run from the caller's point of view: output captured per
// stream, the no-output timeout, the hard timeout and cancellation, each of
// which kills the run's process group. How the command reaches the container
// (the persistent channel or a docker exec) is the starter's business.
import type { FrameSink } from './demux.js';
import { OutputCapture } from './output.js';
import type { Redactor } from './redact.js';
import type { ExecOptions, ExecResult } from './types.js';

export interface RunOutcome {
  /** Null when the process's end could not be observed. */
  exitCode: number | null;
  /** The stream broke (engine gone, container stopped) rather than ending. */
  lost: boolean;
}

export interface RunHandle {
  done: Promise<RunOutcome>;
  /** Stops waiting for the run; `done` resolves soon after. */
  abandon(): void;
}

export type RunStarter = (sink: FrameSink) => Promise<RunHandle>;

export interface SuperviseOptions {
  options: ExecOptions;
  maxOutputBytes: number;
  redactor: Redactor;
  start: RunStarter;
  /** Kills the run's process group. */
  kill: () => Promise<void>;
  /** True when the Environment stopped or vanished while the run was going. */
  interrupted: () => boolean;
  onKillError: (error: unknown) => void;
}

/** After a kill, how long the output may take to end before the manager stops waiting for it. */
const KILL_GRACE_MS = 3_000;

export async function supervise(s: SuperviseOptions): Promise<ExecResult> {
  const { options } = s;
  const startedAt = Date.now();
  const stdout = new OutputCapture(s.maxOutputBytes, s.redactor, options.onStdout);
  const stderr = new OutputCapture(s.maxOutputBytes, s.redactor, options.onStderr);
  let reason: ExecResult['ended'] | undefined;
  let handle: RunHandle | undefined;
  const timers: NodeJS.Timeout[] = [];
  let quietTimer: NodeJS.Timeout | undefined;

  const stop = (why: ExecResult['ended']) => {
    if (reason) return;
    reason = why;
    s.kill().catch(s.onKillError);
    timers.push(setTimeout(() => handle?.abandon(), KILL_GRACE_MS));
  };
  const armQuietTimer = () => {
    if (!options.noOutputTimeoutMs || reason) return;
    clearTimeout(quietTimer);
    quietTimer = setTimeout(() => stop('no_output_timeout'), options.noOutputTimeoutMs);
  };
  const onAbort = () => stop('cancelled');

  if (options.signal?.aborted) return result('cancelled', null, stdout, stderr, startedAt);
  try {
    handle = await s.start((stream, payload) => {
      (stream === 'stdout' ? stdout : stderr).push(payload);
      armQuietTimer();
    });
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.timeoutMs) timers.push(setTimeout(() => stop('timeout'), options.timeoutMs));
    armQuietTimer();
    const outcome = await handle.done;
    stdout.end();
    stderr.end();
    const ended = reason ?? (outcome.lost || s.interrupted() ? 'interrupted' : 'exited');
    return result(ended, outcome.exitCode, stdout, stderr, startedAt);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    for (const t of timers) clearTimeout(t);
    clearTimeout(quietTimer);
  }
}

function result(
  ended: ExecResult['ended'],
  exitCode: number | null,
  stdout: OutputCapture,
  stderr: OutputCapture,
  startedAt: number,
): ExecResult {
  return {
    exitCode,
    stdout: stdout.text(),
    stderr: stderr.text(),
    ended,
    truncated: stdout.truncated || stderr.truncated,
    durationMs: Date.now() - startedAt,
  };
}
