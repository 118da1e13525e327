// The build of an Environment, in its editor: how the newest build is doing
// (queued, building, ready, failed at a step), how long it took, its log as
// it streams (following the end unless the reader scrolled up), which build
// sessions use, and Build now for those who may change the Environment.
import type { BuildStep, Environment, EnvironmentBuild } from '@orrery/shared';
import { useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import { useServices } from '../../app/services-context.js';
import { isEnded, useBuildLog } from './use-build-log.js';

const STATUS_LABEL: Record<EnvironmentBuild['status'], string> = {
  queued: 'Queued',
  building: 'Building',
  ready: 'Ready',
  failed: 'Failed',
};

const STEP_LABEL: Record<BuildStep, string> = {
  queued: 'waiting for a runner',
  starting: 'starting the build container',
  clone: 'cloning the repositories',
  setup: 'running the setup script',
  commit: 'saving the snapshot',
  done: 'done',
};

/** Closer than this to the end, the log keeps following new lines. */
const FOLLOW_SLACK_PX = 24;

export function BuildPanel({ environment }: { environment: Environment }) {
  const { account } = useServices();
  const headingId = useId();
  const state = useBuildLog(environment);
  const { current, lines, hidden } = state;
  const me = account.user;
  const mayBuild =
    environment.ownerId === me.id || (environment.scope === 'organisation' && me.role === 'admin');
  const running = current !== null && !isEnded(current);

  return (
    <section className="build-panel" aria-labelledby={headingId}>
      <header className="build-panel-header">
        <h3 id={headingId}>Build</h3>
        {current && <StatusBadge build={current} />}
        {current && <Duration build={current} />}
        <span className="build-panel-spacer" />
        <button
          type="button"
          className="small"
          onClick={() => void state.buildNow()}
          disabled={!mayBuild || state.starting || running}
          aria-describedby={!mayBuild ? `${headingId}-who` : undefined}
        >
          {state.starting ? 'Starting…' : 'Build now'}
        </button>
      </header>
      {!mayBuild && (
        <p id={`${headingId}-who`} className="muted build-panel-note">
          Only its author or an admin can build this Environment.
        </p>
      )}
      {state.error && (
        <p className="error" role="alert">
          {state.error}
        </p>
      )}
      {current?.status === 'failed' && (
        <div className="build-failure" role="alert">
          <strong>Failed while {STEP_LABEL[current.step]}.</strong>{' '}
          {current.error ?? 'The runner gave no reason.'}
        </div>
      )}
      <InUse inUse={state.inUse} current={current} loaded={state.loaded} />
      <EarlierBuilds builds={state.builds.slice(1)} />
      {current ? (
        <BuildLog lines={lines} hidden={hidden} live={running} />
      ) : (
        state.loaded && (
          <p className="muted">
            Not built yet. It is built when it is saved, or now with Build now; sessions build it when they
            start otherwise.
          </p>
        )
      )}
    </section>
  );
}

function StatusBadge({ build }: { build: EnvironmentBuild }) {
  const step = build.status === 'building' ? ` — ${STEP_LABEL[build.step]}` : '';
  return (
    <span className={`build-badge build-badge-${build.status}`} role="status">
      {STATUS_LABEL[build.status]}
      {step}
    </span>
  );
}

function Duration({ build }: { build: EnvironmentBuild }) {
  const [now, setNow] = useState(() => Date.now());
  const ended = isEnded(build);
  useEffect(() => {
    if (ended || !build.startedAt) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ended, build.startedAt]);
  if (!build.startedAt) return null;
  const ms = (ended ? (build.finishedAt ?? now) : now) - build.startedAt;
  return (
    <span className="build-duration">
      {ended ? 'took' : 'for'} {formatDuration(ms)}
    </span>
  );
}

export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
}

function InUse({
  inUse,
  current,
  loaded,
}: {
  inUse: EnvironmentBuild | null;
  current: EnvironmentBuild | null;
  loaded: boolean;
}) {
  if (!loaded) return null;
  if (!inUse) {
    return current ? (
      <p className="build-in-use muted">No build has succeeded yet, so sessions have no snapshot to use.</p>
    ) : null;
  }
  const when = new Date(inUse.finishedAt ?? inUse.createdAt).toLocaleString();
  const older = current && current.id !== inUse.id;
  return (
    <p className="build-in-use">
      In use: build of {when}
      {older && current.status === 'failed' && ' (kept until a new build succeeds)'}
      {older && !isEnded(current) && ' (until this build succeeds)'}
    </p>
  );
}

function EarlierBuilds({ builds }: { builds: EnvironmentBuild[] }) {
  if (builds.length === 0) return null;
  return (
    <details className="build-history">
      <summary>Earlier builds ({builds.length})</summary>
      <ul>
        {builds.map((b) => (
          <li key={b.id}>
            <span className={`build-badge build-badge-${b.status}`}>{STATUS_LABEL[b.status]}</span>{' '}
            {new Date(b.createdAt).toLocaleString()}
            {b.startedAt && b.finishedAt ? ` · took ${formatDuration(b.finishedAt - b.startedAt)}` : ''}
            {b.status === 'failed' ? ` · failed while ${STEP_LABEL[b.step]}` : ''}
          </li>
        ))}
      </ul>
    </details>
  );
}

function BuildLog({
  lines,
  hidden,
  live,
}: {
  lines: { n: number; stream: string; text: string }[];
  hidden: number;
  live: boolean;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [following, setFollowing] = useState(true);

  useLayoutEffect(() => {
    const el = box.current;
    if (el && following) el.scrollTop = el.scrollHeight;
  }, [lines, following]);

  const onScroll = () => {
    const el = box.current;
    if (!el) return;
    setFollowing(el.scrollHeight - el.scrollTop - el.clientHeight <= FOLLOW_SLACK_PX);
  };

  return (
    <div className="build-log-wrap">
      <div
        ref={box}
        className="build-log"
        role="log"
        aria-label="Build log"
        aria-live={live ? 'polite' : 'off'}
        tabIndex={0}
        onScroll={onScroll}
      >
        {hidden > 0 && <div className="build-log-hidden">{hidden} earlier lines not shown</div>}
        {lines.length === 0 && (
          <div className="build-log-empty">{live ? 'Waiting for output…' : 'No output.'}</div>
        )}
        {lines.map((line) => (
          <div key={line.n} className={`build-log-line build-log-${line.stream}`}>
            {line.text}
          </div>
        ))}
      </div>
      {!following && (
        <button
          type="button"
          className="secondary small build-log-latest"
          onClick={() => {
            setFollowing(true);
            const el = box.current;
            if (el) el.scrollTop = el.scrollHeight;
          }}
        >
          Jump to the latest line
        </button>
      )}
    </div>
  );
}
