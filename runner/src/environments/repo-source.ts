// Where a repository of an Environment comes from. Remote URLs are cloned
// inside the build container (with its network). A local path or file:// URL
// names a repository on the runner's machine, which the container cannot
// see: it is packed into a git bundle here and copied in, then cloned.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { EnvironmentError, messageOf } from './errors.js';
import type { EnvironmentDefinition } from './types.js';

const run = promisify(execFile);

export type Repository = EnvironmentDefinition['repositories'][number];

/** The URL for messages and logs: credentials in it (https://user:token@host/…) are hidden. */
export function displayUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1***@');
}

/** The runner-side folder of a local repository, or undefined for a remote URL. */
export function localPathOf(url: string): string | undefined {
  if (url.startsWith('file://')) return fileURLToPath(url);
  if (url.startsWith('/')) return url;
  return undefined;
}

/** The folder under the workspace: the given path, else the URL's last part without ".git". */
export function folderFor(repo: Repository): string {
  const name =
    repo.path ??
    repo.url
      .replace(/[?#].*$/, '')
      .replace(/\/+$/, '')
      .split(/[/:]/)
      .pop()
      ?.replace(/\.git$/, '');
  if (!name || !/^[A-Za-z0-9._-]+$/.test(name) || name === '.' || name === '..') {
    throw new EnvironmentError(
      'bad_request',
      `Cannot tell which folder to clone ${displayUrl(repo.url)} into; give the repository a path (a single folder name)`,
    );
  }
  return name;
}

/** A git bundle of every branch and tag of a local repository. */
export async function bundleLocalRepository(dir: string): Promise<Buffer> {
  try {
    await stat(dir);
  } catch (cause) {
    throw new EnvironmentError(
      'build_failed',
      `The repository folder ${dir} does not exist on the runner's machine`,
      {
        cause,
      },
    );
  }
  const tmp = await mkdtemp(path.join(tmpdir(), 'orrery-bundle-'));
  const file = path.join(tmp, 'repo.bundle');
  try {
    await run('git', ['-C', dir, 'bundle', 'create', file, '--all'], { maxBuffer: 16 * 1024 * 1024 });
    return await readFile(file);
  } catch (cause) {
    throw new EnvironmentError(
      'build_failed',
      `Cannot read the git repository at ${dir}: ${messageOf(cause)}`,
      {
        cause,
      },
    );
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
