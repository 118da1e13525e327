// Loading a session's changes and one file's diff for the panel. Both come
// from the server's record of the runner's last report, so they load while
// the Environment is paused without waking it. They are loaded again when
// the session document's `changes.rev` goes up (the runner reported anew),
// keeping what is shown until the new answer is in. The last answers are
// kept in memory, so reopening the panel, or losing the server, still shows
// them.
import type { FileDiff, SessionChanges } from '@orrery/shared';
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { useServices } from '../../app/services-context.js';

/** Where the panel's data comes from: the server in the app, data objects in component tests. */
export interface ChangesSource {
  changes(sessionId: string, signal?: AbortSignal): Promise<SessionChanges>;
  diff(sessionId: string, repo: string, path: string, signal?: AbortSignal): Promise<FileDiff>;
}

/** Hands a source to the panels below it (a test's data, a story's); the server when there is none. */
export const ChangesSourceContext = createContext<ChangesSource | null>(null);

export function useChangesSource(): ChangesSource {
  const given = useContext(ChangesSourceContext);
  const server = useServerChangesSource();
  return given ?? server;
}

function useServerChangesSource(): ChangesSource {
  const { api } = useServices();
  return useMemo(
    () => ({
      changes: (sessionId, signal) => api.sessionChanges(sessionId, signal),
      diff: (sessionId, repo, path, signal) => api.fileDiff(sessionId, repo, path, signal),
    }),
    [api],
  );
}

export interface Loaded<T> {
  /** The newest answer (possibly from before the last report while reloading); null before the first. */
  value: T | null;
  /** The last load failed; `value` is older then, or null. */
  error: unknown;
  loading: boolean;
  /** When `value` was received (Date.now()). */
  receivedAt: number | null;
  /** The rev `value` was loaded for. */
  rev: number | null;
  retry: () => void;
}

interface Kept<T> {
  value: T;
  receivedAt: number;
  rev: number;
}

const KEPT_DIFFS = 40;
const keptChanges = new Map<string, Kept<SessionChanges>>();
const keptDiffs = new Map<string, Kept<FileDiff>>();

function keep<T>(map: Map<string, Kept<T>>, key: string, kept: Kept<T>, limit: number): void {
  map.delete(key);
  map.set(key, kept);
  while (map.size > limit) map.delete(map.keys().next().value!);
}

interface LoadState<T> {
  key: string | null;
  kept: Kept<T> | null;
  error: unknown;
  loading: boolean;
}

/** Loads `key`'s value once for each `rev` (and on retry); null keys load nothing. */
function useLoaded<T>(
  key: string | null,
  rev: number,
  map: Map<string, Kept<T>>,
  limit: number,
  load: (signal: AbortSignal) => Promise<T>,
): Loaded<T> {
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<LoadState<T>>(() => ({
    key,
    kept: key === null ? null : (map.get(key) ?? null),
    error: null,
    loading: key !== null,
  }));
  // Another key (another file, another session) shows what is kept for it at once.
  const current: LoadState<T> =
    state.key === key
      ? state
      : { key, kept: key === null ? null : (map.get(key) ?? null), error: null, loading: key !== null };
  if (current !== state) setState(current);

  useEffect(() => {
    if (key === null) return;
    const abort = new AbortController();
    setState((s) => (s.key === key ? { ...s, loading: true } : s));
    load(abort.signal).then(
      (value) => {
        if (abort.signal.aborted) return;
        const kept = { value, receivedAt: Date.now(), rev };
        keep(map, key, kept, limit);
        setState({ key, kept, error: null, loading: false });
      },
      (error: unknown) => {
        if (abort.signal.aborted) return;
        setState((s) => (s.key === key ? { ...s, error, loading: false } : s));
      },
    );
    return () => abort.abort();
    // `load` is built from the key's parts; the key stands for it.
  }, [key, rev, attempt, map, limit]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return {
    value: current.kept?.value ?? null,
    error: current.error,
    loading: current.loading,
    receivedAt: current.kept?.receivedAt ?? null,
    rev: current.kept?.rev ?? null,
    retry,
  };
}

/** The session's changes, loaded while `enabled` (the panel is open) and again whenever `rev` goes up. */
export function useChanges(
  source: ChangesSource,
  sessionId: string,
  rev: number,
  enabled = true,
): Loaded<SessionChanges> {
  return useLoaded(enabled ? sessionId : null, rev, keptChanges, 100, (signal) =>
    source.changes(sessionId, signal),
  );
}

export interface OpenFile {
  repo: string;
  path: string;
}

/** One file's diff, loaded when it is opened and again whenever `rev` goes up. */
export function useFileDiff(
  source: ChangesSource,
  sessionId: string,
  file: OpenFile | null,
  rev: number,
): Loaded<FileDiff> {
  const key = file ? JSON.stringify([sessionId, file.repo, file.path]) : null;
  return useLoaded(key, rev, keptDiffs, KEPT_DIFFS, (signal) =>
    source.diff(sessionId, file!.repo, file!.path, signal),
  );
}
