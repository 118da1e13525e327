// What the changes tests do again and again: start a session whose first turn
// a test runner answered (so no turn runs), report changes as the runner does,
// and play the runner for session actions (claim the job, complete it).
import {
  SessionDoc,
  sessionDocName,
  type ChangedFile,
  type ChangesReport,
  type ClaimResponse,
  type CompleteRequest,
  type Job,
  type RepositoryChanges,
  type SessionResponse,
} from '@orrery/shared';
import { expect } from 'vitest';
import type * as Y from 'yjs';
import type { Person, TestServer } from '../test-support.js';

export const SHA_BASE = 'a'.repeat(40);
export const SHA_HEAD = 'b'.repeat(40);

export function changedFile(path: string, extra: Partial<ChangedFile> = {}): ChangedFile {
  return {
    path,
    oldPath: null,
    status: 'modified',
    untracked: false,
    added: 3,
    removed: 1,
    binary: false,
    oldMode: null,
    newMode: null,
    size: 120,
    diff: 'kept',
    ...extra,
  };
}

export function repositoryChanges(path: string, extra: Partial<RepositoryChanges> = {}): RepositoryChanges {
  return {
    path,
    url: `https://github.com/acme/${path}.git`,
    state: 'ok',
    detail: '',
    branch: 'main',
    head: SHA_HEAD,
    base: SHA_BASE,
    baseBranch: 'main',
    operation: 'none',
    ahead: 0,
    commits: [],
    files: [changedFile('src/app.ts')],
    moreFiles: 0,
    added: 3,
    removed: 1,
    ...extra,
  };
}

export const patchOf = (path: string, line = 'hello') =>
  `diff --git a/${path} b/${path}\n--- a/${path}\n+++ b/${path}\n@@ -1 +1 @@\n-old\n+${line}\n`;

export function changesKit(server: () => TestServer, runnerToken: () => string) {
  const t = server;

  const claim = async (kind: Job['kind']): Promise<Job> => {
    const res = await t().api<ClaimResponse>(runnerToken(), 'POST', '/api/runner/claim', {
      runnerId: 'test',
      waitMs: 5000,
      kinds: [kind],
    });
    expect(res.body.job?.kind).toBe(kind);
    return res.body.job!;
  };

  const complete = (job: Job, body: Omit<CompleteRequest, 'leaseToken' | 'detail'> & { detail?: string }) =>
    t().api(runnerToken(), 'POST', `/api/runner/jobs/${job.id}/complete`, {
      leaseToken: job.leaseToken,
      ...body,
    });

  /** Writes into the session's document as the runner would. */
  const asRunner = (sessionId: string, change: (doc: SessionDoc) => void) =>
    t().services.hub.write(sessionDocName(sessionId), (doc: Y.Doc, origin) =>
      change(new SessionDoc(doc, origin)),
    );

  return {
    claim,
    complete,
    asRunner,

    /** A session whose first message the runner answered with `reply`; no turn runs afterwards. */
    startSession: async (
      owner: Person,
      options: {
        prompt?: string;
        visibility?: 'private' | 'shared';
        environmentId?: string;
        reply?: string;
      } = {},
    ) => {
      const expertId = (await t().api<{ experts: { id: string }[] }>(owner.token, 'GET', '/api/experts')).body
        .experts[0]!.id;
      const res = await t().api<SessionResponse>(owner.token, 'POST', '/api/sessions', {
        expertId,
        prompt: options.prompt ?? 'Fix the login form',
        visibility: options.visibility ?? 'private',
        ...(options.environmentId ? { environmentId: options.environmentId } : {}),
      });
      expect(res.status).toBe(201);
      const id = res.body.session.id;
      const turn = await claim('turn');
      expect(turn.sessionId).toBe(id);
      await asRunner(id, (doc) => {
        doc.beginTurn('turn-1', Date.now());
        const reply = doc.startAgentMessage('agent-1', 'turn-1', Date.now());
        reply.append(options.reply ?? 'I fixed the login form.\n\nDetails follow.');
        reply.finish();
        doc.endTurn();
      });
      expect((await complete(turn, { outcome: 'done' })).status).toBe(204);
      return id;
    },

    report: (sessionId: string, report: Partial<ChangesReport>, token = runnerToken()) =>
      t().api(token, 'PUT', `/api/runner/sessions/${sessionId}/changes`, {
        computedAt: Date.now(),
        repositories: [],
        diffs: [],
        ...report,
      }),
  };
}
