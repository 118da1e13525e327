// Remote repositories are cloned here, on the runner's side, and handed to
// the build container as a git bundle like local ones: the container needs
// no network and never holds a credential. A repository credential (from the
// session's context) is used only for a repository on its own host: an HTTPS
// token through a credential helper that reads it from git's environment and
// answers only for that host (never a file, never argv), an SSH key through a
// 0600 file in a private temporary folder with IdentitiesOnly and the
// runner's known-hosts file. Git runs without the user's or system's config.
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repositoryHost, type RunnerRepositoryCredential } from '@orrery/shared';
import { EnvironmentError, messageOf } from './errors.js';
import { displayUrl, urlCredentials, type Repository } from './repo-source.js';
import { shellQuote } from './scripts.js';

const run = promisify(execFile);

export interface RunnerCloneOptions {
  /** Credentials by name, as the server sent them for this session. */
  credentials: Readonly<Record<string, RunnerRepositoryCredential>>;
  /** The known-hosts file SSH clones check host keys against (default ~/.ssh/known_hosts). */
  knownHostsFile?: string | undefined;
  timeoutMs: number;
}

// Reads git's request on stdin and answers only a "get" for the one host; the token stays in the environment.
const HELPER = [
  '!f() { test "$1" = get || exit 0; h=; while IFS= read -r l && test -n "$l"; do',
  'case "$l" in host=*) h="${l#host=}";; esac; done;',
  'test "$h" = "$ORRERY_CLONE_HOST" || exit 0;',
  'printf "username=%s\\npassword=%s\\n" "$ORRERY_CLONE_USER" "$ORRERY_CLONE_TOKEN"; }; f',
].join(' ');

const UNREACHABLE =
  /Could not resolve host|Failed to connect|Connection refused|Connection timed out|Network is unreachable|Couldn't connect|Could not resolve hostname/i;

/** A git bundle of every branch and tag of a remote repository, cloned on the runner. */
export async function cloneOnRunner(repo: Repository, options: RunnerCloneOptions): Promise<Buffer> {
  const shown = displayUrl(repo.url);
  const host = repositoryHost(repo.url);
  const named = repo.credential ? options.credentials[repo.credential] : undefined;
  // The server sends a credential only for its host; checked again, whoever wrote the Environment.
  const credential = named && host !== undefined && named.host === host ? named : undefined;
  const tmp = await mkdtemp(path.join(tmpdir(), 'orrery-clone-'));
  try {
    const env = await gitEnvironment(tmp, repo, credential, options);
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

async function gitEnvironment(
  tmp: string,
  repo: Repository,
  credential: RunnerRepositoryCredential | undefined,
  options: RunnerCloneOptions,
): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: tmp,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '',
    SSH_ASKPASS: '',
    LANG: 'C',
  };
  const config: [string, string][] = [['credential.helper', '']];
  const knownHosts = options.knownHostsFile ?? path.join(homedir(), '.ssh', 'known_hosts');
  const ssh = [
    'ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes',
    `-o UserKnownHostsFile=${shellQuote(knownHosts)}`,
  ];
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(repo.url)?.[1]?.toLowerCase() ?? 'ssh';
  if (credential?.kind === 'https-token') {
    if (scheme !== 'https' && !(scheme === 'http' && isLoopback(credential.host))) {
      throw new EnvironmentError(
        'build_failed',
        `Cloning ${displayUrl(repo.url)} failed: the token ${repo.credential} is sent only over https (plain http only to this machine); use the repository's https:// URL.`,
      );
    }
    const colon = credential.value.indexOf(':');
    env.ORRERY_CLONE_HOST = credential.host;
    env.ORRERY_CLONE_USER = colon > 0 ? credential.value.slice(0, colon) : 'x-access-token';
    env.ORRERY_CLONE_TOKEN = colon > 0 ? credential.value.slice(colon + 1) : credential.value;
    config.push(['credential.helper', HELPER], ['credential.interactive', 'false']);
  } else if (credential?.kind === 'ssh-key') {
    if (scheme !== 'ssh') {
      throw new EnvironmentError(
        'build_failed',
        `Cloning ${displayUrl(repo.url)} failed: ${repo.credential} is an SSH key; use the repository's SSH URL (git@host:path or ssh://…).`,
      );
    }
    const key = path.join(tmp, 'id');
    await writeFile(key, `${credential.value.trim()}\n`, { mode: 0o600 });
    await chmod(key, 0o600);
    ssh.push(`-o IdentitiesOnly=yes -o IdentityAgent=none -i ${shellQuote(key)}`);
  }
  env.GIT_SSH_COMMAND = ssh.join(' ');
  env.GIT_CONFIG_COUNT = String(config.length);
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}

function isLoopback(host: string): boolean {
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return name === 'localhost' || name === '::1' || /^127\./.test(name);
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

function redact(text: string, secrets: readonly string[]): string {
  return secrets.filter(Boolean).reduce((t, s) => t.replaceAll(s, '***'), text);
}
