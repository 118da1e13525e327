// Commands and files in a real container: streams, exit codes, timeouts,
// cancellation of whole process groups, bounded output, secrets, and files
// owned by the non-root user. One container for the whole file.
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvironmentError } from './errors.js';
import { containerName, LABEL } from './naming.js';
import { REDACTED } from './redact.js';
import {
  cleanupDir,
  makeManager,
  removeScope,
  requireDocker,
  testDefinition,
  uniqueScope,
  type TestManager,
} from './test-support.js';

let docker: Docker;
let t: TestManager;
const scope = uniqueScope('exec');
const session = 'exec-session';
const SECRET = 'sk-live-4f9a8b7c6d5e';

/** How many processes in the container have a command line starting with `prefix`. */
async function processesMatching(prefix: string): Promise<number> {
  const r = await t.manager.exec(session, {
    command: `n=0; for p in /proc/[0-9]*; do c=$(tr '\\0' ' ' < $p/cmdline 2>/dev/null); case "$c" in ${JSON.stringify(prefix)}*) n=$((n+1));; esac; done; echo $n`,
  });
  return Number(r.stdout.trim());
}

beforeAll(async () => {
  docker = await requireDocker();
  t = makeManager({ scope });
  await t.manager.start();
  await t.manager.ensureRunning(session, testDefinition(), { API_TOKEN: SECRET });
});

afterAll(async () => {
  await t?.manager.close();
  if (docker) await removeScope(docker, scope);
  if (t) cleanupDir(t.stateDir);
});

describe('the session container', () => {
  it('is named from scope and session, labelled, hardened, and keeps secrets out of its configuration', async () => {
    const info = await docker.getContainer(containerName(scope, session)).inspect();
    expect(info.Config.Labels[LABEL.session]).toBe(session);
    expect(info.Config.Labels[LABEL.scope]).toBe(scope);
    expect(info.Config.User).toBe('1000:1000');
    expect(info.HostConfig.CapDrop).toEqual(['ALL']);
    expect(info.HostConfig.SecurityOpt).toEqual(['no-new-privileges']);
    expect(info.HostConfig.Init).toBe(true);
    expect(info.HostConfig.Memory).toBe(512 * 1024 * 1024);
    expect(info.HostConfig.NanoCpus).toBe(1e9);
    expect(info.HostConfig.PidsLimit).toBe(256);
    expect(info.HostConfig.NetworkMode).toBe('none');
    expect(JSON.stringify(info)).not.toContain(SECRET);
    expect(info.Config.Env).toContain('GREETING=hello from the environment');
  });
});

describe('exec', () => {
  it('streams stdout and stderr separately and reports the exit code', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const r = await t.manager.exec(session, {
      command: 'echo one; echo two >&2; echo three; exit 7',
      onStdout: (c) => out.push(c),
      onStderr: (c) => err.push(c),
    });
    expect(r).toMatchObject({
      exitCode: 7,
      stdout: 'one\nthree\n',
      stderr: 'two\n',
      ended: 'exited',
      truncated: false,
    });
    expect(out.join('')).toBe('one\nthree\n');
    expect(err.join('')).toBe('two\n');
  });

  it('runs as the non-root user in the given folder with the given variables and the Environment variables', async () => {
    await t.manager.exec(session, { command: 'mkdir -p /workspace/sub' });
    const r = await t.manager.exec(session, {
      command: 'id -u; pwd; echo "$FOO"; echo "$GREETING"',
      cwd: '/workspace/sub',
      env: { FOO: 'it\'s "quoted" $HOME' },
    });
    expect(r.stdout).toBe(`1000\n/workspace/sub\nit's "quoted" $HOME\nhello from the environment\n`);
  });

  it('says so when the folder does not exist', async () => {
    const r = await t.manager.exec(session, { command: 'true', cwd: '/nowhere' });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('/nowhere');
  });

  it('gives secrets to commands but never returns them, not even split across chunks', async () => {
    const streamed: string[] = [];
    const r = await t.manager.exec(session, {
      command:
        'printf "%s" "${API_TOKEN:0:6}"; sleep 0.2; printf "%s\\n" "${API_TOKEN:6}"; echo "$API_TOKEN" >&2',
      onStdout: (c) => streamed.push(c),
    });
    expect(r.stdout).toBe(`${REDACTED}\n`);
    expect(r.stderr).toBe(`${REDACTED}\n`);
    expect(streamed.join('')).toBe(`${REDACTED}\n`);
  });

  it('runs commands side by side (the second one through docker exec while the channel is busy)', async () => {
    const [a, b] = await Promise.all([
      t.manager.exec(session, { command: 'sleep 1; echo slow' }),
      t.manager.exec(session, { command: 'echo fast; exit 3' }),
    ]);
    expect(a).toMatchObject({ stdout: 'slow\n', exitCode: 0 });
    expect(b).toMatchObject({ stdout: 'fast\n', exitCode: 3 });
  });

  it('kills a command that prints nothing for too long, with all its processes', async () => {
    const r = await t.manager.exec(session, {
      command: 'echo started; (sleep 271 &); sleep 272',
      noOutputTimeoutMs: 800,
    });
    expect(r.ended).toBe('no_output_timeout');
    expect(r.stdout).toBe('started\n');
    expect(await processesMatching('sleep 27')).toBe(0);
  });

  it('kills a command at the hard timeout even while it keeps printing', async () => {
    const r = await t.manager.exec(session, {
      command: 'while true; do echo tick; sleep 0.1; done',
      timeoutMs: 1000,
      noOutputTimeoutMs: 5000,
    });
    expect(r.ended).toBe('timeout');
    expect(r.stdout).toContain('tick\n');
    expect(r.durationMs).toBeGreaterThanOrEqual(1000);
  });

  it('cancels on abort and kills the whole process group', async () => {
    const controller = new AbortController();
    const running = t.manager.exec(session, {
      command: 'sleep 281 & sleep 282 & echo ready; wait',
      signal: controller.signal,
      onStdout: (c) => c.includes('ready') && controller.abort(),
    });
    const r = await running;
    expect(r.ended).toBe('cancelled');
    expect(await processesMatching('sleep 28')).toBe(0);
  });

  it('cuts huge output with a clear marker and keeps the end', async () => {
    const r = await t.manager.exec(session, {
      command: 'head -c 200000000 /dev/zero | tr "\\0" "x"; echo; echo the-end',
      maxOutputBytes: 64 * 1024,
      timeoutMs: 120_000,
    });
    expect(r.exitCode).toBe(0);
    expect(r.truncated).toBe(true);
    expect(r.stdout).toMatch(/\[… 19\d\.\d MiB of output cut here …\]/);
    expect(r.stdout.endsWith('the-end\n')).toBe(true);
    expect(Buffer.byteLength(r.stdout)).toBeLessThan(70 * 1024);
  });

  it('refuses a session it knows nothing about', async () => {
    await expect(t.manager.exec('no-such-session', { command: 'true' })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(t.manager.exec('../etc', { command: 'true' })).rejects.toMatchObject({
      code: 'bad_request',
    });
  });
});

