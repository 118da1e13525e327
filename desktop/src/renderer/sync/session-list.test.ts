import { describe, expect, it } from 'vitest';
import { MemoryPlatform } from '../../platform/testing/memory-platform.js';
import { ApiClient } from '../api/api-client.js';
import { sessionItem } from '../testing/test-services.js';
import { SessionList } from './session-list.js';

// Port 9 on loopback: nothing listens, so every request fails as it does offline.
const offlineApi = () => new ApiClient('http://127.0.0.1:9', 'token');

describe('SessionList', () => {
  it('shows the cached list at once, newest activity first', async () => {
    const storage = await new MemoryPlatform().openAccountStorage('k');
    const older = sessionItem('me', { title: 'older', updatedAt: 1_000 });
    const newer = sessionItem('me', { title: 'newer', updatedAt: 2_000 });
    await storage.sessionList.save({ sessions: [older, newer], clock: 7, savedAt: 1 });
    const list = new SessionList({ api: offlineApi(), store: storage.sessionList });
    await list.loadCache();
    expect(list.getState().loaded).toBe(true);
    expect(list.getState().sessions.map((s) => s.title)).toEqual(['newer', 'older']);
  });

  it('says it is offline when the server cannot be reached, and keeps the cached list', async () => {
    const storage = await new MemoryPlatform().openAccountStorage('k');
    const cached = sessionItem('me', { title: 'kept' });
    await storage.sessionList.save({ sessions: [cached], clock: 3, savedAt: 1 });
    const list = new SessionList({ api: offlineApi(), store: storage.sessionList, retryMs: 60_000 });
    await list.loadCache();
    await list.refresh();
    expect(list.getState().reachability).toBe('offline');
    expect(list.getState().sessions.map((s) => s.title)).toEqual(['kept']);
    list.stop();
  });

  it('stores what it is told about a session and forgets what it removes', async () => {
    const storage = await new MemoryPlatform().openAccountStorage('k');
    const list = new SessionList({ api: offlineApi(), store: storage.sessionList });
    await list.loadCache();
    const created = sessionItem('me', { title: 'created here' });
    list.upsert(created);
    await expect
      .poll(async () => (await storage.sessionList.load())?.sessions.map((s) => s.id))
      .toEqual([created.id]);
    list.remove(created.id);
    await expect.poll(async () => (await storage.sessionList.load())?.sessions).toEqual([]);
    expect(list.get(created.id)).toBeUndefined();
  });
});
