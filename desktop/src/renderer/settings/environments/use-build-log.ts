// An Environment's builds as the build panel shows them: the list and the
// build in use, and the newest build's log followed live (long-polling the
// server after the last line it has). Kept in the component's state: logs
// are the server's and are read afresh each time the panel opens.
import {
  type BuildLogLine,
  type BuildsResponse,
  type Environment,
  type EnvironmentBuild,
} from '@orrery/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { describeError } from '../../api/api-error.js';
import { useServices } from '../../app/services-context.js';

/** Lines kept on the page; earlier ones are counted, not shown (the end is where a failure is). */
export const SHOWN_LINES = 2_000;
/** While nothing is being built, how often the panel looks for a new build (an automatic one after a save). */
const IDLE_POLL_MS = 4_000;
const WAIT_MS = 20_000;

export interface BuildLogState {
  builds: EnvironmentBuild[];
  inUse: EnvironmentBuild | null;
  /** The build whose log is shown: the newest. */
  current: EnvironmentBuild | null;
  lines: BuildLogLine[];
  /** Lines of the current build not shown (dropped by the server, or beyond SHOWN_LINES). */
  hidden: number;
  loaded: boolean;
  error: string | null;
  starting: boolean;
  buildNow: () => Promise<void>;
}

export const isEnded = (b: EnvironmentBuild | null) => b?.status === 'ready' || b?.status === 'failed';

export function useBuildLog(environment: Pick<Environment, 'id' | 'updatedAt'>): BuildLogState {
  const { api } = useServices();
  const [list, setList] = useState<BuildsResponse | null>(null);
  const [current, setCurrent] = useState<EnvironmentBuild | null>(null);
  const [log, setLog] = useState<Log>(EMPTY);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [refresh, setRefresh] = useState(0);
  const followed = useRef<string | null>(null);

  // The list, when the panel opens, when the Environment changes (a save may queue a build), and on request.
  useEffect(() => {
    let cancelled = false;
    api.listBuilds(environment.id).then(
      (res) => {
        if (cancelled) return;
        setList(res);
        setError(null);
        const newest = res.builds[0] ?? null;
        if (newest && newest.id !== followed.current) {
          followed.current = newest.id;
          setCurrent(newest);
          setLog(EMPTY);
        }
      },
      (e: unknown) => !cancelled && setError(describeError(e)),
    );
    return () => {
      cancelled = true;
    };
  }, [api, environment.id, environment.updatedAt, refresh]);

  const currentId = current?.id ?? null;
  const ended = isEnded(current);
  // Reads the current build's log, and follows it until the build ends (a long log in pages of 1,000 lines).
  useEffect(() => {
    if (!currentId) return;
    const stop = new AbortController();
    let after = 0;
    void (async () => {
      while (!stop.signal.aborted) {
        try {
          const res = await api.buildLog(currentId, { after, waitMs: WAIT_MS }, stop.signal);
          if (stop.signal.aborted) return;
          after = res.lines.at(-1)?.n ?? after + res.dropped;
          setCurrent(res.build);
          setLog((old) => keepEnd({ lines: [...old.lines, ...res.lines], hidden: old.hidden + res.dropped }));
          if (isEnded(res.build) && res.lines.length === 0) {
            setRefresh((r) => r + 1);
            return;
          }
        } catch (e) {
          if (stop.signal.aborted) return;
          setError(describeError(e));
          await new Promise((r) => setTimeout(r, IDLE_POLL_MS));
        }
      }
    })();
    return () => stop.abort();
  }, [api, currentId]);

  // Nothing building: look now and then for a build queued elsewhere (a save, another person).
  useEffect(() => {
    if (currentId && !ended) return;
    const timer = setInterval(() => setRefresh((r) => r + 1), IDLE_POLL_MS);
    return () => clearInterval(timer);
  }, [currentId, ended]);

  const buildNow = useCallback(async () => {
    setStarting(true);
    setError(null);
    try {
      const { build } = await api.startBuild(environment.id);
      followed.current = build.id;
      setCurrent(build);
      setLog(EMPTY);
      setRefresh((r) => r + 1);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setStarting(false);
    }
  }, [api, environment.id]);

  // The list's copy of the current build is older than the one the log brought.
  const builds = (list?.builds ?? []).map((b) => (b.id === current?.id ? current : b));
  const newer = current?.status === 'ready' && (current.finishedAt ?? 0) >= (list?.inUse?.finishedAt ?? 0);
  const inUse = newer ? current : (list?.inUse ?? null);
  return {
    builds,
    inUse,
    current,
    lines: log.lines,
    hidden: log.hidden,
    loaded: list !== null,
    error,
    starting,
    buildNow,
  };
}

interface Log {
  lines: BuildLogLine[];
  hidden: number;
}
const EMPTY: Log = { lines: [], hidden: 0 };

function keepEnd(log: Log): Log {
  const cut = log.lines.length - SHOWN_LINES;
  return cut > 0 ? { lines: log.lines.slice(cut), hidden: log.hidden + cut } : log;
}
