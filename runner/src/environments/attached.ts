// A long-lived process in the session's container whose stdin and stdout the
// runner holds: one `docker exec` with stdin attached. For programs that
// speak a protocol over their standard streams (stdio MCP servers).
import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import { Demuxer } from './demux.js';
import type { AttachedProcess } from './types.js';

export interface AttachSpec {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  user: string;
}

export async function attachProcess(
  container: Docker.Container,
  spec: AttachSpec,
  onExit: () => void,
): Promise<AttachedProcess> {
  const exec = await container.exec({
    Cmd: spec.argv,
    Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
    WorkingDir: spec.cwd,
    User: spec.user,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  });
  const stream = await exec.start({ hijack: true, stdin: true });
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const demux = new Demuxer((kind, payload) => (kind === 'stdout' ? stdout : stderr).write(payload));
  stream.on('data', (chunk: Buffer) => demux.push(chunk));
  const exited = new Promise<number | null>((resolve) => {
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      stdout.end();
      stderr.end();
      onExit();
      exec.inspect().then(
        (info) => resolve(info.Running ? null : info.ExitCode),
        () => resolve(null),
      );
    };
    stream.once('end', finish);
    stream.once('close', finish);
    stream.once('error', finish);
  });
  return {
    write: (data) =>
      new Promise<void>((resolve, reject) => {
        if (stream.destroyed) return reject(new Error('the process has ended'));
        stream.write(data, (error) => (error ? reject(error) : resolve()));
      }),
    stdout,
    stderr,
    exited,
    // Closing stdin lets a well-behaved server exit on its own; the stream goes either way.
    close: () => {
      stream.end();
      stream.destroy();
    },
  };
}
