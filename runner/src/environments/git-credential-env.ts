// How the runner runs git against a remote with a repository credential,
// for cloning (runner-clone.ts) and pushing (../changes/ship.ts) alike. A
// credential is used only for a repository on its own host: an HTTPS token
// through a credential helper that reads it from git's environment and
// answers only for that host (never a file, never argv), an SSH key through a
// 0600 file in a private temporary folder with IdentitiesOnly and the
// runner's known-hosts file. Git runs without the user's or system's config.
import { chmod, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { repositoryHost, type RunnerRepositoryCredential } from '@orrery/shared';
import { shellQuote } from './scripts.js';

// Reads git's request on stdin and answers only a "get" for the one host; the token stays in the environment.
const HELPER = [
  '!f() { test "$1" = get || exit 0; h=; while IFS= read -r l && test -n "$l"; do',
  'case "$l" in host=*) h="${l#host=}";; esac; done;',
  'test "$h" = "$ORRERY_CLONE_HOST" || exit 0;',
  'printf "username=%s\\npassword=%s\\n" "$ORRERY_CLONE_USER" "$ORRERY_CLONE_TOKEN"; }; f',
].join(' ');

/** The credential is of a kind the URL cannot carry; `message` says which URL to use instead. */
export class CredentialMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialMismatchError';
  }
}

export interface GitEnvironmentOptions {
  /** The credential's name, for messages. */
  credentialName?: string | undefined;
  /** The known-hosts file SSH checks host keys against (default ~/.ssh/known_hosts). */
  knownHostsFile?: string | undefined;
  /** More `git -c` settings, e.g. http.followRedirects. */
  config?: readonly [string, string][];
}

/**
 * The credential when it is for the URL's own host, else undefined: the
 * server sends a credential only for its host, and this is checked again
 * whoever wrote the Environment.
 */
export function credentialForUrl(
  url: string,
  credential: RunnerRepositoryCredential | undefined,
): RunnerRepositoryCredential | undefined {
  const host = repositoryHost(url);
  return credential && host !== undefined && credential.host === host ? credential : undefined;
}

/** The user name and token an HTTPS credential holds ("user:token", or a bare token). */
export function tokenParts(credential: RunnerRepositoryCredential): { user: string; token: string } {
  const colon = credential.value.indexOf(':');
  return colon > 0
    ? { user: credential.value.slice(0, colon), token: credential.value.slice(colon + 1) }
    : { user: 'x-access-token', token: credential.value };
}

/**
 * The environment for git against `url` in the private folder `tmp` (which
 * becomes HOME and holds an SSH key file when there is one). Throws
 * CredentialMismatchError when the credential cannot go over this URL.
 */
export async function gitEnvironment(
  tmp: string,
  url: string,
  credential: RunnerRepositoryCredential | undefined,
  options: GitEnvironmentOptions = {},
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
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase() ?? 'ssh';
  if (credential?.kind === 'https-token') {
    if (scheme !== 'https' && !(scheme === 'http' && isLoopback(credential.host))) {
      throw new CredentialMismatchError(
        `the token ${options.credentialName} is sent only over https (plain http only to this machine); use the repository's https:// URL.`,
      );
    }
    const { user, token } = tokenParts(credential);
    env.ORRERY_CLONE_HOST = credential.host;
    env.ORRERY_CLONE_USER = user;
    env.ORRERY_CLONE_TOKEN = token;
    config.push(['credential.helper', HELPER], ['credential.interactive', 'false']);
  } else if (credential?.kind === 'ssh-key') {
    if (scheme !== 'ssh') {
      throw new CredentialMismatchError(
        `${options.credentialName} is an SSH key; use the repository's SSH URL (git@host:path or ssh://…).`,
      );
    }
    const key = path.join(tmp, 'id');
    await writeFile(key, `${credential.value.trim()}\n`, { mode: 0o600 });
    await chmod(key, 0o600);
    ssh.push(`-o IdentitiesOnly=yes -o IdentityAgent=none -i ${shellQuote(key)}`);
  }
  config.push(...(options.config ?? []));
  env.GIT_SSH_COMMAND = ssh.join(' ');
  env.GIT_CONFIG_COUNT = String(config.length);
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}

export function isLoopback(host: string): boolean {
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return name === 'localhost' || name === '::1' || /^127\./.test(name);
}

/** `text` with every secret replaced and no user name or password left in any URL. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  return secrets
    .filter(Boolean)
    .reduce((t, s) => t.replaceAll(s, '***'), text)
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/@\s'"]*@/gi, '$1');
}
