// Remote repositories are cloned here, on the runner's side, and handed to
// the build container as a git bundle like local ones: the container needs
// no network and never holds a credential. A repository credential (from the
// session's context) is used only for a repository on its own host, the way
// git-credential-env.ts sets git up (pushes from ../changes/ship.ts too).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repositoryHost, type RunnerRepositoryCredential } from '@orrery/shared';
import { EnvironmentError, messageOf } from './errors.js';
import {
  credentialForUrl,
  CredentialMismatchError,
  gitEnvironment,
  redactSecrets as redact,
} from './git-credential-env.js';
import { displayUrl, urlCredentials, type Repository } from './repo-source.js';

const run = promisify(execFile);

export interface RunnerCloneOptions {
  /** Credentials by name, as the server sent them for this session. */
  credentials: Readonly<Record<string, RunnerRepositoryCredential>>;
  /** The known-hosts file SSH clones check host keys against (default ~/.ssh/known_hosts). */
  knownHostsFile?: string | undefined;
  timeoutMs: number;
}

const UNREACHABLE =
  /Could not resolve host|Failed to connect|Connection refused|Connection timed out|Network is unreachable|Couldn't connect|Could not resolve hostname/i;

/** A git bundle of every branch and tag of a remote repository, cloned on the runner. */
export async function cloneOnRunner(repo: Repository, options: RunnerCloneOptions): Promise<Buffer> {
  const shown = displayUrl(repo.url);
  const host = repositoryHost(repo.url);
  const credential = credentialForUrl(
    repo.url,
    repo.credential ? options.credentials[repo.credential] : undefined,
  );
  const tmp = await mkdtemp(path.join(tmpdir(), 'orrery-clone-'));
  try {
    const env = await gitEnvironment(tmp, repo.url, credential, {
      credentialName: repo.credential,
      knownHostsFile: options.knownHostsFile,
    }).catch((error: unknown) => {
      if (!(error instanceof CredentialMismatchError)) throw error;
      throw new EnvironmentError('build_failed', `Cloning ${shown} failed: ${error.message}`);
    });
    const bare = path.join(tmp, 'repo.git');
    const bundle = path.join(tmp, 'repo.bundle');
    await run('git', ['clone', '--bare', '--quiet', '--', repo.url, bare], {
      env,
      timeout: options.timeoutMs,
      killSignal: 'SIGKILL',
      maxBuffer: 4 * 1024 * 1024,
    });
    await run('git', ['-C', bare, 'bundle', 'create', '--quiet', bundle, '--all'], {
      env,
      maxBuffer: 4 * 1024 * 1024,
    });
    return await readFile(bundle);
  } catch (cause) {
    if (cause instanceof EnvironmentError) throw cause;
    const secrets = [...(credential ? [credential.value] : []), ...urlCredentials(repo.url)];
    throw new EnvironmentError('build_failed', cloneFailure(shown, host, repo, credential, cause, secrets), {
      cause: new Error(redact(messageOf(cause), secrets)),
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** The URL the workspace's clone keeps as origin: the repository's, without any user name or password. */
export function originUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

/** What went wrong, in words that name the repository and what to change; never the credential. */
function cloneFailure(
  shown: string,
  host: string | undefined,
  repo: Repository,
  credential: RunnerRepositoryCredential | undefined,
  cause: unknown,
  secrets: string[],
): string {
  const { stderr: output } = cause as { stderr?: unknown };
  const stderr = redact(typeof output === 'string' && output ? output : messageOf(cause), secrets);
  const tail = stderr.trim().split('\n').slice(-3).join(' ').trim();
  const where = host ?? 'its host';
  const missing =
    repo.credential && !credential
      ? ` The credential ${repo.credential} was not available to this session (it does not exist for the session's owner, or is for another host).`
      : '';
  if ((cause as { killed?: boolean }).killed)
    return `Cloning ${shown} failed: it took too long (${tail || 'no answer'}).`;
  if (
    /Authentication failed|could not read (Username|Password)|HTTP 40[13]|Permission denied \(publickey|terminal prompts disabled/i.test(
      stderr,
    )
  ) {
    return credential
      ? `Cloning ${shown} failed: authentication failed. ${where} refused the repository credential ${repo.credential}; check that it is current and may read this repository.`
      : `Cloning ${shown} failed: authentication failed. ${where} asks for a login; name a repository credential for ${where} on this repository.${missing}`;
  }
  if (/Host key verification failed|No .*host key is known/i.test(stderr)) {
    return `Cloning ${shown} failed: the SSH host key of ${where} is not in the runner's known hosts file; an administrator adds it (ssh-keyscan) to the file ORRERY_GIT_KNOWN_HOSTS names.`;
  }
  if (/not found|does not appear to be a git repository|HTTP 404/i.test(stderr)) {
    return `Cloning ${shown} failed: repository not found. Check the URL${credential ? ` and that ${repo.credential} may read it` : ''}.${missing}`;
  }
  const unreachable = stderr
    .split('\n')
    .find((line) => UNREACHABLE.test(line))
    ?.replace(/^(fatal|ssh): /, '')
    .trim();
  if (unreachable) {
    return `Cloning ${shown} failed: the host ${where} cannot be reached from the runner (${unreachable}). Check the URL, or the runner's network.`;
  }
  return `Cloning ${shown} failed: ${tail}`;
}
