// Two sync-server processes on one PostgreSQL and one Redis, as a team would
// run them behind a load balancer: what a person does through one instance is
// what everyone sees through the other.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { OrreryClient, SessionDoc, SyncCloseCode, sessionDocName } from '@orrery/shared';
import { connect, synced, waitFor } from '../test-support.js';
import { CLUSTER_ADMIN, startInstance, type Cluster, type Instance } from '../testing/instances.js';
import { startPostgres, type PostgresServer } from '../testing/postgres.js';
import { startRedis, type RedisServer } from '../testing/redis.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

let pg: PostgresServer;
let redis: RedisServer;
let cluster: Cluster;
let a: Instance;
let b: Instance;
let admin: { token: string; viaA: OrreryClient; viaB: OrreryClient };
const providers: WebsocketProvider[] = [];

beforeAll(async () => {
  // The instances run the compiled entry, as `npm start` does.
  execFileSync(path.join(root, 'node_modules/.bin/tsc'), ['-b', 'sync-server'], { cwd: root, stdio: 'pipe' });
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  cluster = {
    databaseUrl: await pg.createDatabase(),
    redisUrl: redis.url,
    secretsKey: randomBytes(32).toString('base64'),
  };
  // Both start at once on an empty database: one organisation and one admin come of it.
  [a, b] = await Promise.all([startInstance('a', cluster), startInstance('b', cluster)]);
  const { token } = await new OrreryClient({ baseUrl: a.url, token: null }).auth.login(CLUSTER_ADMIN);
  admin = {
    token,
    viaA: new OrreryClient({ baseUrl: a.url, token }),
    viaB: new OrreryClient({ baseUrl: b.url, token }),
  };
}, 180_000);

afterAll(async () => {
  for (const p of providers) p.destroy();
  await Promise.all([a?.stop('SIGKILL'), b?.stop('SIGKILL')]);
  await Promise.all([pg?.stop(), redis?.stop()]);
});

function client(instance: Instance, name: string, token: string, doc = new Y.Doc()): WebsocketProvider {
  const provider = connect(instance, name, token, doc);
  providers.push(provider);
  return provider;
}

async function newSession(prompt = 'cluster'): Promise<string> {
  const { experts } = await admin.viaA.experts.list();
  const { session } = await admin.viaA.sessions.create({ expertId: experts[0]!.id, prompt });
  return session.id;
}

const noticeIds = (p: WebsocketProvider) =>
  new Set(new SessionDoc(p.doc).transcript().flatMap((e) => (e.kind === 'notice' ? [e.id] : [])));

function notice(p: WebsocketProvider, id: string): void {
  new SessionDoc(p.doc).addNotice({ id, turnId: null, level: 'info', text: id, now: 0 });
}

