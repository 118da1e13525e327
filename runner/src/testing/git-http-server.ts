// A git host for tests: bare repositories served over smart HTTP on loopback
// by git's own `git http-backend` (CGI behind node:http), optionally behind a
// token. Importable from e2e as `@orrery/runner/testing/git-http-server`.
//
//   const host = await startGitHttpServer({ token: 'tok-123' });
//   await host.createRepository('app', { 'README.md': '# app\n' }, 'First commit');
//   host.repoUrl('app')          // http://127.0.0.1:<port>/app.git
//   host.host                    // 127.0.0.1:<port> (a repository credential's host)
//   host.requests                // every request: method, path, authorization header, whether it was let in
//   host.use(handler)            // more HTTP on the same port (a forge's API: see forge-peers.ts)
//   await host.protectBranch('app', 'main')   // pushes to it are refused as GitHub refuses them
//   await host.branchTip('app', 'main')        // the commit id, or null
//   await host.fileAt('app', 'main', 'README.md')
//   await host.close();
//
// With `token`, every git request must carry `Authorization: Bearer <token>`
// or Basic with the token as password (any user name, or `username` when
// given); others get 401 with a Basic challenge, as a forge does. Pushes are
// allowed. Handlers see each request first and do their own checks.
import { execFile, spawn } from 'node:child_process';
import { access, chmod, mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BACKEND = process.env.ORRERY_GIT_HTTP_BACKEND ?? '/usr/lib/git-core/git-http-backend';
const AUTHOR = {
  GIT_AUTHOR_NAME: 'Test Author',
  GIT_AUTHOR_EMAIL: 'author@example.test',
  GIT_COMMITTER_NAME: 'Test Author',
  GIT_COMMITTER_EMAIL: 'author@example.test',
};

export interface GitHttpServerOptions {
  /** Require this token (Bearer, or Basic password); none: anyone may read and push. */
  token?: string;
  /** With Basic, the user name that must go with the token; any when not given. */
  username?: string;
  /** Listen on this loopback address (default 127.0.0.1). */
  address?: string;
  /** Answer some requests before git does (see `use`). */
  handlers?: HttpHandler[];
}

/** Answers a request and returns true, or returns false to leave it to the next handler and then git. */
export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface GitHttpRequest {
  method: string;
  /** The path and query, e.g. /app.git/info/refs?service=git-upload-pack */
  path: string;
  /** The Authorization header as received, if any. */
  authorization: string | undefined;
  allowed: boolean;
}

export interface GitHttpServer {
  /** http://<address>:<port> */
  url: string;
  /** <address>:<port>, as a repository credential names its host. */
  host: string;
  /** The folder holding the bare repositories (<name>.git). */
  root: string;
  repoUrl(name: string): string;
  /** Makes a bare repository with one commit of `files` on `branch` (default main); resolves to the commit id. */
  createRepository(
    name: string,
    files: Record<string, string>,
    message?: string,
    branch?: string,
  ): Promise<string>;
  requests: GitHttpRequest[];
  /** Adds a handler that sees every later request before git does. */
  use(handler: HttpHandler): void;
  /** Whether the bare repository <name>.git exists. */
  hasRepository(name: string): Promise<boolean>;
  /** Refuses every push to `branch` from a pre-receive hook, with GitHub's message. */
  protectBranch(name: string, branch: string): Promise<void>;
  /** The commit the branch points at, or null when the repository has no such branch. */
  branchTip(name: string, branch: string): Promise<string | null>;
  /** A file's content at a ref (branch or commit), or null when it is not there. */
  fileAt(name: string, ref: string, file: string): Promise<string | null>;
  close(): Promise<void>;
}

export async function startGitHttpServer(options: GitHttpServerOptions = {}): Promise<GitHttpServer> {
  const root = await mkdtemp(path.join(tmpdir(), 'orrery-git-http-'));
  const requests: GitHttpRequest[] = [];
  const handlers = [...(options.handlers ?? [])];
  const protectedBranches = new Map<string, Set<string>>();
  const server = createServer((req, res) => {
    if (handlers.some((handle) => handle(req, res))) return;
    const authorization = req.headers.authorization;
    const allowed = options.token === undefined || authorized(authorization, options);
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', authorization, allowed });
    if (!allowed) {
      res.writeHead(401, {
        'WWW-Authenticate': 'Basic realm="orrery test git"',
        'Content-Type': 'text/plain',
      });
      res.end('Authentication required\n');
      return;
    }
    serveCgi(root, req, res);
  });
  const address = options.address ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  const { port } = server.address() as AddressInfo;
  const host = `${address}:${port}`;
  const url = `http://${host}`;
  return {
    url,
    host,
    root,
    requests,
    repoUrl: (name) => `${url}/${name}.git`,
    createRepository: (name, files, message = 'Initial commit', branch = 'main') =>
      createRepository(root, name, files, message, branch),
    use: (handler) => void handlers.push(handler),
    hasRepository: (name) =>
      access(path.join(root, `${name}.git`)).then(
        () => true,
        () => false,
      ),
    async protectBranch(name, branch) {
      const branches = protectedBranches.get(name) ?? new Set<string>();
      protectedBranches.set(name, branches.add(branch));
      await writeProtection(path.join(root, `${name}.git`), branches);
    },
    branchTip: (name, branch) =>
      gitOut(path.join(root, `${name}.git`), [
        'rev-parse',
        '--verify',
        '-q',
        `refs/heads/${branch}^{commit}`,
      ]),
    fileAt: (name, ref, file) => gitOut(path.join(root, `${name}.git`), ['show', `${ref}:${file}`], false),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(root, { recursive: true, force: true });
    },
  };
}

