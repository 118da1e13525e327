// Pull requests (GitHub) and merge requests (GitLab) through the forges'
// official clients. Where the API is comes from the Environment's URL for
// the repository: github.com's is https://api.github.com, any other GitHub
// host's is <scheme>://<host>/api/v3 (GitHub Enterprise), a GitLab host's is
// <scheme>://<host>/api/v4. The token goes to that one address alone: every
// request is checked against it and the egress rule, and a redirect is an
// error rather than something to follow.
import {
  repositoryHost,
  type Forge,
  type PullRequestResponse,
  type RunnerRepositoryCredential,
} from '@orrery/shared';
import { EgressError, type EgressPolicy } from '../egress/policy.js';
import { credentialForUrl, messageOf, redactSecrets, tokenParts } from '../environments/index.js';
import { githubDefaultBranch, githubOpen } from './github.js';
import { gitlabDefaultBranch, gitlabOpen } from './gitlab.js';
import { ChangesError, type WorkspaceRepository } from './types.js';

const GITHUB_API = 'https://api.github.com';

export interface ForgeCall {
  repo: WorkspaceRepository;
  credential: RunnerRepositoryCredential | undefined;
  forge: Forge;
  signal?: AbortSignal | undefined;
  egress: EgressPolicy;
  timeoutMs: number;
}

/** One forge API, reached with one token, for one project. */
export interface ForgeTarget {
  forge: Forge;
  /** https://api.github.com, <scheme>://<host>/api/v3, or a GitLab host's <scheme>://<host>. */
  apiBase: string;
  /** owner/repo, or GitLab's group/…/project. */
  project: string;
  /** The repository's host, for messages. */
  host: string;
  credentialName: string;
  token: string;
  /** fetch that goes to apiBase's origin alone, follows no redirect, and stops with the call's signal. */
  fetch: typeof fetch;
  redact(text: string): string;
}

export interface PullRequestDraft {
  branch: string;
  base: string;
  title: string;
  body: string;
}

export async function openPullRequest(call: ForgeCall & PullRequestDraft): Promise<PullRequestResponse> {
  const target = forgeTarget(call);
  try {
    return call.forge === 'github' ? await githubOpen(target, call) : await gitlabOpen(target, call);
  } catch (error) {
    throw forgeFailure(error, target, call.signal);
  }
}

/** The branch the forge says is the repository's default, for a pull request whose base nobody named. */
export async function defaultBranchOf(call: ForgeCall): Promise<string> {
  const target = forgeTarget(call);
  try {
    return call.forge === 'github' ? await githubDefaultBranch(target) : await gitlabDefaultBranch(target);
  } catch (error) {
    throw forgeFailure(error, target, call.signal);
  }
}

function forgeTarget(call: ForgeCall): ForgeTarget {
  const { repo, forge } = call;
  const where = locate(repo.url);
  if (!where) {
    throw new ChangesError(
      'no_remote',
      'This repository has no remote a pull request can be opened on (it is a local folder, or its URL names no host and project).',
    );
  }
  const host = repositoryHost(repo.url) ?? where.origin;
  const github = forge === 'github' && where.hostname === 'github.com';
  const apiBase = github ? GITHUB_API : forge === 'github' ? `${where.origin}/api/v3` : where.origin;
  try {
    call.egress.with('git', github ? [GITHUB_API] : []).check('git', apiBase, 'the Environment');
  } catch (error) {
    if (!(error instanceof EgressError)) throw error;
    throw new ChangesError('remote_error', error.message, { cause: error });
  }
  const credential = credentialForUrl(repo.url, call.credential);
  const name = repo.credential ?? 'none';
  if (!credential || credential.kind !== 'https-token') {
    const why = !repo.credential
      ? `the Environment names no repository credential for ${host} on this repository`
      : credential
        ? `${repo.credential} is an SSH key, and the API takes a token`
        : `the credential ${repo.credential} was not available to this session (it does not exist for the session's owner, or is for another host)`;
    throw new ChangesError(
      'no_credential',
      `Opening a ${noun(forge)} on ${host} needs a token for ${host}: ${why}. Add one in Settings → Secrets → Repository credentials and name it on the repository.`,
    );
  }
  const { token } = tokenParts(credential);
  const secrets = [credential.value, token, ...(call.credential ? [call.credential.value] : [])];
  const redact = (text: string) => redactSecrets(text, secrets);
  const signals = [AbortSignal.timeout(call.timeoutMs), ...(call.signal ? [call.signal] : [])];
  const origin = new URL(apiBase).origin;
  return {
    forge,
    apiBase,
    project: where.project,
    host,
    credentialName: name,
    token,
    fetch: guardedFetch(origin, host, AbortSignal.any(signals)),
    redact,
  };
}

