// One session's synced document for a component: opened through the hub while
// the component is mounted, read through the shared SessionDoc accessors.
import {
  SessionDoc,
  sessionDocName,
  type EnvironmentState,
  type QueuedMessage,
  type TranscriptEntry,
  type Turn,
} from '@orrery/shared';
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { useServices } from '../app/services-context.js';
import type { DocState, HubDoc } from './doc-hub.js';
import { useDocValue } from './use-doc-value.js';

export interface SessionDocView {
  sessionDoc: SessionDoc | null;
  state: DocState;
  transcript: TranscriptEntry[];
  queue: QueuedMessage[];
  turn: Turn;
  environment: EnvironmentState;
}

const CLOSED: DocState = { loaded: false, hadLocalCopy: false, connection: 'connecting', synced: false };
const NO_ENTRIES: TranscriptEntry[] = [];
const NO_QUEUE: QueuedMessage[] = [];
const IDLE: Turn = { state: 'idle', turnId: null, startedAt: null, stopRequested: false };
const NO_ENV: EnvironmentState = { status: 'none', detail: '', updatedAt: 0 };

export function useSessionDoc(sessionId: string): SessionDocView {
  const { hub } = useServices();
  const [hubDoc, setHubDoc] = useState<HubDoc | null>(null);

  useEffect(() => {
    const { doc, release } = hub.acquire(sessionDocName(sessionId));
    setHubDoc(doc);
    return () => {
      setHubDoc(null);
      release();
    };
  }, [hub, sessionId]);

  const subscribe = useCallback((cb: () => void) => hubDoc?.subscribe(cb) ?? (() => {}), [hubDoc]);
  const state = useSyncExternalStore(subscribe, () => hubDoc?.state() ?? CLOSED);
  const ready = state.loaded ? hubDoc : null;
  const [sessionDoc, setSessionDoc] = useState<SessionDoc | null>(null);
  useEffect(() => setSessionDoc(ready ? new SessionDoc(ready.doc) : null), [ready]);

  const doc = sessionDoc?.doc ?? null;
  const transcript = useDocValue(
    doc,
    useCallback(() => sessionDoc?.transcript() ?? NO_ENTRIES, [sessionDoc]),
    NO_ENTRIES,
  );
  const queue = useDocValue(
    doc,
    useCallback(() => sessionDoc?.queue() ?? NO_QUEUE, [sessionDoc]),
    NO_QUEUE,
  );
  const turn = useDocValue(
    doc,
    useCallback(() => sessionDoc?.turn() ?? IDLE, [sessionDoc]),
    IDLE,
  );
  const environment = useDocValue(
    doc,
    useCallback(() => sessionDoc?.environment() ?? NO_ENV, [sessionDoc]),
    NO_ENV,
  );
  return { sessionDoc, state, transcript, queue, turn, environment };
}
