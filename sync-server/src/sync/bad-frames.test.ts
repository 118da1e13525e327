// Garbled, truncated, oversized and flooding frames: the offender's socket is
// closed with a clear code, nothing it sent is stored, everyone else goes on.
import { SessionDoc, SyncCloseCode, sessionDocName, type SessionResponse } from '@orrery/shared';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { docStoreOf } from '../store/doc-stores.js';
import {
  connect,
  startTestServer,
  synced,
  waitFor,
  waitUntil,
  type Person,
  type TestServer,
} from '../test-support.js';
import { ROOTS } from './update-check.js';
import { updateFrame } from './protocol.js';

let t: TestServer;
let owner: Person;
let expertId: string;

beforeAll(async () => {
  t = await startTestServer({
    limits: { ratePerSecond: 1_000_000, burst: 1_000_000, maxMessageBytes: 256 * 1024 },
  });
  owner = await t.person('Ada');
  expertId = (await t.api<{ experts: { id: string }[] }>(owner.token, 'GET', '/api/experts')).body.experts[0]!
    .id;
});

afterAll(async () => {
  await t.close();
});

async function newSession() {
  return (await t.api<SessionResponse>(owner.token, 'POST', '/api/sessions', { expertId, prompt: 'p' })).body
    .session.id;
}

interface RawSocket {
  ws: WebSocket;
  messages: Uint8Array[];
  closed: Promise<number>;
  /** Called on every message and on close. */
  wake: (() => void) | null;
}

/** A raw socket as the owner; resolves once the server has sent its sync step 1. */
function raw(docName: string, token = owner.token): Promise<RawSocket> {
  return new Promise((resolve, reject) => {
    const sock: RawSocket = {
      ws: new WebSocket(`${t.wsUrl}/${docName}?token=${token}`),
      messages: [],
      closed: null!,
      wake: null,
    };
    sock.closed = new Promise<number>((r) =>
      sock.ws.on('close', (code) => {
        r(code);
        sock.wake?.();
      }),
    );
    sock.ws.on('message', (data: Buffer) => {
      sock.messages.push(new Uint8Array(data));
      if (sock.messages.length === 1) resolve(sock);
      sock.wake?.();
    });
    sock.ws.on('error', reject);
  });
}

/** A sync step 1; with the state vector the server announced, its answer stays small. */
function step1(sv: Uint8Array = new Uint8Array([0])): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint8Array(e, sv);
  return encoding.toUint8Array(e);
}
const step1Probe = step1();

/** The state vector in the server's greeting (its sync step 1). */
function announced(greeting: Uint8Array): Uint8Array {
  const d = decoding.createDecoder(greeting);
  decoding.readVarUint(d);
  decoding.readVarUint(d);
  return decoding.readVarUint8Array(d);
}

/** Sends a frame, then a sync step 1: the reply to the probe proves the frame was handled without closing. */
async function sendAndProbe(sock: RawSocket, frame: Uint8Array): Promise<'alive' | number> {
  const before = sock.messages.length;
  let closedWith: number | null = null;
  void sock.closed.then((code) => (closedWith = code));
  sock.ws.send(frame);
  sock.ws.send(step1(announced(sock.messages[0]!)));
  for (;;) {
    if (sock.messages.slice(before).some((m) => m[0] === 0 && m[1] === 1)) return 'alive';
    if (closedWith !== null) return closedWith;
    if (sock.ws.readyState >= WebSocket.CLOSING) return sock.closed;
    await new Promise<void>((r) => (sock.wake = r));
  }
}

async function storedDoc(name: string): Promise<Y.Doc> {
  const stored = await docStoreOf(t.database).load(name);
  const doc = new Y.Doc();
  for (const u of stored.updates) {
    Y.decodeUpdate(u); // every stored update decodes
    Y.applyUpdate(doc, u);
  }
  return doc;
}

/** A seeded generator, so a failure can be replayed. */
function prng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

