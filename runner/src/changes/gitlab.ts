// GitLab's merge requests through @gitbeaker/rest. Its requests go through
// a requester of ours (an option gitbeaker has for this) so that they use
// forge-api.ts's guarded fetch and the session's signal, which gitbeaker's
// own requester cannot take.
import { Gitlab } from '@gitbeaker/rest';
import type { PullRequestResponse } from '@orrery/shared';
import { ForgeHttpError, summary, type ForgeTarget, type PullRequestDraft } from './forge-api.js';
import { ChangesError } from './types.js';

type RequesterFn = NonNullable<ConstructorParameters<typeof Gitlab>[0]['requesterFn']>;

function client(target: ForgeTarget) {
  return new Gitlab<false>({
    host: target.apiBase,
    token: target.token,
    queryTimeout: null,
    requesterFn: requester(target.fetch),
  });
}

export async function gitlabOpen(target: ForgeTarget, draft: PullRequestDraft): Promise<PullRequestResponse> {
  const api = client(target);
  const { branch, base, title, body } = draft;
  try {
    const mr = await api.MergeRequests.create(target.project, branch, base, title, { description: body });
    return { url: mr.web_url, number: mr.iid, title: mr.title, forge: 'gitlab', branch, base };
  } catch (error) {
    if (!(error instanceof ForgeHttpError) || error.status !== 409) throw error;
    const open = await api.MergeRequests.all({
      projectId: target.project,
      sourceBranch: branch,
      targetBranch: base,
      state: 'opened',
    }).then(
      (mrs) => mrs[0]?.web_url,
      () => undefined,
    );
    throw new ChangesError(
      'already_exists',
      `A merge request from ${branch} into ${base} is already open on ${target.host}${open ? `: ${open}` : ` (${target.redact(summary(error.data))})`}.`,
      { cause: error },
    );
  }
}

export async function gitlabDefaultBranch(target: ForgeTarget): Promise<string> {
  const project = await client(target).Projects.show(target.project);
  return project.default_branch;
}

/** gitbeaker's requester contract: JSON in and out, snake_case on the wire, errors for non-2xx answers. */
function requester(fetcher: typeof fetch): RequesterFn {
  return (service) => {
    const call =
      (method: string) =>
      async (endpoint: string, options: { body?: unknown; searchParams?: Record<string, unknown> } = {}) => {
        const url = new URL(endpoint, service.url.endsWith('/') ? service.url : `${service.url}/`);
        for (const [key, value] of Object.entries(options.searchParams ?? {})) {
          // Plain values only: the calls made here pass no arrays or objects.
          if (['string', 'number', 'boolean'].includes(typeof value))
            url.searchParams.set(snake(key), `${value as string}`);
        }
        const headers: Record<string, string> = { ...service.headers };
        for (const [name, value] of Object.entries(service.authHeaders)) headers[name] = await value();
        let body: string | undefined;
        if (options.body && typeof options.body === 'object') {
          body = JSON.stringify(
            Object.fromEntries(Object.entries(options.body).map(([k, v]) => [snake(k), v])),
          );
          headers['content-type'] = 'application/json';
        }
        const response = await fetcher(url, { method, headers, ...(body !== undefined ? { body } : {}) });
        const text = await response.text();
        const json = /application\/json/.test(response.headers.get('content-type') ?? '');
        const data: unknown = json && text ? JSON.parse(text) : text;
        if (!response.ok) throw new ForgeHttpError(response.status, data);
        return { body: data, headers: Object.fromEntries(response.headers), status: response.status };
      };
    return {
      get: call('GET'),
      post: call('POST'),
      put: call('PUT'),
      patch: call('PATCH'),
      delete: call('DELETE'),
    } as ReturnType<RequesterFn>;
  };
}

function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
