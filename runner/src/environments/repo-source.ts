// Where a repository of an Environment comes from. Remote URLs are cloned
// inside the build container (with its network). A local path or file:// URL
// names a repository on the runner's machine, which the container cannot
// see: it is packed into a git bundle here and copied in, then cloned. Since
// any member may write an Environment, a local path is read only inside the
// folders an administrator lists (ORRERY_LOCAL_REPOS), after resolving
// symlinks; none are listed by default.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
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

/** The credentials written into a URL (https://user:token@host/…), to keep out of logs. */
export function urlCredentials(url: string): string[] {
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^/@]+)@/i.exec(url)?.[1];
  if (!userinfo) return [];
  const colon = userinfo.indexOf(':');
  return colon < 0 ? [userinfo] : [userinfo.slice(colon + 1)].filter(Boolean);
}

/**
 * The runner-side folder of a local repository, or undefined for a remote URL.
 * A file: URL that names no local path (file://host/…) gives "", which no
 * allowed folder contains.
 */
export function localPathOf(url: string): string | undefined {
  if (/^file:/i.test(url)) {
    try {
      return fileURLToPath(url);
    } catch {
      return '';
    }
  }
  if (url.startsWith('/')) return url;
  return undefined;
}

/**
 * The real folder of a local repository when it, and the git folder it uses,
 * lie inside one of the allowed folders once symlinks are resolved. Anything
 * else (outside, missing, unreadable) gets the same error, so that the answer
 * does not tell whether a path exists on the runner's machine.
 */
export async function allowedLocalRepository(dir: string, allowed: readonly string[]): Promise<string> {
  const refused = new EnvironmentError(
    'bad_request',
    `The repository ${dir || '(a file: URL without a local path)'} is not in a folder this runner may read repositories from. ` +
      'Use a git URL, or ask an administrator to list the folder in ORRERY_LOCAL_REPOS on the runner.',
  );
  const roots = await realFolders(allowed);
  const real = path.isAbsolute(dir) ? await realpath(dir).catch(() => undefined) : undefined;
  if (!real || !insideAny(real, roots)) throw refused;
  // A ".git" file or a worktree can point git at a folder elsewhere: that one must be allowed too.
  const gitDirs = await run('git', ['-C', real, 'rev-parse', '--absolute-git-dir', '--git-common-dir'], {
    maxBuffer: 1024 * 1024,
  }).then(
    ({ stdout }) => stdout.split('\n').filter(Boolean),
    () => [],
  );
  for (const gitDir of gitDirs) {
    const resolved = await realpath(path.resolve(real, gitDir)).catch(() => undefined);
    if (!resolved || !insideAny(resolved, roots)) throw refused;
  }
  return real;
}

async function realFolders(folders: readonly string[]): Promise<string[]> {
  const resolved = await Promise.all(
    folders.filter((f) => path.isAbsolute(f)).map((f) => realpath(f).catch(() => undefined)),
  );
  return resolved.filter((f): f is string => f !== undefined);
}

function insideAny(target: string, roots: readonly string[]): boolean {
  return roots.some((root) => {
    const rel = path.relative(root, target);
    return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
  });
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

/** A git bundle of every branch and tag of a local repository (a folder allowedLocalRepository gave). */
export async function bundleLocalRepository(dir: string, shown = dir): Promise<Buffer> {
  const tmp = await mkdtemp(path.join(tmpdir(), 'orrery-bundle-'));
  const file = path.join(tmp, 'repo.bundle');
  try {
    await run('git', ['-C', dir, 'bundle', 'create', file, '--all'], { maxBuffer: 16 * 1024 * 1024 });
    return await readFile(file);
  } catch (cause) {
    throw new EnvironmentError(
      'build_failed',
      `Cannot read the git repository at ${shown}: ${messageOf(cause).replaceAll(dir, shown)}`,
      {
        cause,
      },
    );
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
