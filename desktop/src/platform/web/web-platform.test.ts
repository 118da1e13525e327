// The browser platform against Chromium's real IndexedDB and localStorage.
import { describe, expect, it } from 'vitest';
import { createWebPlatform } from './web-platform.js';

const key = () => `test|${crypto.randomUUID()}`;

describe('web platform', () => {
  it('keeps document updates in order, compacts them, lists and removes them', async () => {
    const platform = createWebPlatform();
    const k = key();
    const storage = await platform.openAccountStorage(k);
    await storage.docs.append('session/a', new Uint8Array([1, 2]));
    await storage.docs.append('session/a', new Uint8Array([3]));
    await storage.docs.append('user/u', new Uint8Array([9]));
    expect((await storage.docs.load('session/a')).map((u) => [...u])).toEqual([[1, 2], [3]]);
    expect((await storage.docs.names()).sort()).toEqual(['session/a', 'user/u']);

    await storage.docs.replace('session/a', new Uint8Array([7, 7]));
    expect((await storage.docs.load('session/a')).map((u) => [...u])).toEqual([[7, 7]]);
    await storage.docs.remove('session/a');
    expect(await storage.docs.load('session/a')).toEqual([]);
    expect(await storage.docs.names()).toEqual(['user/u']);
    await storage.close();
    await platform.deleteAccountStorage(k);
  });

  it('keeps the session list and view cache across reopening, and deletes everything of an account', async () => {
    const platform = createWebPlatform();
    const k = key();
    let storage = await platform.openAccountStorage(k);
    await storage.sessionList.save({ sessions: [], clock: 42, savedAt: 1 });
    await storage.viewCache?.set('tail:s1', '{"total":0,"entries":[]}');
    await storage.close();

    storage = await platform.openAccountStorage(k);
    expect(await storage.sessionList.load()).toEqual({ sessions: [], clock: 42, savedAt: 1 });
    expect(await storage.viewCache?.get('tail:s1')).toBe('{"total":0,"entries":[]}');
    await storage.close();

    await platform.deleteAccountStorage(k);
    storage = await platform.openAccountStorage(k);
    expect(await storage.sessionList.load()).toBeNull();
    expect(await storage.docs.names()).toEqual([]);
    await storage.close();
    await platform.deleteAccountStorage(k);
  });

  it('keeps the signed-in account in localStorage until sign-out', async () => {
    const platform = createWebPlatform();
    const account = {
      serverUrl: 'http://127.0.0.1:8787',
      token: 't',
      user: { id: 'u1', orgId: 'o', email: 'a@b.c', name: 'A', role: 'member' as const, createdAt: 1 },
      organisation: { id: 'o', name: 'O', createdAt: 1 },
    };
    await platform.credentials.save(account);
    expect(await createWebPlatform().credentials.load()).toEqual(account);
    await platform.credentials.clear();
    expect(await platform.credentials.load()).toBeNull();
  });
});