/** Where the forge is (scheme, host and port) and the project's path, from any URL form git takes. */
function locate(url: string): { origin: string; hostname: string; project: string } | undefined {
  let scheme = 'https';
  let host: string;
  let pathname: string;
  const scp = /^(?:[^/@:\s]+@)?([^/:\s[\]]+):(?!\/\/)(.*)$/.exec(url);
  if (scp && !url.includes('://')) {
    [host, pathname] = [scp[1]!, scp[2]!];
  } else {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return undefined;
    }
    if (!['http:', 'https:', 'ssh:', 'git:'].includes(parsed.protocol) || !parsed.hostname) return undefined;
    // Over ssh the API is still https on the same host, without ssh's port.
    const web = parsed.protocol === 'http:' || parsed.protocol === 'https:';
    if (web) scheme = parsed.protocol.slice(0, -1);
    host = web ? parsed.host : parsed.hostname;
    pathname = decodeURIComponent(parsed.pathname);
  }
  const project = pathname.replace(/^\/+|\/+$/g, '').replace(/\.git$/, '');
  if (project.split('/').filter(Boolean).length < 2) return undefined;
  const hostname = host.toLowerCase().replace(/:\d+$/, '');
  return { origin: `${scheme}://${host.toLowerCase()}`, hostname, project };
}

function guardedFetch(origin: string, host: string, signal: AbortSignal): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    if (url.origin !== origin) {
      throw new ChangesError(
        'remote_error',
        `The runner sends ${host}'s credential only to ${origin}; the API asked to go on to ${url.origin}.`,
      );
    }
    const signals = init?.signal ? [init.signal, signal] : [signal];
    const response = await fetch(input, { ...init, redirect: 'manual', signal: AbortSignal.any(signals) });
    if ([301, 302, 303, 307, 308].includes(response.status)) {
      await response.body?.cancel();
      throw new ChangesError(
        'remote_error',
        `${origin} answered with a redirect; the runner does not follow it, so the credential goes to ${host} alone. Check the repository's URL in the Environment.`,
      );
    }
    return response;
  };
}

/** An API's answer other than 2xx, from either client. */
export class ForgeHttpError extends Error {
  constructor(
    readonly status: number,
    readonly data: unknown,
  ) {
    super(`HTTP ${status}`);
    this.name = 'ForgeHttpError';
  }
}

function forgeFailure(error: unknown, target: ForgeTarget, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return signal.reason ?? error;
  for (let e: unknown = error; e instanceof Error; e = e.cause) if (e instanceof ChangesError) return e;
  const { host, project, credentialName: name, forge } = target;
  const status = (error as { status?: unknown }).status;
  const data =
    error instanceof ForgeHttpError
      ? error.data
      : (error as { response?: { data?: unknown } }).response?.data;
  const detail = target.redact(summary(data)).slice(0, 300);
  const fail = (code: ConstructorParameters<typeof ChangesError>[0], message: string) =>
    new ChangesError(code, message, { cause: new Error(target.redact(messageOf(error))) });
  if (status === 401) {
    return fail(
      'auth_failed',
      `The remote refused the credential ${name} for ${host}: check it in Settings → Secrets → Repository credentials.`,
    );
  }
  if (status === 403) {
    return fail(
      'auth_failed',
      `${host} does not let the credential ${name} open a ${noun(forge)} on ${project}${detail ? ` ("${detail}")` : ''}: give it access to ${noun(forge)}s, or check it in Settings → Secrets → Repository credentials.`,
    );
  }
  if (status === 404) {
    return fail(
      'remote_error',
      `The repository ${project} was not found on ${host}, or the credential ${name} cannot see it: check the Environment's repository URL and what the credential may read.`,
    );
  }
  if (status === 422 || status === 400) {
    return fail('invalid', `${host} refused the ${noun(forge)}${detail ? `: ${detail}` : ''}.`);
  }
  if (typeof status === 'number' && status !== 500) {
    return fail(
      'remote_error',
      `${host} answered ${status}${detail ? ` (${detail})` : ''}; try again later.`,
    );
  }
  if ((error as { name?: string }).name === 'TimeoutError' || /aborted|timeout/i.test(messageOf(error))) {
    return fail('remote_error', `${host}'s API took too long to answer; try again later.`);
  }
  return fail(
    'remote_error',
    `${host}'s API cannot be reached from the runner (${target.redact(messageOf(error)).slice(0, 200)}). Check the repository's URL, or the runner's network.`,
  );
}

/** The API's own words from an error body: GitHub's message and errors, GitLab's message or error. */
export function summary(data: unknown): string {
  if (typeof data === 'string') return data.replace(/\s+/g, ' ').trim();
  if (!data || typeof data !== 'object') return '';
  const { message, error, errors } = data as { message?: unknown; error?: unknown; errors?: unknown };
  const parts = [message, error, errors]
    .flat()
    .map((part: unknown) =>
      typeof part === 'string'
        ? part
        : part && typeof part === 'object'
          ? textOf((part as { message?: unknown }).message) || JSON.stringify(part)
          : '',
    );
  return parts
    .filter(Boolean)
    .join('; ')
    .replace(/\p{Cc}+/gu, ' ')
    .trim();
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function noun(forge: Forge): string {
  return forge === 'github' ? 'pull request' : 'merge request';
}
