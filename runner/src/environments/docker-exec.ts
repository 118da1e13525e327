// The fallback path for a command: one `docker exec` per run, through the
// wrapper that puts it in its own process group. Used when the persistent
// channel is busy with another command or cannot be opened.
import type Docker from 'dockerode';
import { Demuxer } from './demux.js';
import { EXEC_WRAPPER, KILL_RUN } from './scripts.js';
import type { RunHandle, RunOutcome, RunStarter } from './supervise.js';

export interface RunSpec {
  runId: string;
  command: string;
  cwd: string;
  env: Record<string, string>;
  user: string;
}

export function dockerExecStarter(container: Docker.Container, spec: RunSpec): RunStarter {
  return async (sink) => {
    const exec = await container.exec({
      Cmd: ['bash', '-c', EXEC_WRAPPER, spec.runId, spec.command, spec.cwd],
      Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
      User: spec.user,
      AttachStdin: false,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    });
    const stream = await exec.start({ hijack: true, stdin: false });
    const demux = new Demuxer(sink);
    stream.on('data', (chunk: Buffer) => demux.push(chunk));
    const done = new Promise<RunOutcome>((resolve) => {
      let settled = false;
      const finish = (broken: boolean) => {
        if (settled) return;
        settled = true;
        exec.inspect().then(
          (info) => resolve({ exitCode: info.Running ? null : info.ExitCode, lost: broken || info.Running }),
          () => resolve({ exitCode: null, lost: true }),
        );
      };
      stream.once('end', () => finish(false));
      stream.once('close', () => finish(false));
      stream.once('error', () => finish(true));
    });
    const handle: RunHandle = { done, abandon: () => stream.destroy() };
    return handle;
  };
}

/** Runs a short helper script in the container ($0 is name) and returns its stdout; stderr is dropped. */
export async function runScript(
  container: Docker.Container,
  script: string,
  name: string,
  args: string[],
  user: string,
): Promise<{ exitCode: number | null; stdout: string }> {
  const exec = await container.exec({
    Cmd: ['bash', '-c', script, name, ...args],
    User: user,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out: Buffer[] = [];
  const demux = new Demuxer((kind, payload) => {
    if (kind === 'stdout') out.push(payload);
  });
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => demux.push(chunk));
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', reject);
  });
  const info = await exec.inspect();
  return { exitCode: info.Running ? null : info.ExitCode, stdout: Buffer.concat(out).toString('utf8') };
}

/** Stops a run's process group (see KILL_RUN). */
export async function killRun(container: Docker.Container, runId: string, user: string): Promise<void> {
  await runScript(container, KILL_RUN, runId, [], user);
}
