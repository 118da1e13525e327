// The renderer's Electron platform against the main process's real IPC
// handlers and SQLite store, joined the way Electron joins them: every
// argument and result goes through structured cloning.
import type { DesktopBridge, IpcEvents } from '@orrery/shared';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createElectronPlatform } from '../platform/electron/electron-platform.js';
import { AccountStores } from './account-stores.js';
import { CredentialVault } from './credential-vault.js';
import { createIpcHandlers } from './ipc-handlers.js';

let dir: string;
let stores: AccountStores;
let bridge: DesktopBridge;
const listeners = new Map<string, Set<(payload: unknown) => void>>();

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'orrery-bridge-'));
  stores = new AccountStores(path.join(dir, 'accounts'));
  const handle = createIpcHandlers({
    stores,
    vault: new CredentialVault(path.join(dir, 'credentials.bin'), {
      isAvailable: () => false,
      encrypt: () => Buffer.alloc(0),
      decrypt: () => '',
    }),
    openExternal: async () => undefined,
    notify: () => undefined,
  });
  bridge = {
    invoke: async (channel, ...args) =>
      structuredClone(await handle(channel, structuredClone(args))) as never,
    on: (event, listener) => {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (p: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (p: unknown) => void);
    },
    platform: 'linux',
  };
});
afterEach(() => {
  stores.closeAll();
  rmSync(dir, { recursive: true, force: true });
});

function emit<E extends keyof IpcEvents>(event: E, payload: IpcEvents[E]) {
  for (const l of listeners.get(event) ?? []) l(payload);
}

describe('the Electron platform', () => {
  it('keeps documents and the session list in the main process store', async () => {
    const platform = createElectronPlatform(bridge);
    const storage = await platform.openAccountStorage('http://localhost:8787|u1');
    const doc = new Y.Doc();
    doc.getMap('pins').set('s1', 'x');
    await storage.docs.append('user/u1', Y.encodeStateAsUpdate(doc));
    const loaded = await storage.docs.load('user/u1');
    const copy = new Y.Doc();
    for (const u of loaded) Y.applyUpdate(copy, u);
    expect(copy.getMap('pins').get('s1')).toBe('x');
    expect(await storage.docs.names()).toEqual(['user/u1']);
    expect(await storage.sessionList.load()).toBeNull();
    await storage.viewCache?.set('tail:s1', '{"total":0,"entries":[]}');
    expect(await storage.viewCache?.get('tail:s1')).toBe('{"total":0,"entries":[]}');
  });

  it('says plainly when the system has no secure storage for the sign-in', async () => {
    const platform = createElectronPlatform(bridge);
    await expect(
      platform.credentials.save({
        serverUrl: 'http://localhost:8787',
        token: 't',
        user: { id: 'u1', orgId: 'o1', email: 'a@example.com', name: 'A', role: 'member', createdAt: 1 },
        organisation: { id: 'o1', name: 'Acme', createdAt: 1 },
      }),
    ).rejects.toThrow(/no secure storage/);
  });

  it('delivers deep links to the app', () => {
    const platform = createElectronPlatform(bridge);
    const opened: string[] = [];
    const off = platform.onOpenSession((id) => opened.push(id));
    emit('app:open-session', 'abc');
    off();
    emit('app:open-session', 'def');
    expect(opened).toEqual(['abc']);
  });
});
