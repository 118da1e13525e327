// What the shipping tests share: a workspace made with real git on this
// machine, cloned from the test git host, whose branch is taken out as a
// bundle of the commits since the clone, as the container's git does.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Log } from '../environments/index.js';
import type { GitHttpServer } from '../testing/git-http-server.js';

const run = promisify(execFile);
const ENV = {
  ...process.env,
  GIT_TERMINAL_PROMPT: '0',
  GIT_AUTHOR_NAME: 'Agent',
  GIT_AUTHOR_EMAIL: 'agent@example.test',
  GIT_COMMITTER_NAME: 'Agent',
  GIT_COMMITTER_EMAIL: 'agent@example.test',
};

export interface Workspace {
  dir: string;
  base: string;
  /**
   * Writes a file, commits it, and gives the bundle of the commits since the
   * base with HEAD as refs/heads/<as> (default: the workspace's branch).
   */
  commit(
    file: string,
    content: string,
    message: string,
    as?: string,
  ): Promise<{ bundle: Uint8Array; head: string }>;
  /** A bundle of several branches (as a container that lies might hand out). */
  bundleOf(branches: string[]): Promise<Uint8Array>;
  /** Amends the last commit with new content for the file. */
  amend(file: string, content: string): Promise<{ bundle: Uint8Array; head: string }>;
  close(): Promise<void>;
}

export async function workspace(
  host: GitHttpServer,
  project: string,
  token: string,
  branch: string,
): Promise<Workspace> {
  const dir = await mkdtemp(path.join(tmpdir(), 'orrery-ship-ws-'));
  const git = async (...args: string[]) =>
    (await run('git', ['-C', dir, ...args], { env: ENV })).stdout.trim();
  await run(
    'git',
    ['-c', `http.extraHeader=Authorization: Bearer ${token}`, 'clone', '-q', host.repoUrl(project), dir],
    {
      env: ENV,
    },
  );
  const base = await git('rev-parse', 'HEAD');
  await git('checkout', '-q', '-b', branch);
  const bundle = async (as = branch) => {
    const file = path.join(dir, '..', `${path.basename(dir)}.bundle`);
    if (as !== branch) await git('update-ref', `refs/heads/${as}`, 'HEAD');
    await git('bundle', 'create', '-q', file, `${base}..refs/heads/${as}`);
    const bytes = await readFile(file);
    await rm(file, { force: true });
    return { bundle: new Uint8Array(bytes), head: await git('rev-parse', 'HEAD') };
  };
  return {
    dir,
    base,
    async commit(file, content, message, as) {
      await writeFile(path.join(dir, file), content);
      await git('add', '-A');
      await git('commit', '-q', '-m', message);
      return bundle(as);
    },
    async amend(file, content) {
      await writeFile(path.join(dir, file), content);
      await git('add', '-A');
      await git('commit', '-q', '--amend', '--no-edit');
      return bundle();
    },
    async bundleOf(branches) {
      const file = path.join(dir, '..', `${path.basename(dir)}-all.bundle`);
      await git('bundle', 'create', '-q', file, `^${base}`, ...branches.map((b) => `refs/heads/${b}`));
      const bytes = await readFile(file);
      await rm(file, { force: true });
      return new Uint8Array(bytes);
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The ChangesError (or other error) a promise fails with; the test fails when it does not. */
export async function failureOf(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('expected a failure, and it succeeded');
}

/** A log that keeps every line it is given, fields and all, as the runner's log would print them. */
export function recordingLog(): { lines: string[]; log: Log } {
  const lines: string[] = [];
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void lines.push(JSON.stringify({ level, message, ...fields }));
  return {
    lines,
    log: { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') },
  };
}
