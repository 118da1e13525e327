// Scripted GitHub and GitLab APIs for tests, on the same port as a test git
// host (git-http-server.ts), so a repository credential for that host is
// also the API's. They speak enough of the real REST protocols for the
// official clients (@octokit/rest, @gitbeaker/rest) to run unchanged, check
// the token as the forges do, and record every request. Importable from e2e
// as `@orrery/runner/testing/forge-peers`.
//
//   const host = await startGitHttpServer({ token });
//   await host.createRepository('acme/app', { 'README.md': '# app\n' });
//   const github = githubPeer(host, { token });     // GitHub Enterprise's /api/v3 on host.url
//   const gitlab = gitlabPeer(host, { token });     // GitLab's /api/v4 on host.url
//   github.pulls / gitlab.pulls   // what was opened: title, body, head, base, url
//   github.requests               // method, path, body, auth header, whether it was let in
//
// Repositories are the host's (a pull request's branches must be on it).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GitHttpServer } from './git-http-server.js';

export interface ForgeRequest {
  method: string;
  /** Path and query as received. */
  path: string;
  /** The parsed JSON body, if any. */
  body: unknown;
  /** The credential header as received: GitHub's Authorization, GitLab's PRIVATE-TOKEN or Authorization. */
  auth: string | undefined;
  allowed: boolean;
}

export interface OpenedPullRequest {
  number: number;
  project: string;
  title: string;
  body: string;
  head: string;
  base: string;
  url: string;
  state: 'open' | 'closed';
}

export interface ForgePeer {
  /** Where the official client points: GitHub's baseUrl, or GitLab's host. */
  apiUrl: string;
  requests: ForgeRequest[];
  pulls: OpenedPullRequest[];
}

export interface ForgePeerOptions {
  /** The token the API accepts. */
  token: string;
}

type Answer = { status: number; body: unknown };
type Route = (call: {
  method: string;
  parts: string[];
  query: URLSearchParams;
  body: Record<string, unknown>;
  web: string;
}) => Promise<Answer>;

