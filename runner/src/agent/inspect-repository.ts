// Reads what a repository says about the toolchain it needs: its top-level
// files and the manifests among them, at one commit. It follows the rules of
// an Environment build: a local folder only inside ORRERY_LOCAL_REPOS (after
// resolving symlinks), a remote only on a git host the egress policy allows,
// cloned shallow and without checking anything out, with a time limit. Files
// are read from git's objects, never from a work tree, so a symlink is only
// its target's name.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { EgressError, type EgressPolicy } from '../egress/policy.js';
import { allowedLocalRepository, displayUrl, localPathOf, urlCredentials } from '../environments/index.js';

const run = promisify(execFile);

/** Files that say which language, version and packages a project uses. */
export const MANIFESTS = [
  // Version files and manifests first: when the answer is full, only lock files are left out.
  '.nvmrc',
  '.node-version',
  '.tool-versions',
  '.python-version',
  '.ruby-version',
  'package.json',
  'pyproject.toml',
  'requirements.txt',
  'Pipfile',
  'setup.py',
  'Gemfile',
  'go.mod',
  'Cargo.toml',
  'pom.xml',
  'build.gradle',
  'composer.json',
  'Dockerfile',
  'Makefile',
  'package-lock.json',
  'pnpm-lock.yaml',
  'yarn.lock',
  'Gemfile.lock',
];

/** Lock files are long; their start names the format and the top packages. */
const MAX_MANIFEST_CHARS = 6_000;
/** All manifests together, so the answer fits what the model is handed back of a tool's output. */
const MAX_MANIFESTS_CHARS = 20_000;
const MAX_BLOB_BYTES = 1024 * 1024;
const MAX_LISTED = 200;
const MAX_LISTING_CHARS = 6_000;
const GIT_TIMEOUT_MS = 60_000;

export interface InspectRules {
  /** Folders whose repositories may be read by path (ORRERY_LOCAL_REPOS). */
  localRepositories: readonly string[];
  egress: EgressPolicy;
}

export interface Inspection {
  /** The repository as it may be shown: no credentials. */
  shown: string;
  commit: string;
  entries: { name: string; type: 'file' | 'folder' | 'link' | 'submodule' }[];
  manifests: { name: string; text: string; cut: boolean }[];
}

export class InspectError extends Error {
  override name = 'InspectError';
}

/** A branch or tag name git cannot take for an option or a range. */
const REF = /^(?!-)[A-Za-z0-9._/-]{1,250}$/;

