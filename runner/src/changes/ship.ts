// Shipping from the runner's own side, never the container's: the commits
// come out of the container as a git bundle, are fetched into a private bare
// repository here, and pushed to the Environment's URL for the repository
// (never a remote the container names) with its credential, set up as for
// cloning (git-credential-env.ts). Pull requests go through the forges'
// official clients (forge-api.ts). Every connection passes the egress rule.
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repositoryHost, type PushResponse, type RunnerRepositoryCredential } from '@orrery/shared';
import { EgressError, EgressPolicy } from '../egress/policy.js';
import {
  credentialForUrl,
  CredentialMismatchError,
  gitEnvironment,
  localPathOf,
  originUrl,
  redactSecrets,
  silentLog,
  tokenParts,
  urlCredentials,
  type Log,
} from '../environments/index.js';
import { defaultBranchOf, openPullRequest, type ForgeCall } from './forge-api.js';
import { pushFailure, type PushContext } from './push-failure.js';
import { ChangesError, type Shipper, type WorkspaceRepository } from './types.js';

const run = promisify(execFile);

export interface ShipperOptions {
  /** Where the runner may connect (git hosts: ORRERY_GIT_HOSTS); default: the public forges. */
  egress?: EgressPolicy | undefined;
  /** The known-hosts file SSH pushes check host keys against (default ~/.ssh/known_hosts). */
  knownHostsFile?: string | undefined;
  /** How long one git command or API request may take (default two minutes). */
  timeoutMs?: number | undefined;
  log?: Log | undefined;
}

export type ShipperWithDefaults = Shipper & {
  /** The branch pull requests go into when nobody names one: the forge's default branch. */
  defaultBranchOf(options: Omit<ForgeCall, 'egress' | 'timeoutMs'>): Promise<string>;
};

export function createShipper(options: ShipperOptions = {}): ShipperWithDefaults {
  const egress = options.egress ?? EgressPolicy.of();
  const timeoutMs = options.timeoutMs ?? 120_000;
  const log = options.log ?? silentLog;
  const settings = { egress, timeoutMs, log, knownHostsFile: options.knownHostsFile };
  return {
    push: (push) => pushBranch(push, settings),
    openPullRequest: async (request) => {
      try {
        const opened = await openPullRequest({ ...request, egress, timeoutMs });
        log.info('opened a pull request', { url: opened.url, forge: opened.forge, branch: opened.branch });
        return opened;
      } catch (error) {
        if (error instanceof ChangesError)
          log.warn('opening a pull request failed', { error: error.message });
        throw error;
      }
    },
    defaultBranchOf: (request) => defaultBranchOf({ ...request, egress, timeoutMs }),
  };
}

type PushOptions = Parameters<Shipper['push']>[0];
interface Settings {
  egress: EgressPolicy;
  timeoutMs: number;
  log: Log;
  knownHostsFile: string | undefined;
}

