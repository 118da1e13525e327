// GitHub's pull requests through @octokit/rest, against the API address and
// the guarded fetch forge-api.ts gives (github.com's own, or an Enterprise
// host's /api/v3).
import { Octokit } from '@octokit/rest';
import type { PullRequestResponse } from '@orrery/shared';
import { summary, type ForgeTarget, type PullRequestDraft } from './forge-api.js';
import { ChangesError } from './types.js';

// The client's own log would print request lines to the console; the shipper logs what matters itself.
const QUIET = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function client(target: ForgeTarget): { octokit: Octokit; owner: string; repo: string } {
  const [owner, ...rest] = target.project.split('/');
  const octokit = new Octokit({
    baseUrl: target.apiBase,
    auth: target.token,
    userAgent: 'orrery-runner',
    log: QUIET,
    request: { fetch: target.fetch },
  });
  return { octokit, owner: owner!, repo: rest.join('/') };
}

export async function githubOpen(target: ForgeTarget, draft: PullRequestDraft): Promise<PullRequestResponse> {
  const { octokit, owner, repo } = client(target);
  const { branch, base, title, body } = draft;
  try {
    const { data } = await octokit.rest.pulls.create({ owner, repo, title, body, head: branch, base });
    return { url: data.html_url, number: data.number, title: data.title, forge: 'github', branch, base };
  } catch (error) {
    const { status, response } = error as { status?: number; response?: { data?: unknown } };
    if (status !== 422 || !/already exists/i.test(summary(response?.data))) throw error;
    // GitHub does not say which one; the open pull request from this branch into the base is it.
    const open = await octokit.rest.pulls
      .list({ owner, repo, head: `${owner}:${branch}`, base, state: 'open' })
      .then(
        ({ data: pulls }) => pulls[0]?.html_url,
        () => undefined,
      );
    throw new ChangesError(
      'already_exists',
      `A pull request from ${branch} into ${base} is already open on ${target.host}${open ? `: ${open}` : ''}.`,
      { cause: error },
    );
  }
}

export async function githubDefaultBranch(target: ForgeTarget): Promise<string> {
  const { octokit, owner, repo } = client(target);
  const { data } = await octokit.rest.repos.get({ owner, repo });
  return data.default_branch;
}
