// One session's synced document for a component: opened through the hub while
// the component is mounted, read through the shared SessionDoc accessors.
// Until the document has loaded, the cached end of its transcript is shown.
import {
  SessionDoc,
  sessionDocName,
  type EnvironmentState,
  type QueuedMessage,
  type TranscriptEntry,
  type Turn,
} from '@orrery/shared';
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import { useServices } from '../app/services-context.js';
import type { DocState, HubDoc } from './doc-hub.js';
import type { ReadingPlace, TranscriptTail } from './transcript-tail.js';
import { useDocValue } from './use-doc-value.js';

export interface SessionDocView {
  sessionDoc: SessionDoc | null;
  state: DocState;
  transcript: TranscriptEntry[];
  /** The transcript shown is the cached end of it; the document is still loading. */
  preview: boolean;
  /** Where the reader was when they last left this session on this device. */
  place: ReadingPlace | null;
  /** Notes where the reader is now (null: at the newest entry). */
  notePlace: (place: ReadingPlace | null) => void;
  queue: QueuedMessage[];
  turn: Turn;
  environment: EnvironmentState;
}

const CLOSED: DocState = { loaded: false, hadLocalCopy: false, connection: 'connecting', synced: false };
const NO_ENTRIES: TranscriptEntry[] = [];
const NO_QUEUE: QueuedMessage[] = [];
const IDLE: Turn = { state: 'idle', turnId: null, startedAt: null, stopRequested: false };
const NO_ENV: EnvironmentState = { status: 'none', detail: '', updatedAt: 0 };
const TAIL_WRITE_DELAY_MS = 1_000;

export function useSessionDoc(sessionId: string): SessionDocView {
  const { hub, sessionPrefetch } = useServices();
  const [hubDoc, setHubDoc] = useState<HubDoc | null>(null);
  // Held in memory for likely sessions: then the very first render shows it.
  const [tail, setTail] = useState<TranscriptTail | null>(() => sessionPrefetch.peek(sessionId));

  // A layout effect starts before the first paint. When the end of the
  // transcript is held in memory, it is in the first render, and the whole
  // document (which takes longer to load) is opened right after that frame.
  // Otherwise both are read at once and whichever arrives first is shown: the
  // end from this device's cache, or the whole document.
  useLayoutEffect(() => {
    let cancelled = false;
    let release: (() => void) | null = null;
    const open = () => {
      if (cancelled) return;
      const acquired = hub.acquire(sessionDocName(sessionId));
      release = acquired.release;
      setHubDoc(acquired.doc);
    };
    sessionPrefetch.start(sessionId);
    const held = sessionPrefetch.peek(sessionId);
    if (held) {
      setTail(held);
      requestAnimationFrame(() => setTimeout(open, 0));
    } else {
      open();
      void sessionPrefetch.tail(sessionId).then((t) => {
        if (cancelled) return;
        performance.mark(`orrery:tail-read:${sessionId}`);
        setTail(t);
      });
    }
    return () => {
      cancelled = true;
      setHubDoc(null);
      setTail(null);
      release?.();
    };
  }, [hub, sessionPrefetch, sessionId]);

  const subscribe = useCallback((cb: () => void) => hubDoc?.subscribe(cb) ?? (() => {}), [hubDoc]);
  const state = useSyncExternalStore(subscribe, () => hubDoc?.state() ?? CLOSED);
  const ready = state.loaded && state.connection !== 'revoked' ? hubDoc : null;
  const sessionDoc = useMemo(() => (ready ? new SessionDoc(ready.doc) : null), [ready]);

  const doc = sessionDoc?.doc ?? null;
  const read = useCallback(() => sessionDoc?.transcript() ?? NO_ENTRIES, [sessionDoc]);
  const transcript = useDocValue(doc, read, NO_ENTRIES);
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

  // Keep the cached end current, without writing on every streamed chunk.
  useEffect(() => {
    if (!sessionDoc || !transcript.length) return;
    const timer = setTimeout(
      () => void sessionPrefetch.save(sessionId, transcript).catch(() => {}),
      TAIL_WRITE_DELAY_MS,
    );
    return () => clearTimeout(timer);
  }, [sessionDoc, transcript, sessionPrefetch, sessionId]);

  const shown = useRef<TranscriptEntry[] | null>(null);
  shown.current = sessionDoc ? transcript : null;
  const notePlace = useCallback(
    (place: ReadingPlace | null) =>
      void sessionPrefetch.leave(sessionId, shown.current, place).catch(() => {}),
    [sessionPrefetch, sessionId],
  );

  const preview = !sessionDoc && !!tail?.entries.length;
  return {
    sessionDoc,
    state,
    transcript: sessionDoc ? transcript : (tail?.entries ?? NO_ENTRIES),
    preview,
    place: tail?.place ?? null,
    notePlace,
    queue,
    turn,
    environment,
  };
}
