// Attack: an owner appends update after update of about 1 MB to their own
// session until the server's disk is full. The store must refuse past the
// per-document and per-person quotas, counted from what is stored (so a
// restart does not reset them), with a close reason the app can show.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SessionDoc, SyncCloseCode, sessionDocName, type SessionResponse } from '@orrery/shared';
import { docStoreOf } from '../store/doc-stores.js';
import { afterAll, describe, expect, it } from 'vitest';
import type { WebsocketProvider } from 'y-websocket';
import {
  closeCode,
  connect,
  startTestServer,
  synced,
  waitFor,
  waitUntil,
  type Person,
  type TestServer,
} from '../test-support.js';
import { DEFAULT_SYNC_LIMITS } from './limits.js';

const MiB = 1024 * 1024;
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function storedBytes(t: TestServer, names: string[]): Promise<number> {
  return docStoreOf(t.database).sizes(names);
}

async function newSession(t: TestServer, owner: Person): Promise<string> {
  const experts = await t.api<{ experts: { id: string }[] }>(owner.token, 'GET', '/api/experts');
  const res = await t.api<SessionResponse>(owner.token, 'POST', '/api/sessions', {
    expertId: experts.body.experts[0]!.id,
    prompt: 'hello',
  });
  if (res.status !== 201) throw new Error(JSON.stringify(res));
  return sessionDocName(res.body.session.id);
}

/** Queues `count` messages of `bytes` each from the owner's client, one update each. */
function flood(p: WebsocketProvider, owner: Person, count: number, bytes: number, tag: string): void {
  const session = new SessionDoc(p.doc);
  for (let i = 0; i < count; i += 1) {
    session.enqueue({
      id: `${tag}-${i}`,
      authorId: owner.user.id,
      createdAt: i,
      text: String(i % 10).repeat(bytes),
      attachments: [],
    });
  }
}

/** Sends 100 KB messages over REST until one is refused; returns the refusal's message. */
async function topUp(t: TestServer, owner: Person, sessionId: string): Promise<string> {
  for (let i = 0; i < 100; i += 1) {
    const sent = await t.api<{ error: { message: string } }>(
      owner.token,
      'POST',
      `/api/sessions/${sessionId}/messages`,
      { text: 'y'.repeat(100_000) },
    );
    if (sent.status === 413) return sent.body.error.message;
    expect(sent.status).toBe(201);
  }
  throw new Error('100 messages of 100 KB were all accepted');
}

/** Resolves once the socket was closed or every message of the flood is stored. */
async function outcome(
  t: TestServer,
  p: WebsocketProvider,
  name: string,
  count: number,
): Promise<number | 'all'> {
  const queued = () => t.services.hub.read(name, (doc) => new SessionDoc(doc).queue().length);
  return Promise.race([
    closeCode(p),
    (async () => {
      while ((await queued()) < count + 1) await new Promise((r) => setTimeout(r, 50));
      return 'all' as const;
    })(),
  ]);
}

