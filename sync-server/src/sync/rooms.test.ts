import { SessionDoc, sessionDocName, type SessionResponse } from '@orrery/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, startTestServer, synced, waitFor, type Person, type TestServer } from '../test-support.js';

let t: TestServer;
let owner: Person;
let expertId: string;
const logLength = async (name: string) =>
  (await t.database.db.selectFrom('doc_updates').select('seq').where('name', '=', name).execute()).length;
const hasSnapshot = async (name: string) =>
  (await t.database.db
    .selectFrom('doc_snapshots')
    .select('name')
    .where('name', '=', name)
    .executeTakeFirst()) !== undefined;

beforeAll(async () => {
  t = await startTestServer({ limits: { compactEvery: 10 } });
  owner = await t.person('Ada');
  expertId = (await t.api<{ experts: { id: string }[] }>(owner.token, 'GET', '/api/experts')).body.experts[0]!
    .id;
});

afterAll(async () => {
  await t.close();
});

describe('rooms and storage', () => {
  it('appends each update, folds the log into a snapshot past the threshold, and unloads after the last socket', async () => {
    const id = (await t.api<SessionResponse>(owner.token, 'POST', '/api/sessions', { expertId, prompt: 'p' }))
      .body.session.id;
    const name = sessionDocName(id);
    // The runner writes the transcript; the owner follows it.
    const a = connect(t, name, await t.serviceToken());
    const b = connect(t, name, owner.token);
    await Promise.all([synced(a), synced(b)]);
    for (let i = 0; i < 25; i += 1) {
      new SessionDoc(a.doc).addNotice({ id: `n${i}`, turnId: null, level: 'info', text: `${i}`, now: i });
      await waitFor(() => new SessionDoc(b.doc).transcriptLength() === i + 1);
    }
    expect(await hasSnapshot(name)).toBe(true);
    expect(await logLength(name)).toBeLessThan(10);
    expect(t.services.hub.isLoaded(name)).toBe(true);

    a.destroy();
    await new Promise((r) => setTimeout(r, 50));
    expect(t.services.hub.isLoaded(name)).toBe(true);
    b.destroy();
    await waitFor(() => !t.services.hub.isLoaded(name), 5000, 'the room to unload');
    expect(await logLength(name)).toBe(0);

    const c = connect(t, name, owner.token);
    await synced(c);
    expect(new SessionDoc(c.doc).transcriptLength()).toBe(25);
    expect(new SessionDoc(c.doc).queue().map((m) => m.text)).toEqual(['p']);
    c.destroy();
  });

  it('keeps memory equal to the store when a server-side change throws part-way', async () => {
    const id = (await t.api<SessionResponse>(owner.token, 'POST', '/api/sessions', { expertId, prompt: 'p' }))
      .body.session.id;
    const name = sessionDocName(id);
    const watcher = connect(t, name, owner.token);
    await synced(watcher);
    await expect(
      t.services.hub.write(name, (doc, origin) => {
        new SessionDoc(doc, origin).addNotice({
          id: 'half',
          turnId: null,
          level: 'info',
          text: 'half',
          now: 1,
        });
        throw new Error('the change failed after writing part of itself');
      }),
    ).rejects.toThrow('the change failed after writing part of itself');
    const inMemory = await t.services.hub.read(name, (doc) =>
      new SessionDoc(doc).transcript().map((e) => e.id),
    );
    expect(inMemory).toEqual([]);
    // The next change is stored and seen as usual, without the half-made one.
    await t.services.hub.write(name, (doc, origin) =>
      new SessionDoc(doc, origin).addNotice({
        id: 'whole',
        turnId: null,
        level: 'info',
        text: 'whole',
        now: 2,
      }),
    );
    await waitFor(() => new SessionDoc(watcher.doc).transcriptLength() === 1);
    expect(new SessionDoc(watcher.doc).transcript().map((e) => e.id)).toEqual(['whole']);
    watcher.destroy();
    await waitFor(() => !t.services.hub.isLoaded(name), 5000, 'the room to unload');
    const reloaded = await t.services.hub.read(name, (doc) =>
      new SessionDoc(doc).transcript().map((e) => e.id),
    );
    expect(reloaded).toEqual(['whole']);
  });
});