export async function inspectRepository(
  repository: string,
  ref: string | undefined,
  rules: InspectRules,
  signal: AbortSignal,
): Promise<Inspection> {
  if (ref !== undefined && (!REF.test(ref) || ref.includes('..'))) {
    throw new InspectError(`"${ref}" is not a branch or tag name.`);
  }
  const local = localPathOf(repository);
  if (local !== undefined) {
    const dir = await allowedLocalRepository(local, rules.localRepositories).catch((error: unknown) => {
      throw new InspectError(error instanceof Error ? error.message : String(error));
    });
    return readTree(dir, ref ?? 'HEAD', repository, signal);
  }
  if (urlCredentials(repository).length) {
    throw new InspectError(
      'Do not put a password or token in a repository URL; name a repository credential in the Environment instead.',
    );
  }
  try {
    rules.egress.check('git', repository, 'the conversation');
  } catch (error) {
    if (error instanceof EgressError) throw new InspectError(error.message);
    throw error;
  }
  const tmp = await mkdtemp(path.join(tmpdir(), 'orrery-inspect-'));
  try {
    const dir = path.join(tmp, 'repo');
    await git(
      // A redirect could lead to a host the policy never checked: none are followed.
      [
        '-c',
        'http.followRedirects=false',
        'clone',
        '--quiet',
        '--depth',
        '1',
        '--no-checkout',
        '--single-branch',
      ]
        .concat(ref ? ['--branch', ref] : [])
        .concat(['--', repository, dir]),
      signal,
    ).catch((error: unknown) => {
      throw new InspectError(`Cannot clone ${displayUrl(repository)}: ${gitMessage(error)}`);
    });
    return await readTree(dir, 'HEAD', repository, signal);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function readTree(dir: string, rev: string, repository: string, signal: AbortSignal) {
  const shown = displayUrl(repository);
  const commit = await gitIn(dir, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], signal).catch(
    () => {
      throw new InspectError(`${shown} has no commit at ${rev === 'HEAD' ? 'its default branch' : rev}.`);
    },
  );
  const listing = await gitIn(dir, ['ls-tree', '-z', '--long', commit.trim()], signal);
  const entries: Inspection['entries'] = [];
  const blobs = new Map<string, number>();
  for (const line of listing.split('\0').filter(Boolean)) {
    // "<mode> <type> <object> <size>\t<name>"
    const tab = line.indexOf('\t');
    const [mode, type, , size] = line.slice(0, tab).split(/\s+/);
    const name = line.slice(tab + 1);
    const kind =
      type === 'tree' ? 'folder' : type === 'commit' ? 'submodule' : mode === '120000' ? 'link' : 'file';
    entries.push({ name, type: kind });
    if (kind === 'file') blobs.set(name, Number(size));
  }
  const manifests: Inspection['manifests'] = [];
  let room = MAX_MANIFESTS_CHARS;
  for (const name of MANIFESTS) {
    const size = blobs.get(name);
    if (size === undefined) continue;
    if (room <= 0) {
      manifests.push({ name, text: '(not read: the answer is full)', cut: true });
      continue;
    }
    if (size > MAX_BLOB_BYTES) {
      manifests.push({ name, text: `(${size} bytes: too large to read)`, cut: true });
      continue;
    }
    const text = await gitIn(dir, ['cat-file', 'blob', `${commit.trim()}:${name}`], signal);
    const limit = Math.min(MAX_MANIFEST_CHARS, room);
    const cut = text.length > limit;
    manifests.push({ name, text: cut ? text.slice(0, limit) : text, cut });
    room -= cut ? limit : text.length;
  }
  return { shown, commit: commit.trim(), entries: entries.slice(0, MAX_LISTED), manifests };
}

/** Git with nothing of the repository's own configuration that runs programs. */
function gitIn(dir: string, args: string[], signal: AbortSignal): Promise<string> {
  return git(['-C', dir, '-c', 'core.fsmonitor=false', '-c', 'core.hooksPath=/dev/null', ...args], signal);
}

async function git(args: string[], signal: AbortSignal): Promise<string> {
  const { stdout } = await run('git', args, {
    signal,
    timeout: GIT_TIMEOUT_MS,
    maxBuffer: 4 * MAX_BLOB_BYTES,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? tmpdir(),
      GIT_TERMINAL_PROMPT: '0',
      // Neither the machine's nor the runner user's git configuration (credential helpers, aliases) applies.
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      // Only transports that connect somewhere the policy checked; never ext:: or file://.
      GIT_ALLOW_PROTOCOL: 'https:http:ssh:git',
      GIT_SSH_COMMAND: 'ssh -o BatchMode=yes -o StrictHostKeyChecking=yes',
    },
  });
  return stdout;
}

function gitMessage(error: unknown): string {
  const stderr = (error as { stderr?: unknown }).stderr;
  const text = typeof stderr === 'string' && stderr.trim() ? stderr.trim() : String(error);
  return text.split('\n').slice(-3).join(' ');
}

/** The inspection as the model reads it. */
export function describeInspection(i: Inspection): string {
  const all = i.entries.map((e) => (e.type === 'folder' ? `${e.name}/` : e.name)).join('\n');
  const listing =
    all.length > MAX_LISTING_CHARS ? `${all.slice(0, MAX_LISTING_CHARS)}\n(… more entries not shown)` : all;
  const manifests = i.manifests.length
    ? i.manifests
        .map((m) => `--- ${m.name}${m.cut ? ' (start only)' : ''} ---\n${m.text.replace(/\n?$/, '\n')}`)
        .join('')
    : '(none of the usual manifest files)\n';
  return `Repository ${i.shown} at commit ${i.commit}\n\nTop-level entries:\n${listing || '(empty)'}\n\nManifests:\n${manifests}`;
}