describe('bad frames on /sync', () => {
  it('survives 10,000 random and garbled frames and stores no garbage', { timeout: 120_000 }, async () => {
    const id = await newSession();
    const name = sessionDocName(id);
    const legit = connect(t, name, owner.token);
    await synced(legit);
    new SessionDoc(legit.doc).enqueue({
      id: 'ok1',
      authorId: owner.user.id,
      createdAt: 1,
      text: 'before',
      attachments: [],
    });

    // Valid updates from a replica, to garble: truncated, bit-flipped, spliced.
    const replica = new Y.Doc();
    Y.applyUpdate(replica, Y.encodeStateAsUpdate(legit.doc));
    const samples: Uint8Array[] = [];
    replica.on('update', (u: Uint8Array) => samples.push(updateFrame(u)));
    for (let i = 0; i < 20; i += 1)
      new SessionDoc(replica).addNotice({
        id: `n${i}`,
        turnId: null,
        level: 'info',
        text: `notice ${i}`,
        now: i,
      });

    const rand = prng(42);
    const int = (n: number) => Math.floor(rand() * n);
    const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(256));
    const garble = (i: number): Uint8Array => {
      const sample = samples[int(samples.length)]!;
      switch (i % 6) {
        case 0:
          return bytes(int(64));
        case 1:
          return sample.subarray(0, 1 + int(sample.length - 1));
        case 2: {
          const copy = sample.slice();
          for (let k = 0; k < 1 + int(3); k += 1) {
            const at = int(copy.length);
            copy[at] = (copy[at] ?? 0) ^ (1 << int(8));
          }
          return copy;
        }
        case 3:
          return Uint8Array.from([0, 2, ...bytes(int(80))]);
        case 4:
          return Uint8Array.from([1, ...bytes(int(40))]);
        default:
          return Uint8Array.from([int(8), int(4), ...sample.subarray(2 + int(4))]);
      }
    };

    const outcomes = { alive: 0, closed: 0 };
    const FRAMES = Number(process.env.FRAMES ?? 10_000);
    const WORKERS = 16;
    let next = 0;
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        let sock = await raw(name);
        while (next < FRAMES) {
          const i = next++;
          const result = await sendAndProbe(sock, garble(i));
          if (result === 'alive') outcomes.alive += 1;
          else {
            expect(result).toBe(SyncCloseCode.protocolError);
            outcomes.closed += 1;
            sock = await raw(name);
          }
        }
        sock.ws.close();
      }),
    );
    expect(outcomes.alive + outcomes.closed).toBe(FRAMES);
    expect(outcomes.closed).toBeGreaterThan(FRAMES / 2);

    // Everyone else keeps working: the legit client writes and a newcomer sees it.
    new SessionDoc(legit.doc).enqueue({
      id: 'ok2',
      authorId: owner.user.id,
      createdAt: 2,
      text: 'after',
      attachments: [],
    });
    const late = connect(t, name, owner.token);
    await synced(late);
    await waitFor(
      () => new SessionDoc(late.doc).queue().some((m) => m.text === 'after'),
      5000,
      'the write after the flood',
    );

    // What is stored decodes, integrates fully, uses only the schema's parts and equals what clients hold.
    const stored = await storedDoc(name);
    expect(stored.store.pendingStructs).toBeNull();
    expect(stored.store.pendingDs).toBeNull();
    expect([...stored.share.keys()].every((k) => ROOTS.session.has(k))).toBe(true);
    await waitUntil(
      async () =>
        JSON.stringify(new SessionDoc(legit.doc).snapshot()) ===
        JSON.stringify(new SessionDoc(await storedDoc(name)).snapshot()),
      5000,
      'stored state to equal the client',
    );
    expect(new SessionDoc(late.doc).snapshot()).toEqual(new SessionDoc(legit.doc).snapshot());
    legit.destroy();
    late.destroy();
  });

  it('closes oversized frames with 1009, text frames and parts outside the schema with 4400, and resyncs early edits', async () => {
    const name = sessionDocName(await newSession());
    const big = await raw(name);
    big.ws.send(new Uint8Array(300 * 1024));
    expect(await big.closed).toBe(SyncCloseCode.messageTooBig);

    const text = await raw(name);
    text.ws.send('hello');
    expect(await text.closed).toBe(SyncCloseCode.protocolError);

    const foreign = new Y.Doc();
    foreign.getMap('not-in-the-schema').set('x', 1);
    const stranger = await raw(name);
    expect(await sendAndProbe(stranger, updateFrame(Y.encodeStateAsUpdate(foreign)))).toBe(
      SyncCloseCode.protocolError,
    );

    // An update that builds on changes the server never saw is dropped, not kept pending, and the
    // sender is asked to sync; its sync step 2 then brings the dropped change with its history.
    const base = new Y.Doc();
    new SessionDoc(base).addNotice({ id: 'a', turnId: null, level: 'info', text: 'a', now: 1 });
    const sv = Y.encodeStateVector(base);
    new SessionDoc(base).addNotice({ id: 'b', turnId: null, level: 'info', text: 'b', now: 2 });
    // Notices are the runner's to write.
    const early = await raw(name, await t.serviceToken());
    const greeting = early.messages.length;
    expect(await sendAndProbe(early, updateFrame(Y.encodeStateAsUpdate(base, sv)))).toBe('alive');
    expect(early.messages.slice(greeting).some((m) => m[0] === 0 && m[1] === 0)).toBe(true);
    expect(new SessionDoc(await storedDoc(name)).transcript()).toEqual([]);
    const serverSv = announced(early.messages[0]!);
    const step2 = encoding.createEncoder();
    encoding.writeVarUint(step2, 0);
    encoding.writeVarUint(step2, 1);
    encoding.writeVarUint8Array(step2, Y.encodeStateAsUpdate(base, serverSv));
    expect(await sendAndProbe(early, encoding.toUint8Array(step2))).toBe('alive');
    expect(new SessionDoc(await storedDoc(name)).transcript().map((e) => e.id)).toEqual(['a', 'b']);
    early.ws.close();

    const stored = await storedDoc(name);
    expect([...stored.share.keys()]).not.toContain('not-in-the-schema');
  });

  it('closes a flooding socket with 4429 and leaves the others alone', async () => {
    const limited = await startTestServer({ limits: { ratePerSecond: 20, burst: 40 } });
    try {
      const me = await limited.person('Flo');
      const expert = (await limited.api<{ experts: { id: string }[] }>(me.token, 'GET', '/api/experts')).body
        .experts[0]!.id;
      const id = (
        await limited.api<SessionResponse>(me.token, 'POST', '/api/sessions', {
          expertId: expert,
          prompt: 'p',
        })
      ).body.session.id;
      const calm = connect(limited, sessionDocName(id), me.token);
      await synced(calm);
      const flood = await new Promise<WebSocket>((resolve) => {
        const ws = new WebSocket(`${limited.wsUrl}/${sessionDocName(id)}?token=${me.token}`);
        ws.on('open', () => resolve(ws));
      });
      const closed = new Promise<number>((r) => flood.on('close', (code) => r(code)));
      for (let i = 0; i < 200; i += 1) flood.send(step1Probe);
      expect(await closed).toBe(SyncCloseCode.rateLimited);
      new SessionDoc(calm.doc).enqueue({
        id: 'c',
        authorId: me.user.id,
        createdAt: 1,
        text: 'still here',
        attachments: [],
      });
      const other = connect(limited, sessionDocName(id), me.token);
      await synced(other);
      await waitFor(() => new SessionDoc(other.doc).queue().some((m) => m.text === 'still here'));
      calm.destroy();
      other.destroy();
    } finally {
      await limited.close();
    }
  });
});
