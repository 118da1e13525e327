// The typed IPC contract between the desktop app's renderer (through the
// preload) and its main process. The preload exposes exactly one object that
// satisfies DesktopBridge; the main process validates every argument with
// these schemas before acting, whatever the renderer sent.
import { z } from 'zod';
import { SessionListItem } from './api.js';
import { Id, Organisation, User } from './domain.js';
import type { IPC_CHANNELS, IPC_EVENTS } from './ipc-channels.js';

export const StoredAccount = z.strictObject({
  serverUrl: z.url().max(2000),
  token: z.string().min(1).max(500),
  user: User,
  organisation: Organisation,
});
export type StoredAccount = z.infer<typeof StoredAccount>;

const AccountKey = z.string().min(1).max(2500);
const DocName = z
  .string()
  .regex(/^(session|user)\/[A-Za-z0-9_-]{1,64}$/, 'must be session/<id> or user/<id>');
const Bytes = z
  .custom<Uint8Array>((v) => v instanceof Uint8Array, 'must be bytes (a Uint8Array)')
  .refine((b) => b.byteLength <= 64 * 1024 * 1024, 'must be at most 64 MB');

/** Keys of the view cache: what a screen keeps to show at once next time (e.g. `tail:<session id>`). */
const ViewKey = z.string().regex(/^[a-z]+:[A-Za-z0-9_-]{1,64}$/, 'must be <kind>:<id>');
/** A view cache value is a small preview, never a document. */
const ViewValue = z.string().max(1024 * 1024, 'must be at most 1 MB');

export const CachedSessionList = z.strictObject({
  sessions: z.array(SessionListItem).max(200_000),
  clock: z.number().int().nonnegative(),
  savedAt: z.number().int().nonnegative(),
});
export type CachedSessionList = z.infer<typeof CachedSessionList>;

export const SearchHit = z.strictObject({
  sessionId: z.string(),
  messageId: z.string(),
  kind: z.string(),
  snippet: z.string(),
});
export type SearchHit = z.infer<typeof SearchHit>;

export const NotifyRequest = z.strictObject({
  title: z.string().min(1).max(200),
  body: z.string().max(1000),
  sessionId: Id.optional(),
});
export type NotifyRequest = z.infer<typeof NotifyRequest>;

/** Argument tuples of every invoke channel, validated in the main process. */
export const IpcArgs = {
  'credentials:load': z.tuple([]),
  'credentials:save': z.tuple([StoredAccount]),
  'credentials:clear': z.tuple([]),
  'storage:delete': z.tuple([AccountKey]),
  'docs:load': z.tuple([AccountKey, DocName]),
  'docs:append': z.tuple([AccountKey, DocName, Bytes]),
  'docs:replace': z.tuple([AccountKey, DocName, Bytes]),
  'docs:remove': z.tuple([AccountKey, DocName]),
  'docs:names': z.tuple([AccountKey]),
  'sessions:load': z.tuple([AccountKey]),
  'sessions:save': z.tuple([AccountKey, CachedSessionList]),
  'search:query': z.tuple([AccountKey, z.string().max(500), z.number().int().min(1).max(500)]),
  'attachments:get': z.tuple([AccountKey, z.string().regex(/^[0-9a-f]{64}$/)]),
  'attachments:put': z.tuple([AccountKey, z.string().regex(/^[0-9a-f]{64}$/), z.string().max(255), Bytes]),
  'view:get': z.tuple([AccountKey, ViewKey]),
  'view:set': z.tuple([AccountKey, ViewKey, ViewValue]),
  'view:delete': z.tuple([AccountKey, ViewKey]),
  'app:open-external': z.tuple([z.url().max(4000)]),
  'app:notify': z.tuple([NotifyRequest]),
} as const;
export type IpcChannel = keyof typeof IpcArgs;

// The dependency-free name lists must name exactly the channels and events above.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _channelNamesMatch: Same<IpcChannel, (typeof IPC_CHANNELS)[number]> = true;

/** What each channel resolves with. */
export interface IpcResults {
  'credentials:load': StoredAccount | null;
  'credentials:save': void;
  'credentials:clear': void;
  'storage:delete': void;
  'docs:load': Uint8Array[];
  'docs:append': void;
  'docs:replace': void;
  'docs:remove': void;
  'docs:names': string[];
  'sessions:load': CachedSessionList | null;
  'sessions:save': void;
  'search:query': SearchHit[];
  'attachments:get': { mediaType: string; data: Uint8Array } | null;
  'attachments:put': void;
  'view:get': string | null;
  'view:set': void;
  'view:delete': void;
  'app:open-external': void;
  'app:notify': void;
}

/** Events the main process sends to the renderer. */
export interface IpcEvents {
  /** An orrery://session/<id> link was opened, or a notification about the session clicked. */
  'app:open-session': string;
  /** File → New Session. */
  'app:new-session': null;
}

const _eventNamesMatch: Same<keyof IpcEvents, (typeof IPC_EVENTS)[number]> = true;

/** The one object the preload exposes as `window.orrery`. */
export type DesktopBridge = {
  invoke<C extends IpcChannel>(channel: C, ...args: z.input<(typeof IpcArgs)[C]>): Promise<IpcResults[C]>;
  on<E extends keyof IpcEvents>(event: E, listener: (payload: IpcEvents[E]) => void): () => void;
  readonly platform: string;
};

/** Parses an `orrery://session/<id>` link into a session id; null for anything else. */
export function sessionIdFromLink(link: string): string | null {
  const m = /^orrery:\/\/session\/([A-Za-z0-9_-]{1,64})\/?(?:[?#].*)?$/.exec(link.trim());
  return m?.[1] ?? null;
}