describe('storage quotas', () => {
  it(
    'refuses the 100 × 1 MB flood past the document quota, closes with 4413, and says why over REST',
    { timeout: 120_000 },
    async () => {
      const t = await startTestServer();
      try {
        const owner = await t.person('Olivia Owner');
        const name = await newSession(t, owner);
        const p = connect(t, name, owner.token);
        await synced(p);
        flood(p, owner, 100, 1_000_000, 'big');
        const result = await outcome(t, p, name, 100);
        p.destroy();
        expect(result).toBe(SyncCloseCode.quotaExceeded);
        const quota = DEFAULT_SYNC_LIMITS.docMaxBytes;
        expect(await storedBytes(t, [name])).toBeLessThanOrEqual(quota);
        expect(await storedBytes(t, [name])).toBeGreaterThan(quota - 2 * MiB);

        // The same over REST (messages are at most 100,000 characters): refused before the quota too.
        const id = name.slice('session/'.length);
        expect(await topUp(t, owner, id)).toMatch(/This session is full.*Start a new session/);
        expect(await storedBytes(t, [name])).toBeLessThanOrEqual(quota);
      } finally {
        await t.close();
      }
    },
  );

  it(
    "counts a person's documents together, across a restart, and frees room when one is deleted",
    { timeout: 120_000 },
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'orrery-quota-'));
      dirs.push(dir);
      const limits = { docMaxBytes: 4 * MiB, userMaxBytes: 6 * MiB, compactEvery: 3 };
      // A restart of the embedded store: the same data folder opened again.
      let t = await startTestServer({ dir, limits, engine: 'sqlite' });
      const owner = await t.person('Olivia Owner');
      const first = await newSession(t, owner);
      const a = connect(t, first, owner.token);
      await synced(a);
      flood(a, owner, 7, 500_000, 'a');
      expect(await outcome(t, a, first, 7)).toBe('all');
      a.destroy();

      const second = await newSession(t, owner);
      const b = connect(t, second, owner.token);
      await synced(b);
      flood(b, owner, 7, 500_000, 'b');
      expect(await outcome(t, b, second, 7)).toBe(SyncCloseCode.quotaExceeded);
      b.destroy();
      expect(await storedBytes(t, [first, second])).toBeLessThanOrEqual(limits.userMaxBytes);
      const keptInSecond = await t.services.hub.read(second, (doc) => new SessionDoc(doc).queue().length);
      expect(keptInSecond).toBeGreaterThan(1);
      // Topped up over REST to within one message of the quota.
      expect(await topUp(t, owner, second.slice('session/'.length))).toMatch(/Your sessions are full/);
      expect(await storedBytes(t, [first, second])).toBeLessThanOrEqual(limits.userMaxBytes);
      await waitFor(() => !t.services.hub.isLoaded(first) && !t.services.hub.isLoaded(second));
      await t.close();

      // After a restart the total is read from the store: a third session has no room either.
      t = await startTestServer({ dir, limits, engine: 'sqlite' });
      try {
        const me = { user: owner.user, token: (await t.services.accounts.issueUserToken(owner.user)).token };
        const created = await t.api<{ error: { message: string } }>(me.token, 'POST', '/api/sessions', {
          expertId: (await t.api<{ experts: { id: string }[] }>(me.token, 'GET', '/api/experts')).body
            .experts[0]!.id,
          prompt: 'x'.repeat(100_000),
        });
        expect(created.status).toBe(413);
        expect(created.body.error.message).toMatch(/Your sessions are full.*Delete sessions/);
        const listed = await t.api<{ sessions: unknown[] }>(me.token, 'GET', '/api/sessions?filter=mine');
        expect(listed.body.sessions).toHaveLength(2);

        // What was kept loads whole, compacted or not.
        const reader = connect(t, first, me.token);
        await synced(reader);
        expect(new SessionDoc(reader.doc).queue().map((m) => m.id)).toEqual([
          expect.any(String),
          ...Array.from({ length: 7 }, (_, i) => `a-${i}`),
        ]);
        reader.destroy();

        // Deleting the first session frees its bytes for the person.
        expect(
          (await t.api(me.token, 'DELETE', `/api/sessions/${first.slice('session/'.length)}`)).status,
        ).toBe(204);
        const fourth = await newSession(t, me);
        const c = connect(t, fourth, me.token);
        await synced(c);
        flood(c, me, 3, 500_000, 'c');
        expect(await outcome(t, c, fourth, 3)).toBe('all');
        c.destroy();
      } finally {
        await t.close();
      }
    },
  );

  it(
    'lets the runner finish a turn a little past a full session, and no further',
    { timeout: 60_000 },
    async () => {
      const limits = { docMaxBytes: 1 * MiB, userMaxBytes: 64 * MiB };
      const t = await startTestServer({ limits });
      try {
        const owner = await t.person('Olivia Owner');
        const name = await newSession(t, owner);
        expect(await topUp(t, owner, name.slice('session/'.length))).toMatch(/This session is full/);
        const runner = connect(t, name, await t.serviceToken());
        await synced(runner);
        const closed = closeCode(runner);
        const notes = new SessionDoc(runner.doc);
        const stored = () => storedBytes(t, [name]);
        // One notice is room the runner has; more than a quarter of the quota is not.
        notes.addNotice({ id: 'end', turnId: null, level: 'info', text: 'z'.repeat(100_000), now: 0 });
        await waitUntil(
          async () => (await stored()) > limits.docMaxBytes,
          5000,
          'the runner to write past the quota',
        );
        for (let i = 0; i < 5; i += 1)
          notes.addNotice({
            id: `more-${i}`,
            turnId: null,
            level: 'info',
            text: 'z'.repeat(100_000),
            now: i,
          });
        expect(await closed).toBe(SyncCloseCode.quotaExceeded);
        runner.destroy();
        expect(await stored()).toBeLessThanOrEqual(limits.docMaxBytes * 1.25);
      } finally {
        await t.close();
      }
    },
  );
});