describe('two sync servers on one PostgreSQL and one Redis', () => {
  it('started together, share one organisation, and each gave its runner a token of its own', async () => {
    expect((await admin.viaB.auth.me()).user.email).toBe(CLUSTER_ADMIN.email);
    expect(a.output()).not.toMatch(/error/i);
    const tokens = [a.runnerToken(), b.runnerToken()];
    expect(tokens[0]).not.toBe(tokens[1]);
    for (const [i, instance] of [a, b].entries()) {
      const runner = new OrreryClient({ baseUrl: instance.url, token: tokens[1 - i]! });
      await expect(
        runner.runner.claim({ runnerId: 'probe', waitMs: 0, kinds: ['build_environment'] }),
      ).resolves.toEqual({
        job: null,
      });
    }
  });

  it('bring a client on A and a client on B to the same document after 1,000 concurrent edits', async () => {
    const name = sessionDocName(await newSession());
    const token = a.runnerToken();
    const onA = client(a, name, token);
    const onB = client(b, name, token);
    await Promise.all([synced(onA), synced(onB)]);
    for (let i = 0; i < 500; i += 1) {
      notice(onA, `a${i}`);
      notice(onB, `b${i}`);
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    await waitFor(
      () => noticeIds(onA).size === 1000 && noticeIds(onB).size === 1000,
      30_000,
      'both to hold 1,000 edits',
    );
    expect(Y.encodeStateVector(onA.doc)).toEqual(Y.encodeStateVector(onB.doc));
    expect(new SessionDoc(onA.doc).transcript()).toEqual(new SessionDoc(onB.doc).transcript());
  });

  it('close a viewer’s socket on B when the owner revokes their access on A', async () => {
    const sessionId = await newSession('private work');
    await admin.viaA.sessions.setVisibility(sessionId, 'private');
    const viewer = await admin.viaA.users.create({
      email: 'viewer@example.com',
      name: 'Viewer',
      role: 'member',
      password: 'viewer password 1',
    });
    await admin.viaA.grants.grant(sessionId, viewer.user.id);
    const { token } = await new OrreryClient({ baseUrl: b.url, token: null }).auth.login({
      email: 'viewer@example.com',
      password: 'viewer password 1',
    });
    const socket = client(b, sessionDocName(sessionId), token);
    await synced(socket);
    const closed = new Promise<number>((resolve) =>
      socket.on('connection-close', (event: { code: number } | null) => resolve(event?.code ?? 0)),
    );
    const revokedAt = performance.now();
    await admin.viaA.grants.revoke(sessionId, viewer.user.id);
    expect(await closed).toBe(SyncCloseCode.accessRevoked);
    console.log(
      `[cluster] revoked on A, B closed the viewer's socket ${Math.round(performance.now() - revokedAt)} ms later`,
    );
    socket.destroy();
  });

  it('hand each of 200 turn jobs to exactly one of two runners claiming through different instances', async () => {
    const ids = await Promise.all(Array.from({ length: 200 }, (_, i) => newSession(`job ${i}`)));
    const claimed: Record<string, string[]> = { one: [], two: [] };
    const runner = async (label: 'one' | 'two', instance: Instance, token: string) => {
      const api = new OrreryClient({ baseUrl: instance.url, token });
      for (;;) {
        const { job } = await api.runner.claim({ runnerId: `runner-${label}`, waitMs: 0, kinds: ['turn'] });
        if (!job) return;
        claimed[label]!.push(job.sessionId!);
      }
    };
    await Promise.all([runner('one', a, a.runnerToken()), runner('two', b, b.runnerToken())]);
    const all = [...claimed.one!, ...claimed.two!];
    expect(new Set(all).size).toBe(all.length);
    expect(new Set(all)).toEqual(new Set([...ids, ...all.filter((id) => !ids.includes(id))]));
    for (const id of ids) expect(all).toContain(id);
    console.log(
      `[cluster] 200 turn jobs: ${claimed.one!.length} through A, ${claimed.two!.length} through B`,
    );
  });

  it('fire a schedule once when both instances reach its time together', async () => {
    const { experts } = await admin.viaA.experts.list();
    const { trigger } = await admin.viaA.triggers.create(experts[0]!.id, {
      kind: 'schedule',
      name: 'Nightly',
      cron: '0 3 * * *',
      prompt: 'Report on the night.',
    });
    // A day and a minute later on both clocks, at the same moment: each runs its scheduler.
    const day = 24 * 60 * 60 * 1000 + 60_000;
    const advance = (i: Instance) => fetch(`${i.clockUrl}?ms=${day}`, { method: 'POST' });
    const answers = await Promise.all([advance(a), advance(b)]);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    const { sessions } = await admin.viaB.sessions.list({ filter: 'all', limit: 200 });
    expect(sessions.filter((s) => s.triggerId === trigger.id)).toHaveLength(1);
  });

  it('serve through B an attachment uploaded through A', async () => {
    const sessionId = await newSession();
    const bytes = new Uint8Array(randomBytes(300_000));
    const uploaded = await admin.viaA.attachments.upload(bytes, 'trace.bin', { sessionId });
    const downloaded = await admin.viaB.attachments.download(uploaded.id, sessionId);
    expect(Buffer.from(downloaded.bytes).equals(Buffer.from(bytes))).toBe(true);
  });

  it('lose no update when Redis restarts while a client on A writes and a client on B reads', async () => {
    const name = sessionDocName(await newSession());
    const token = a.runnerToken();
    const writer = client(a, name, token);
    const reader = client(b, name, token);
    await Promise.all([synced(writer), synced(reader)]);
    const writing = (async () => {
      for (let i = 0; i < 300; i += 1) {
        notice(writer, `r${i}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await waitFor(() => noticeIds(reader).size > 50, 20_000, 'the reader to see the first updates');
    await redis.restart(300);
    await writing;
    await waitFor(() => noticeIds(reader).size === 300, 30_000, 'the reader to see all 300 updates');
    // Fan-out works again after the restart, not only the catch-up.
    notice(writer, 'after');
    await waitFor(() => noticeIds(reader).has('after'), 20_000, 'an update made after the restart');
  });

  it('keep every update any client saw through kill -9 of A, and A’s clients catch up through B', async () => {
    const name = sessionDocName(await newSession());
    const token = a.runnerToken();
    const writers = Array.from({ length: 3 }, () => client(a, name, token));
    const observer = client(b, name, token);
    await Promise.all([...writers, observer].map((p) => synced(p)));
    let written = 0;
    const writing = writers.map(async (p, w) => {
      for (let i = 0; i < 300; i += 1) {
        if (a.child.exitCode !== null || a.child.signalCode !== null) return;
        notice(p, `w${w}-${i}`);
        written += 1;
        await new Promise((r) => setTimeout(r, 3));
      }
    });
    await waitFor(() => written >= 400, 30_000, 'the writers to be well under way');
    await a.stop('SIGKILL');
    await Promise.all(writing);
    // What anyone received from someone else came through a server's broadcast.
    const seen = new Set(noticeIds(observer));
    writers.forEach((p, w) =>
      [...noticeIds(p)].filter((id) => !id.startsWith(`w${w}-`)).forEach((id) => seen.add(id)),
    );
    expect(seen.size).toBeGreaterThan(100);

    const fresh = client(b, name, token);
    await synced(fresh);
    const stored = noticeIds(fresh);
    expect([...seen].filter((id) => !stored.has(id))).toEqual([]);

    // Each writer's document reconnects through B and sends what A never stored.
    const moved = writers.map((p) => {
      const doc = p.doc;
      p.destroy();
      return client(b, name, token, doc);
    });
    await Promise.all(moved.map((p) => synced(p)));
    const everything = new Set(moved.flatMap((p) => [...noticeIds(p)]));
    await waitFor(
      () => noticeIds(fresh).size === everything.size,
      20_000,
      'B to hold every writer’s updates',
    );
    expect(noticeIds(fresh)).toEqual(everything);
  });
});
