import type { SessionListItem, StoredAccount } from '@orrery/shared';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SessionDoc } from '@orrery/shared';
import { AccountStores } from './account-stores.js';
import { CredentialVault, type Cipher } from './credential-vault.js';
import { createIpcHandlers, IpcError } from './ipc-handlers.js';

/** The tests' stand-in for the OS keychain: real AES-GCM with a key of its own. */
function testCipher(): Cipher {
  const key = randomBytes(32);
  return {
    isAvailable: () => true,
    encrypt: (plain) => {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decrypt: (sealed) => {
      const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
      d.setAuthTag(sealed.subarray(12, 28));
      return Buffer.concat([d.update(sealed.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

let dir: string;
let stores: AccountStores;
let handle: ReturnType<typeof createIpcHandlers>;
const opened: string[] = [];
const notified: unknown[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'orrery-ipc-'));
  stores = new AccountStores(path.join(dir, 'accounts'));
  handle = createIpcHandlers({
    stores,
    vault: new CredentialVault(path.join(dir, 'credentials.bin'), testCipher()),
    openExternal: async (url) => void opened.push(url),
    notify: (n) => void notified.push(n),
  });
  opened.length = 0;
  notified.length = 0;
});
afterEach(() => {
  stores.closeAll();
  rmSync(dir, { recursive: true, force: true });
});

const account: StoredAccount = {
  serverUrl: 'http://localhost:8787',
  token: 'tok-secret-123',
  user: { id: 'u1', orgId: 'o1', email: 'ada@example.com', name: 'Ada', role: 'admin', createdAt: 1 },
  organisation: { id: 'o1', name: 'Acme', createdAt: 1 },
};
const KEY = 'http://localhost:8787|u1';

describe('IPC handlers', () => {
  it('keep the sign-in encrypted on disk and give it back', async () => {
    await handle('credentials:save', [account]);
    expect(readFileSync(path.join(dir, 'credentials.bin')).toString('latin1')).not.toContain(
      'tok-secret-123',
    );
    expect(await handle('credentials:load', [])).toEqual(account);
    await handle('credentials:clear', []);
    expect(await handle('credentials:load', [])).toBeNull();
  });

  it('store documents and find their messages by full-text search', async () => {
    const doc = new Y.Doc();
    const s = new SessionDoc(doc);
    s.enqueue({
      id: 'm1',
      authorId: 'u1',
      createdAt: 1,
      text: 'migrate the billing database',
      attachments: [],
    });
    s.beginTurn('t1', 1);
    await handle('docs:append', [KEY, 'session/s1', Y.encodeStateAsUpdate(doc)]);
    expect(await handle('docs:names', [KEY])).toEqual(['session/s1']);
    const hits = (await handle('search:query', [KEY, 'billing', 10])) as { sessionId: string }[];
    expect(hits.map((h) => h.sessionId)).toEqual(['s1']);
  });

  it('keep the session list with its clock', async () => {
    const item: SessionListItem = {
      id: 's1',
      orgId: 'o1',
      ownerId: 'u1',
      expertId: 'e1',
      environmentId: null,
      title: 'Hello',
      visibility: 'private',
      archived: false,
      origin: 'manual',
      triggerId: null,
      createdAt: 1,
      updatedAt: 2,
      clock: 3,
      ownerName: 'Ada',
      expertName: 'Shell',
      access: 'owner',
    };
    await handle('sessions:save', [KEY, { sessions: [item], clock: 3, savedAt: 10 }]);
    expect(await handle('sessions:load', [KEY])).toEqual({ sessions: [item], clock: 3, savedAt: 10 });
  });

  it('keep the view cache per account, and refuse keys that are not <kind>:<id> or values over 1 MB', async () => {
    await handle('view:set', [KEY, 'tail:s1', '{"total":1,"entries":[]}']);
    expect(await handle('view:get', [KEY, 'tail:s1'])).toBe('{"total":1,"entries":[]}');
    expect(await handle('view:get', ['http://other|u2', 'tail:s1'])).toBeNull();
    await expect(handle('view:set', [KEY, "tail:s1' OR 1=1", 'x'])).rejects.toThrow(
      /view:set refused: argument 1: must be <kind>:<id>/,
    );
    await expect(handle('view:set', [KEY, 'tail:s2', 'x'.repeat(1024 * 1024 + 1)])).rejects.toThrow(
      /argument 2: must be at most 1 MB/,
    );
    expect(await handle('view:get', [KEY, 'tail:s2'])).toBeNull();
    await handle('view:delete', [KEY, 'tail:s1']);
    expect(await handle('view:get', [KEY, 'tail:s1'])).toBeNull();
  });

  it('reject invalid arguments with a message that names them, and store nothing', async () => {
    await expect(handle('docs:append', [KEY, '../../etc/passwd', new Uint8Array([1])])).rejects.toThrow(
      /docs:append refused: argument 1: must be session\/<id> or user\/<id>/,
    );
    await expect(handle('docs:append', [KEY, 'session/s1', 'not bytes'])).rejects.toThrow(/argument 2/);
    await expect(handle('credentials:save', [{ ...account, token: '' }])).rejects.toThrow(/argument 0.token/);
    await expect(handle('search:query', [KEY, 'x', 100_000])).rejects.toThrow(/argument 2/);
    expect(await handle('docs:names', [KEY])).toEqual([]);
  });

  it('refuse unknown channels', async () => {
    await expect(handle('fs:readFile', ['/etc/passwd'])).rejects.toBeInstanceOf(IpcError);
    await expect(handle('__proto__', [])).rejects.toThrow(/no IPC channel/);
  });

  it('open only web and mail links outside the app', async () => {
    await handle('app:open-external', ['https://example.com/docs']);
    expect(opened).toEqual(['https://example.com/docs']);
    await expect(handle('app:open-external', ['file:///etc/passwd'])).rejects.toThrow(
      /file: addresses are not opened/,
    );
    await expect(handle('app:open-external', ['javascript:alert(1)'])).rejects.toThrow();
    expect(opened).toHaveLength(1);
  });

  it('delete an account’s local data on sign-out', async () => {
    await handle('docs:append', [KEY, 'user/u1', Y.encodeStateAsUpdate(new Y.Doc())]);
    await handle('storage:delete', [KEY]);
    expect(await handle('docs:names', [KEY])).toEqual([]);
  });
});