async function pushBranch(options: PushOptions, settings: Settings): Promise<PushResponse> {
  const { repo, branch, head, ours, signal } = options;
  const remote = originUrl(repo.url);
  checkRemote(repo, settings.egress);
  const host = repositoryHost(repo.url) ?? remote;
  const credential = credentialForUrl(repo.url, options.credential);
  // Whatever was handed in is kept out of every message, used or not.
  const secrets = secretsOf(options.credential, repo.url);
  const redact = (text: string) => redactSecrets(text, secrets);
  const context: PushContext = {
    remote,
    host,
    branch,
    credentialName: repo.credential,
    withCredential: !!credential,
  };
  const tmp = await mkdtemp(path.join(tmpdir(), 'orrery-push-'));
  try {
    await chmod(tmp, 0o700);
    const env = await gitEnvironment(tmp, repo.url, credential, {
      credentialName: repo.credential,
      knownHostsFile: settings.knownHostsFile,
      // A redirect never takes the push, or the credential, to another address.
      config: [['http.followRedirects', 'false']],
    }).catch((error: unknown) => {
      if (!(error instanceof CredentialMismatchError)) throw error;
      throw new ChangesError('no_credential', `Pushing to ${remote} failed: ${error.message}`);
    });
    const git = (args: string[]) =>
      run('git', args, {
        env,
        timeout: settings.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 4 * 1024 * 1024,
        ...(signal ? { signal } : {}),
      });
    const bare = await unbundle(git, tmp, repo.url, options);
    const onRemote = await remoteTip(git, bare, repo.url, branch);
    if (onRemote !== null && !ours) {
      throw new ChangesError(
        'already_exists',
        `The branch ${branch} already exists on ${remote} and this session did not create it, so it is not overwritten: push to another branch name.`,
      );
    }
    // The session's own branch moves only if it still is where the session left it; a new one only if still absent.
    const lease = `--force-with-lease=refs/heads/${branch}:${onRemote === null ? '' : ours!.sha}`;
    const pushed = await git([
      '-C',
      bare,
      'push',
      '--porcelain',
      lease,
      '--',
      repo.url,
      `refs/heads/${branch}:refs/heads/${branch}`,
    ]);
    // Some git versions end 0 even when --porcelain reports the ref rejected ("!").
    if (/^!\t/m.test(pushed.stdout)) throw Object.assign(new Error('rejected'), pushed);
    settings.log.info('pushed a branch', { remote, branch, sha: head, created: onRemote === null });
    return { branch, remote, sha: head, created: onRemote === null };
  } catch (cause) {
    if (signal?.aborted) throw signal.reason ?? cause;
    const error = cause instanceof ChangesError ? cause : pushFailure(context, cause, redact);
    settings.log.warn('push failed', { remote, branch, code: error.code, error: redact(error.message) });
    throw error;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Refuses local folders and hosts the egress rule does not allow, before any git runs. */
function checkRemote(repo: WorkspaceRepository, egress: EgressPolicy): void {
  if (localPathOf(repo.url) !== undefined) {
    throw new ChangesError(
      'no_remote',
      'This repository is a local folder on the runner, not a remote to push to: use Download patch to take the changes out.',
    );
  }
  try {
    egress.check('git', repo.url, 'the Environment');
  } catch (error) {
    if (!(error instanceof EgressError)) throw error;
    throw new ChangesError('remote_error', error.message, { cause: error });
  }
}

type Git = (args: string[]) => Promise<{ stdout: string; stderr: string }>;

/**
 * A private bare repository holding the bundle's branch, checked to be the
 * commit the container said. A bundle of the commits since the base needs
 * the base: it is fetched from the remote by its id (protocol v2 allows it),
 * without history (--depth=1), so a push costs one tree, not a clone.
 */
async function unbundle(git: Git, tmp: string, url: string, options: PushOptions): Promise<string> {
  const { branch, head } = options;
  const ref = `refs/heads/${branch}`;
  const invalid = (why: string) =>
    new ChangesError('invalid', `The branch ${branch} cannot be pushed: ${why}.`);
  await git(['check-ref-format', ref]).catch(() => {
    throw invalid('it is not a valid branch name');
  });
  const bare = path.join(tmp, 'repo.git');
  const file = path.join(tmp, 'changes.bundle');
  await writeFile(file, options.bundle, { mode: 0o600 });
  await git(['init', '-q', '--bare', bare]);
  const needed = prerequisites(options.bundle);
  if (needed.length > 0) {
    // Under refs, so that git's check of the bundle finds them reachable.
    const refspecs = needed.map((sha, i) => `${sha}:refs/orrery/prerequisite/${i}`);
    await git(['-C', bare, 'fetch', '-q', '--depth=1', '--', url, ...refspecs]).catch((error: unknown) => {
      if (
        !/not our ref|unadvertised object|couldn't find remote ref|no such remote ref/i.test(
          String((error as { stderr?: unknown }).stderr),
        )
      )
        throw error;
      throw invalid(
        `the commit the session started from (${needed[0]}) is no longer on the remote; commit the changes onto a branch the remote has, or use Download patch`,
      );
    });
  }
  await git(['-C', bare, 'fetch', '-q', file, `${ref}:${ref}`]).catch(() => {
    throw invalid('the commits taken out of the workspace could not be read');
  });
  const { stdout } = await git(['-C', bare, 'rev-parse', '--verify', `${ref}^{commit}`]);
  if (stdout.trim() !== head) throw invalid(`the workspace's commits end at ${stdout.trim()}, not ${head}`);
  return bare;
}

/** The commits a bundle's header says it builds on ("-<id> <subject>" lines, before the pack). */
export function prerequisites(bundle: Uint8Array): string[] {
  const buffer = Buffer.from(bundle.buffer, bundle.byteOffset, bundle.byteLength);
  const end = buffer.indexOf('\n\n');
  const header = buffer.subarray(0, end < 0 ? Math.min(buffer.length, 65_536) : end).toString('utf8');
  return header.split('\n').flatMap((line) => /^-([0-9a-f]{40,64})(?: |$)/.exec(line)?.[1] ?? []);
}

/** Where the branch stands on the remote, or null when the remote has no such branch. */
async function remoteTip(git: Git, bare: string, url: string, branch: string): Promise<string | null> {
  const { stdout } = await git(['-C', bare, 'ls-remote', '--heads', '--', url, `refs/heads/${branch}`]);
  const line = stdout.split('\n').find((l) => l.endsWith(`\trefs/heads/${branch}`));
  return line ? line.split('\t')[0]! : null;
}

function secretsOf(credential: RunnerRepositoryCredential | undefined, url: string): string[] {
  const token = credential?.kind === 'https-token' ? [tokenParts(credential).token] : [];
  return [...(credential ? [credential.value] : []), ...token, ...urlCredentials(url)];
}