/** GitHub's REST API as GitHub Enterprise serves it, under /api/v3. */
export function githubPeer(host: GitHttpServer, options: ForgePeerOptions): ForgePeer {
  const pulls: OpenedPullRequest[] = [];
  const invalid = (errors: unknown[]): Answer => ({
    status: 422,
    body: { message: 'Validation Failed', errors },
  });
  const route: Route = async ({ method, parts, query, body, web }) => {
    const [repos, owner, name, pullsPart] = parts;
    const project = `${owner}/${name}`;
    if (repos !== 'repos' || !owner || !name || !(await host.hasRepository(project)))
      return notFound('Not Found');
    if (method === 'GET' && parts.length === 3) {
      return ok(200, {
        id: 1,
        name,
        full_name: project,
        owner: { login: owner },
        private: true,
        default_branch: (await defaultBranch(host, project)) ?? 'main',
        html_url: `${web}/${project}`,
        clone_url: host.repoUrl(project),
      });
    }
    if (pullsPart !== 'pulls' || parts.length !== 4) return notFound('Not Found');
    if (method === 'GET') {
      const head = query.get('head')?.replace(/^[^:]*:/, '');
      const listed = pulls.filter(
        (p) =>
          p.project === project &&
          (!head || p.head === head) &&
          (!query.get('base') || p.base === query.get('base')) &&
          (query.get('state') === 'all' || p.state === (query.get('state') ?? 'open')),
      );
      return ok(
        200,
        listed.map((p) => githubPull(p, web)),
      );
    }
    if (method !== 'POST') return notFound('Not Found');
    const [title, head, base] = [
      body.title,
      (typeof body.head === 'string' ? body.head : '').replace(/^[^:]*:/, ''),
      body.base,
    ];
    if (typeof title !== 'string' || !title)
      return invalid([{ resource: 'PullRequest', field: 'title', code: 'missing_field' }]);
    if (typeof base !== 'string' || !(await host.branchTip(project, base)))
      return invalid([{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
    if (!head || !(await host.branchTip(project, head)))
      return invalid([{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
    if (
      pulls.some((p) => p.project === project && p.head === head && p.base === base && p.state === 'open')
    ) {
      return invalid([
        {
          resource: 'PullRequest',
          code: 'custom',
          message: `A pull request already exists for ${owner}:${head}.`,
        },
      ]);
    }
    const number = pulls.length + 1;
    const pull: OpenedPullRequest = {
      number,
      project,
      title,
      body: typeof body.body === 'string' ? body.body : '',
      head,
      base,
      url: `${web}/${project}/pull/${number}`,
      state: 'open',
    };
    pulls.push(pull);
    return ok(201, githubPull(pull, web));
  };
  return mount(host, '/api/v3/', options, pulls, route, (req) => {
    const [scheme = '', value] = (req.headers.authorization ?? '').split(' ', 2);
    return { auth: req.headers.authorization, token: /^(token|bearer)$/i.test(scheme) ? value : undefined };
  });
}

function githubPull(p: OpenedPullRequest, web: string): Record<string, unknown> {
  const owner = p.project.split('/')[0];
  return {
    id: p.number,
    number: p.number,
    state: p.state,
    title: p.title,
    body: p.body,
    html_url: p.url,
    url: `${web}/api/v3/repos/${p.project}/pulls/${p.number}`,
    head: { ref: p.head, label: `${owner}:${p.head}` },
    base: { ref: p.base, label: `${owner}:${p.base}` },
    user: { login: 'orrery-test' },
    draft: false,
  };
}

/** GitLab's REST API, under /api/v4; projects by URL-encoded path. */
export function gitlabPeer(host: GitHttpServer, options: ForgePeerOptions): ForgePeer {
  const pulls: OpenedPullRequest[] = [];
  const route: Route = async ({ method, parts, query, body, web }) => {
    const [projects, id, sub] = parts;
    const project = id ?? '';
    if (projects !== 'projects' || !project || !(await host.hasRepository(project)))
      return notFound('404 Project Not Found');
    if (method === 'GET' && parts.length === 2) {
      return ok(200, {
        id: 1,
        path_with_namespace: project,
        default_branch: (await defaultBranch(host, project)) ?? 'main',
        web_url: `${web}/${project}`,
        http_url_to_repo: host.repoUrl(project),
      });
    }
    if (sub !== 'merge_requests' || parts.length !== 3) return notFound('404 Not found');
    if (method === 'GET') {
      const listed = pulls.filter(
        (p) =>
          p.project === project &&
          (!query.get('source_branch') || p.head === query.get('source_branch')) &&
          (!query.get('target_branch') || p.base === query.get('target_branch')) &&
          (query.get('state') !== 'opened' || p.state === 'open'),
      );
      return ok(200, listed.map(gitlabMergeRequest));
    }
    if (method !== 'POST') return notFound('404 Not found');
    const { source_branch: head, target_branch: base, title } = body;
    if (typeof title !== 'string' || !title) return { status: 400, body: { error: 'title is missing' } };
    if (typeof head !== 'string' || !(await host.branchTip(project, head)))
      return { status: 422, body: { message: [`Source branch "${String(head)}" does not exist`] } };
    if (typeof base !== 'string' || !(await host.branchTip(project, base)))
      return { status: 422, body: { message: [`Target branch "${String(base)}" does not exist`] } };
    const open = pulls.find(
      (p) => p.project === project && p.head === head && p.base === base && p.state === 'open',
    );
    if (open) {
      return {
        status: 409,
        body: {
          message: [`Another open merge request already exists for this source branch: !${open.number}`],
        },
      };
    }
    const number = pulls.filter((p) => p.project === project).length + 1;
    const mr: OpenedPullRequest = {
      number,
      project,
      title,
      body: typeof body.description === 'string' ? body.description : '',
      head,
      base,
      url: `${web}/${project}/-/merge_requests/${number}`,
      state: 'open',
    };
    pulls.push(mr);
    return ok(201, gitlabMergeRequest(mr));
  };
  return mount(host, '/api/v4/', options, pulls, route, (req) => {
    const privateToken = req.headers['private-token'];
    if (typeof privateToken === 'string') return { auth: privateToken, token: privateToken };
    const [scheme = '', value] = (req.headers.authorization ?? '').split(' ', 2);
    return { auth: req.headers.authorization, token: /^bearer$/i.test(scheme) ? value : undefined };
  });
}

function gitlabMergeRequest(p: OpenedPullRequest): Record<string, unknown> {
  return {
    id: p.number,
    iid: p.number,
    project_id: 1,
    title: p.title,
    description: p.body,
    state: p.state === 'open' ? 'opened' : 'closed',
    source_branch: p.head,
    target_branch: p.base,
    web_url: p.url,
  };
}

/** Answers everything under `prefix` on the host's port: the token first, then the route. */
function mount(
  host: GitHttpServer,
  prefix: string,
  options: ForgePeerOptions,
  pulls: OpenedPullRequest[],
  route: Route,
  credentials: (req: IncomingMessage) => { auth: string | undefined; token: string | undefined },
): ForgePeer {
  const requests: ForgeRequest[] = [];
  host.use((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith(prefix)) return false;
    void (async () => {
      const text = await readBody(req);
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      const { auth, token } = credentials(req);
      const allowed = token === options.token;
      requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', body, auth, allowed });
      if (!allowed)
        return send(res, {
          status: 401,
          body: { message: prefix.includes('v3') ? 'Bad credentials' : '401 Unauthorized' },
        });
      const parts = url.pathname.slice(prefix.length).split('/').filter(Boolean).map(decodeURIComponent);
      const fields = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
      const web = `http://${req.headers.host ?? host.host}`;
      send(
        res,
        await route({ method: req.method ?? 'GET', parts, query: url.searchParams, body: fields, web }),
      );
    })().catch((error: unknown) => send(res, { status: 500, body: { message: String(error) } }));
    return true;
  });
  return { apiUrl: prefix.includes('v3') ? `${host.url}/api/v3` : host.url, requests, pulls };
}

async function defaultBranch(host: GitHttpServer, project: string): Promise<string | null> {
  for (const branch of ['main', 'master']) if (await host.branchTip(project, branch)) return branch;
  return null;
}

const ok = (status: number, body: unknown): Answer => ({ status, body });
const notFound = (message: string): Answer => ({ status: 404, body: { message } });

function send(res: ServerResponse, { status, body }: Answer): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
