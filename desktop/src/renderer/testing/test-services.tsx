// Real services for component tests: the in-memory platform, real Y.Docs and
// the real session list, with no server (nothing connects). Tests play the
// other peers (the runner, another device) by writing to the documents.
import { SessionDoc, sessionDocName, type SessionListItem } from '@orrery/shared';
import type { ReactNode } from 'react';
import { render } from 'vitest-browser-react';
import * as Y from 'yjs';
import type { StoredAccount } from '../../platform/common/platform.js';
import { MemoryPlatform } from '../../platform/testing/memory-platform.js';
import { startAccount } from '../app/account-services.js';
import { ServicesContext, type AppServices } from '../app/services-context.js';
import { useUi } from '../state/store.js';
import '../styles.css';

let seq = 0;
export function uniqueId(prefix: string): string {
  seq += 1;
  return `${prefix}-${Date.now().toString(36)}-${seq}`;
}

export function testAccount(overrides: Partial<StoredAccount['user']> = {}): StoredAccount {
  const now = Date.now();
  return {
    serverUrl: 'http://127.0.0.1:9',
    token: 'test-token',
    user: {
      id: uniqueId('u'),
      orgId: 'org1',
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      role: 'member',
      createdAt: now,
      ...overrides,
    },
    organisation: { id: 'org1', name: 'Analytical Engines', createdAt: now },
  };
}

export function sessionItem(me: string, overrides: Partial<SessionListItem> = {}): SessionListItem {
  const now = Date.now();
  return {
    id: uniqueId('s'),
    orgId: 'org1',
    ownerId: me,
    expertId: 'shell',
    environmentId: null,
    title: 'A session',
    visibility: 'shared',
    archived: false,
    origin: 'manual',
    triggerId: null,
    createdAt: now,
    updatedAt: now,
    clock: 1,
    ownerName: 'Ada Lovelace',
    expertName: 'Shell',
    access: 'owner',
    ...overrides,
  };
}

export async function createTestServices(
  options: { account?: StoredAccount; sessions?: SessionListItem[]; platform?: MemoryPlatform } = {},
): Promise<AppServices & { platform: MemoryPlatform }> {
  // UI state is one store for the app; each test starts from its initial state.
  useUi.setState(useUi.getInitialState(), true);
  const platform = options.platform ?? new MemoryPlatform();
  const account = options.account ?? testAccount();
  if (options.sessions?.length) {
    const storage = await platform.openAccountStorage(`${account.serverUrl}|${account.user.id}`);
    await storage.sessionList.save({ sessions: options.sessions, clock: 1, savedAt: Date.now() });
  }
  const services = await startAccount(platform, account, { connect: false });
  const ready: AppServices & { platform: MemoryPlatform } = {
    ...services,
    platform,
    signOut: async () => services.stop(),
    // As the app does: the new user is kept with the sign-in (re-rendering is the app's part).
    updateUser: async (user) => {
      ready.account = { ...ready.account, user };
      await platform.credentials.save(ready.account);
    },
  };
  return ready;
}

/** Stores a session document on the device as if it had been synced before. */
export async function storeSessionDoc(
  services: AppServices,
  sessionId: string,
  write: (doc: SessionDoc) => void,
): Promise<void> {
  const doc = new Y.Doc();
  write(new SessionDoc(doc).init());
  await services.storage.docs.append(sessionDocName(sessionId), Y.encodeStateAsUpdate(doc));
}

/** Renders inside a window-sized box with the app's styles, so layout (and virtualisation) is real. */
export function renderWithServices(ui: ReactNode, services: AppServices) {
  return render(
    <ServicesContext.Provider value={services}>
      <div style={{ width: 1000, height: 700, display: 'flex', flexDirection: 'column' }}>{ui}</div>
    </ServicesContext.Provider>,
  );
}