function authorized(header: string | undefined, options: GitHttpServerOptions): boolean {
  if (!header) return false;
  const [scheme, credentials = ''] = header.split(' ', 2);
  if (scheme?.toLowerCase() === 'bearer') return credentials === options.token;
  if (scheme?.toLowerCase() !== 'basic') return false;
  const decoded = Buffer.from(credentials, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const [user, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
  return (
    colon >= 0 && password === options.token && (options.username === undefined || user === options.username)
  );
}

/** Runs git http-backend for one request (RFC 3875 CGI): request body in, headers and body out. */
function serveCgi(root: string, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    REMOTE_USER: 'orrery-test',
  };
  if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = req.headers['content-encoding'];
  if (req.headers['git-protocol']) env.GIT_PROTOCOL = String(req.headers['git-protocol']);
  if (req.headers['content-length']) env.CONTENT_LENGTH = req.headers['content-length'];
  const child = spawn(BACKEND, [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  req.pipe(child.stdin);
  let head = Buffer.alloc(0);
  let started = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (started) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const text = head.toString('latin1');
    const end = /\r?\n\r?\n/.exec(text);
    if (!end) return;
    started = true;
    let status = 200;
    for (const line of text.slice(0, end.index).split(/\r?\n/)) {
      const colon = line.indexOf(':');
      const [name, value] = [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
      if (name.toLowerCase() === 'status') status = parseInt(value, 10);
      else if (name) res.setHeader(name, value);
    }
    res.writeHead(status);
    res.write(head.subarray(end.index + end[0].length));
  });
  child.stderr.resume();
  child.on('close', () => {
    if (!started) res.writeHead(502).end('git http-backend gave no answer\n');
    else res.end();
  });
  child.on('error', () => {
    if (!res.headersSent) res.writeHead(500).end(`cannot run ${BACKEND}\n`);
  });
}

async function createRepository(
  root: string,
  name: string,
  files: Record<string, string>,
  message: string,
  branch: string,
): Promise<string> {
  const bare = path.join(root, `${name}.git`);
  await run('git', ['init', '-q', '--bare', `--initial-branch=${branch}`, bare]);
  await run('git', ['-C', bare, 'config', 'http.receivepack', 'true']);
  const work = await mkdtemp(path.join(tmpdir(), 'orrery-git-work-'));
  try {
    const env = { ...process.env, ...AUTHOR };
    await run('git', ['init', '-q', `--initial-branch=${branch}`, work]);
    for (const [file, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(work, file)), { recursive: true });
      await writeFile(path.join(work, file), content);
    }
    await run('git', ['-C', work, 'add', '-A']);
    await run('git', ['-C', work, 'commit', '-q', '-m', message], { env });
    await run('git', ['-C', work, 'push', '-q', bare, `HEAD:refs/heads/${branch}`]);
    return (await run('git', ['-C', work, 'rev-parse', 'HEAD'])).stdout.trim();
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** A pre-receive hook refusing updates to the branches, worded as GitHub words it. */
async function writeProtection(bare: string, branches: ReadonlySet<string>): Promise<void> {
  const refs = [...branches].map((b) => `refs/heads/${b}`).join(' ');
  const hook = [
    '#!/bin/sh',
    'status=0',
    'while read old new ref; do',
    `  for p in ${refs}; do`,
    '    if [ "$ref" = "$p" ]; then',
    '      echo "error: GH006: Protected branch update failed for $ref." >&2',
    '      echo "error: Changes must be made through a pull request." >&2',
    '      status=1',
    '    fi',
    '  done',
    'done',
    'exit $status',
    '',
  ].join('\n');
  const file = path.join(bare, 'hooks', 'pre-receive');
  await writeFile(file, hook);
  await chmod(file, 0o755);
}

/** git's output in a bare repository, or null when it fails (no such ref or file). */
async function gitOut(bare: string, args: string[], trim = true): Promise<string | null> {
  try {
    const { stdout } = await run('git', ['-C', bare, ...args]);
    return trim ? stdout.trim() || null : stdout;
  } catch {
    return null;
  }
}
