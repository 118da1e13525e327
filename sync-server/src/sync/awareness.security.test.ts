// Attack: a read-only viewer floods a session with huge presence (awareness)
// states, which every other client and every new joiner then receives; an
// owner does the same, or speaks for someone else's presence.
import { sessionDocName, type SessionResponse } from '@orrery/shared';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { WebsocketProvider } from 'y-websocket';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { connect, startTestServer, synced, waitFor, type Person, type TestServer } from '../test-support.js';

let t: TestServer;
let owner: Person;
let viewer: Person;
let expertId: string;
const providers: WebsocketProvider[] = [];
const HUGE = 'x'.repeat(900 * 1024);

beforeAll(async () => {
  t = await startTestServer();
  owner = await t.person('Olivia Owner');
  viewer = await t.person('Vic Viewer');
  expertId = (await t.api<{ experts: { id: string }[] }>(owner.token, 'GET', '/api/experts')).body.experts[0]!
    .id;
});

afterAll(async () => {
  for (const p of providers) p.destroy();
  await t.close();
});

async function sessionWithViewer(): Promise<string> {
  const res = await t.api<SessionResponse>(owner.token, 'POST', '/api/sessions', { expertId, prompt: 'hi' });
  const id = res.body.session.id;
  await t.api(owner.token, 'PUT', `/api/sessions/${id}/grants/${viewer.user.id}`);
  return sessionDocName(id);
}

async function open(name: string, token: string) {
  const p = connect(t, name, token);
  providers.push(p);
  await synced(p);
  return p;
}

/** Bytes a socket receives from now on. */
function countBytes(p: WebsocketProvider): () => number {
  let bytes = 0;
  (p.ws as unknown as WebSocket).addEventListener('message', (e) => {
    bytes += (e.data as ArrayBuffer).byteLength;
  });
  return () => bytes;
}

/** Everything a newcomer is sent about presence: it asks the server for every state it keeps. */
function joinerPresence(name: string, token: string): Promise<{ bytes: number; clients: number[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${t.wsUrl}/${name}?token=${token}`);
    let bytes = 0;
    ws.on('open', () => {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 3);
      ws.send(encoding.toUint8Array(e));
    });
    ws.on('message', (data: Buffer) => {
      bytes += data.byteLength;
      const d = decoding.createDecoder(new Uint8Array(data));
      if (decoding.readVarUint(d) !== 1) return;
      const update = decoding.readVarUint8Array(d);
      const seen = new awarenessProtocol.Awareness(new Y.Doc());
      awarenessProtocol.applyAwarenessUpdate(seen, update, null);
      const clients = [...seen.getStates().keys()];
      seen.destroy();
      ws.close();
      resolve({ bytes, clients });
    });
    ws.on('error', reject);
  });
}

/** Sets a small state and waits until the watcher holds it: what the socket sent before has been handled. */
async function sendAndSee(from: WebsocketProvider, to: WebsocketProvider, state: Record<string, unknown>) {
  from.awareness.setLocalState(state);
  await waitFor(
    () => JSON.stringify(to.awareness.getStates().get(from.awareness.clientID)) === JSON.stringify(state),
    5000,
    `presence ${JSON.stringify(state)}`,
  );
}

/** Asks the server for presence on the socket and waits for the answer: its earlier frames were handled. */
function barrier(p: WebsocketProvider): Promise<void> {
  const ws = p.ws as unknown as WebSocket;
  return new Promise((resolve) => {
    const onMessage = (e: { data: unknown }) => {
      if (new Uint8Array(e.data as ArrayBuffer)[0] !== 1) return;
      ws.removeEventListener('message', onMessage);
      resolve();
    };
    ws.addEventListener('message', onMessage);
    ws.send(Uint8Array.from([3]));
  });
}

describe('presence (awareness) on /sync', () => {
  it("does not relay a read-only viewer's presence, however large, to others or to new joiners", async () => {
    const name = await sessionWithViewer();
    const ownerClient = await open(name, owner.token);
    const watching = await open(name, owner.token);
    const received = countBytes(watching);
    const viewerClient = await open(name, viewer.token);
    for (let i = 0; i < 40; i += 1) viewerClient.awareness.setLocalState({ i, blob: HUGE });
    // The server answers the viewer once it has handled the flood; the owner's state then goes out
    // to the watcher after anything the flood made the server send it.
    await barrier(viewerClient);
    await sendAndSee(ownerClient, watching, { mark: 'after the flood' });
    expect(watching.awareness.getStates().has(viewerClient.awareness.clientID)).toBe(false);
    expect(received()).toBeLessThan(64 * 1024);
    const joiner = await joinerPresence(name, owner.token);
    expect(joiner.clients).not.toContain(viewerClient.awareness.clientID);
    expect(joiner.bytes).toBeLessThan(64 * 1024);
  });

  it("drops a writer's oversized presence, keeps small ones, and lets no socket speak for another's", async () => {
    const name = await sessionWithViewer();
    const mallory = await open(name, owner.token);
    const alice = await open(name, owner.token);
    const watching = await open(name, owner.token);
    const received = countBytes(watching);
    await sendAndSee(alice, watching, { user: { name: 'Alice' } });

    for (let i = 0; i < 40; i += 1) mallory.awareness.setLocalState({ i, blob: HUGE });
    // Alice's presence, as Mallory would forge it: her client id with a newer clock.
    const forged = new awarenessProtocol.Awareness(new Y.Doc());
    forged.clientID = alice.awareness.clientID;
    for (let i = 0; i < 50; i += 1)
      forged.setLocalState({ user: { name: 'Alice' }, note: `pay Mallory ${i}` });
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(forged, [forged.clientID]));
    (mallory.ws as unknown as WebSocket).send(encoding.toUint8Array(e));
    forged.destroy();
    // The same socket, after the flood and the forgery: the server handled those first.
    await sendAndSee(mallory, watching, { mark: 'mallory small' });

    const states = watching.awareness.getStates();
    expect(states.get(mallory.awareness.clientID)).toEqual({ mark: 'mallory small' });
    expect(states.get(alice.awareness.clientID)).toEqual({ user: { name: 'Alice' } });
    expect(received()).toBeLessThan(64 * 1024);
    const joiner = await joinerPresence(name, owner.token);
    expect(joiner.bytes).toBeLessThan(64 * 1024);
    expect(joiner.clients).toEqual(
      expect.arrayContaining([mallory.awareness.clientID, alice.awareness.clientID]),
    );
  });
});