describe('files', () => {
  it('writes a file as the non-root user, creating folders, and reads it back byte for byte', async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255, 10, 13]);
    await t.manager.writeFile(session, '/workspace/deep/er/data.bin', bytes);
    expect(Array.from(await t.manager.readFile(session, '/workspace/deep/er/data.bin'))).toEqual(
      Array.from(bytes),
    );
    const owner = await t.manager.exec(session, {
      command: 'stat -c %u:%g /workspace/deep /workspace/deep/er/data.bin',
    });
    expect(owner.stdout).toBe('1000:1000\n1000:1000\n');
  });

  it('takes relative paths from the workspace and keeps the mode of a file it overwrites', async () => {
    await t.manager.writeFile(session, 'run.sh', '#!/bin/sh\necho one\n');
    await t.manager.exec(session, { command: 'chmod 755 /workspace/run.sh' });
    await t.manager.writeFile(session, 'run.sh', '#!/bin/sh\necho two\n');
    const r = await t.manager.exec(session, { command: './run.sh; stat -c %a run.sh' });
    expect(r.stdout).toBe('two\n755\n');
    expect(new TextDecoder().decode(await t.manager.readFile(session, 'run.sh'))).toBe(
      '#!/bin/sh\necho two\n',
    );
  });

  it('reads through a symbolic link', async () => {
    await t.manager.writeFile(session, 'target.txt', 'through the link');
    await t.manager.exec(session, { command: 'ln -sf target.txt /workspace/link.txt' });
    expect(new TextDecoder().decode(await t.manager.readFile(session, 'link.txt'))).toBe('through the link');
  });

  it('lists a folder, and recursively', async () => {
    await t.manager.writeFile(session, 'tree/a.txt', 'aaa');
    await t.manager.writeFile(session, 'tree/sub/b.txt', 'b');
    const flat = await t.manager.listFiles(session, '/workspace/tree');
    expect(flat).toEqual([
      { path: '/workspace/tree/a.txt', type: 'file', size: 3 },
      { path: '/workspace/tree/sub', type: 'directory', size: expect.any(Number) as number },
    ]);
    const deep = await t.manager.listFiles(session, 'tree', { recursive: true });
    expect(deep.map((e) => e.path)).toEqual([
      '/workspace/tree/a.txt',
      '/workspace/tree/sub',
      '/workspace/tree/sub/b.txt',
    ]);
    expect(await t.manager.listFiles(session, 'tree', { recursive: true, limit: 1 })).toHaveLength(1);
  });

  it('answers with clear errors for missing files and for paths the user may not touch', async () => {
    await expect(t.manager.readFile(session, '/workspace/missing.txt')).rejects.toMatchObject({
      code: 'file_not_found',
    });
    await expect(t.manager.readFile(session, '/etc/shadow')).rejects.toMatchObject({
      code: 'permission_denied',
    });
    await expect(t.manager.writeFile(session, '/etc/evil.conf', 'x')).rejects.toMatchObject({
      code: 'permission_denied',
    });
    await expect(t.manager.listFiles(session, '/workspace/missing')).rejects.toBeInstanceOf(EnvironmentError);
    await expect(t.manager.readFile(session, '/workspace')).rejects.toMatchObject({ code: 'bad_request' });
  });
});
