// Realistic changes for the panel's tests and screenshots: values of the
// contract's own types (parsed by its schemas, so they stay valid), and a
// source that answers them as the server would.
import {
  ApiError,
  ChangedFile,
  FileDiff,
  RepositoryChanges,
  SessionChanges,
  type ChangesState,
} from '@orrery/shared';
import type { ChangesSource } from '../session/changes/use-changes.js';

const sha = (c: string) => c.repeat(40).slice(0, 40);
/** A couple of minutes ago, so times read as they would in use. */
const AT = Date.now() - 2 * 60_000;

export function changedFile(path: string, over: Partial<ChangedFile> = {}): ChangedFile {
  return ChangedFile.parse({
    path,
    oldPath: null,
    status: 'modified',
    untracked: false,
    added: 1,
    removed: 1,
    binary: false,
    oldMode: null,
    newMode: null,
    size: 2048,
    diff: 'kept',
    ...over,
  });
}

export function repository(path: string, over: Partial<RepositoryChanges> = {}): RepositoryChanges {
  return RepositoryChanges.parse({
    path,
    url: null,
    state: 'ok',
    detail: '',
    branch: 'main',
    head: sha('b'),
    base: sha('a'),
    operation: 'none',
    ahead: 0,
    commits: [],
    files: [],
    moreFiles: 0,
    added: 0,
    removed: 0,
    ...over,
  });
}

export const SERVER_PATCH = [
  'diff --git a/src/server.ts b/src/server.ts',
  'index 3b18e51..a9c4d02 100644',
  '--- a/src/server.ts',
  '+++ b/src/server.ts',
  '@@ -1,9 +1,12 @@',
  " import { createServer } from 'node:http';",
  "-import { routes } from './routes';",
  "+import { routes } from './routes/index.js';",
  "+import { health } from './routes/health.js';",
  ' ',
  ' const PORT = Number(process.env.PORT ?? 8080);',
  ' ',
  ' export function start() {',
  '-  const server = createServer(routes);',
  '+  // Answer the load balancer before anything else is ready.',
  '+  const server = createServer((req, res) => (req.url === "/healthz" ? health(req, res) : routes(req, res)));',
  '   server.listen(PORT);',
  '+  return server;',
  ' }',
  '@@ -40,3 +43,3 @@ export function stop(server) {',
  '   server.close();',
  "-  console.log('stopped');",
  "+  console.info('stopped');",
  ' }',
  '',
].join('\n');

export function sampleChanges(): SessionChanges {
  const app = repository('app', {
    url: 'https://github.com/acme/app.git',
    branch: 'orrery/fix-health-check-s1a2b3',
    ahead: 2,
    commits: [
      { sha: sha('c'), subject: 'Add a health check route', author: 'Orrery agent', at: AT - 60_000 },
      { sha: sha('d'), subject: 'Move routes into a folder', author: 'Orrery agent', at: AT - 600_000 },
    ],
    files: [
      changedFile('src/server.ts', { added: 6, removed: 3 }),
      changedFile('src/routes/health.ts', { status: 'added', untracked: true, added: 14, removed: 0 }),
      changedFile('src/legacy.js', { status: 'deleted', added: 0, removed: 42, size: null }),
      changedFile('docs/guide/getting started.md', {
        status: 'renamed',
        oldPath: 'docs/old guide.md',
        added: 2,
        removed: 1,
      }),
      changedFile('scripts/deploy.sh', { oldMode: '100644', newMode: '100755', added: 0, removed: 0 }),
      changedFile('assets/logo.png', {
        status: 'modified',
        binary: true,
        added: null,
        removed: null,
        size: 2_202_009,
        diff: 'binary',
      }),
      changedFile('data/dump.sql', {
        status: 'added',
        added: 910_000,
        removed: 0,
        size: 52_428_800,
        diff: 'too_large',
      }),
    ],
    moreFiles: 0,
    added: 910_022,
    removed: 47,
  });
  const lib = repository('vendor/lib', {
    branch: null,
    head: '1234567890abcdef1234567890abcdef12345678',
    operation: 'rebase',
    detail:
      'A rebase is in progress in vendor/lib (stopped at 3 of 5 commits): finish or abort it before committing.',
    files: [changedFile('index.c', { added: 3, removed: 1 })],
    added: 3,
    removed: 1,
  });
  const gone = repository('tools', {
    state: 'missing',
    detail: 'The folder /workspace/tools is gone: the agent removed it in this session.',
    branch: null,
    head: null,
  });
  return SessionChanges.parse({ repositories: [app, lib, gone], computedAt: AT });
}

/** The document's summary matching `changes`. */
export function summaryOf(changes: SessionChanges, rev = 1): ChangesState {
  const repos = changes.repositories;
  return {
    rev,
    computedAt: changes.computedAt,
    repositories: repos.length,
    files: repos.reduce((n, r) => n + r.files.length + r.moreFiles, 0),
    added: repos.reduce((n, r) => n + r.added, 0),
    removed: repos.reduce((n, r) => n + r.removed, 0),
    pushed: {},
  };
}

/** Answers as the server would: the summary, and each kept file's diff from `patches`. */
export function dataSource(
  changes: () => SessionChanges,
  patches: Record<string, string> = { 'src/server.ts': SERVER_PATCH },
): ChangesSource & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    changes: async () => {
      asked.push('changes');
      return changes();
    },
    diff: async (_sessionId, repo, path) => {
      asked.push(`diff ${repo}:${path}`);
      const current = changes();
      const file = current.repositories.find((r) => r.path === repo)?.files.find((f) => f.path === path);
      if (!file) throw new ApiError('not_found', 'That file has no changes.', 404);
      const patch = file.diff === 'kept' ? (patches[path] ?? '') : null;
      return FileDiff.parse({ repo, file, patch, computedAt: current.computedAt });
    },
  };
}
