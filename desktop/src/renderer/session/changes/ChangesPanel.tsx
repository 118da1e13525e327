// The Changes panel: what the agent changed in the session's repositories,
// beside the conversation (a full-screen sheet on a phone). It reloads when
// the session document says the runner reported again, also for viewers,
// and shows the last record while the Environment is paused, never waking it.
import type { ChangesState, EnvironmentState, RepositoryChanges, SessionChanges } from '@orrery/shared';
import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { describeError, isOffline } from '../../api/api-error.js';
import { RelativeTime } from '../../common/RelativeTime.js';
import {
  CHANGES_PANEL_ID,
  closeChangesPanel,
  takePanelFocus,
  useChangesPrefs,
  useNarrowScreen,
} from './changes-prefs.js';
import { pluralFiles } from './describe-change.js';
import { FileView } from './FileView.js';
import { Counts, RepositorySection } from './RepositorySection.js';
import { useChanges, useChangesSource, type ChangesSource, type OpenFile } from './use-changes.js';

export interface ChangesPanelProps {
  sessionId: string;
  /** The session document's summary: its rev says when to reload. */
  summary: ChangesState;
  environment: EnvironmentState;
  /** Ship controls for a repository's header; none for people who may only read the session. */
  renderRepositoryActions?: (repo: RepositoryChanges) => ReactNode;
  /** Where the changes come from; the server by default. */
  source?: ChangesSource;
  /** Whether the session's document is connected to the server: coming back, a failed load is tried again. */
  online?: boolean;
}

/** The file open in each session's panel, kept while the app runs (closing the panel keeps it). */
const openFiles = new Map<string, OpenFile | null>();

export function ChangesPanel({
  sessionId,
  summary,
  environment,
  renderRepositoryActions,
  source,
  online = false,
}: ChangesPanelProps) {
  const context = useChangesSource();
  const from = source ?? context;
  const narrow = useNarrowScreen();
  const [prefs, setPrefs] = useChangesPrefs();
  const loaded = useChanges(from, sessionId, summary.rev);
  const [open, setOpenState] = useState<OpenFile | null>(() => openFiles.get(sessionId) ?? null);
  const rootRef = useRef<HTMLElement | null>(null);
  const headingRef = useRef<HTMLHeadingElement | null>(null);
  const returnTo = useRef<OpenFile | null>(null);

  const setOpen = useCallback(
    (file: OpenFile | null) => {
      openFiles.set(sessionId, file);
      setOpenState(file);
    },
    [sessionId],
  );

  const { error, retry } = loaded;
  const wasOnline = useRef(online);
  useEffect(() => {
    // Only the connection coming back retries; a failure while connected waits for Try again.
    if (online && !wasOnline.current && error !== null) retry();
    wasOnline.current = online;
  }, [online, error, retry]);

  // Opened by the person (not remembered from last time): the panel takes the focus.
  useEffect(() => {
    if (takePanelFocus()) headingRef.current?.focus();
  }, []);

  // Back from a file: the focus returns to its row in the list.
  useEffect(() => {
    const file = returnTo.current;
    if (open || !file) return;
    returnTo.current = null;
    const rows = rootRef.current?.querySelectorAll<HTMLElement>('.changes-file') ?? [];
    [...rows].find((r) => r.dataset.repo === file.repo && r.dataset.path === file.path)?.focus();
  }, [open]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && !e.defaultPrevented) {
      e.preventDefault();
      closeChangesPanel();
    } else if (e.key === 'Tab' && narrow) keepFocusInside(e, rootRef.current);
  };

  const changes = loaded.value;
  const listed = open
    ? (changes?.repositories.find((r) => r.path === open.repo)?.files.find((f) => f.path === open.path) ??
      null)
    : null;
  const computedAt = changes?.computedAt ?? summary.computedAt;
  const Root = narrow ? 'div' : 'aside';

  return (
    <Root
      ref={(el: HTMLElement | null) => {
        rootRef.current = el;
      }}
      id={CHANGES_PANEL_ID}
      className={`changes-panel${narrow ? ' sheet' : prefs.wide ? ' wide' : ''}`}
      aria-labelledby="changes-panel-title"
      {...(narrow ? { role: 'dialog', 'aria-modal': true } : {})}
      onKeyDown={onKeyDown}
    >
      <div className="changes-head">
        <div className="changes-head-text">
          <h2 id="changes-panel-title" ref={headingRef} tabIndex={-1}>
            Changes
          </h2>
          {summary.files > 0 && (
            <span className="changes-total">
              <Counts added={summary.added} removed={summary.removed} /> in {pluralFiles(summary.files)}
            </span>
          )}
          {computedAt !== null && (
            <span className="changes-updated muted">
              Updated <RelativeTime ms={computedAt} />
            </span>
          )}
        </div>
        {!narrow && (
          <button
            type="button"
            className="secondary small"
            aria-pressed={prefs.wide}
            title="Give the changes most of the width"
            onClick={() => setPrefs({ wide: !prefs.wide })}
          >
            Widen
          </button>
        )}
        <button
          type="button"
          className="icon-button"
          aria-label="Close the changes"
          title="Close (Esc)"
          onClick={closeChangesPanel}
        >
          ×
        </button>
      </div>
      <Notes
        environment={environment}
        changes={changes}
        error={loaded.error}
        receivedAt={loaded.receivedAt}
        summary={summary}
        retry={loaded.retry}
      />
      {open ? (
        <FileView
          sessionId={sessionId}
          source={from}
          open={open}
          listed={listed}
          rev={summary.rev}
          onBack={() => {
            returnTo.current = open;
            setOpen(null);
          }}
        />
      ) : (
        <div className="changes-body">
          <Repositories
            changes={changes}
            loading={loaded.loading}
            error={loaded.error}
            summary={summary}
            renderRepositoryActions={renderRepositoryActions}
            onOpenFile={(repo, path) => setOpen({ repo, path })}
          />
        </div>
      )}
    </Root>
  );
}

/** The paused note and load errors, above the list or the file. */
function Notes({
  environment,
  changes,
  error,
  receivedAt,
  summary,
  retry,
}: {
  environment: EnvironmentState;
  changes: SessionChanges | null;
  error: unknown;
  receivedAt: number | null;
  summary: ChangesState;
  retry: () => void;
}) {
  const asleep = environment.status === 'paused' || environment.status === 'stopped';
  const neverComputed = !changes && summary.rev === 0;
  return (
    <>
      {asleep && (changes?.computedAt ?? summary.computedAt) !== null && (
        <p className="changes-note" role="note">
          The Environment is {environment.status}: these are the changes as they were when it{' '}
          {environment.status === 'paused' ? 'paused' : 'stopped'}
          {environment.updatedAt > 0 && ` (${clockTime(environment.updatedAt)})`}. They update when it runs
          again.
        </p>
      )}
      {error !== null && !neverComputed && (
        <div className="changes-note error-note" role="alert">
          {isOffline(error)
            ? changes
              ? 'The server cannot be reached: these are the changes as last loaded'
              : 'The changes are not on this device yet: they load from the server when it can be reached.'
            : `The changes could not be loaded: ${describeError(error)}`}
          {isOffline(error) && changes && receivedAt !== null && (
            <>
              {' '}
              (<RelativeTime ms={receivedAt} />
              ).
            </>
          )}{' '}
          <button type="button" className="secondary small" onClick={retry}>
            Try again
          </button>
        </div>
      )}
    </>
  );
}

function Repositories({
  changes,
  loading,
  error,
  summary,
  renderRepositoryActions,
  onOpenFile,
}: {
  changes: SessionChanges | null;
  loading: boolean;
  error: unknown;
  summary: ChangesState;
  renderRepositoryActions?: (repo: RepositoryChanges) => ReactNode;
  onOpenFile: (repo: string, path: string) => void;
}) {
  if (!changes) {
    if (summary.rev === 0 && (error !== null || !loading)) return <NeverComputed />;
    if (error !== null) return null;
    return (
      <p className="changes-empty" aria-busy="true">
        Loading the changes…
      </p>
    );
  }
  if (changes.computedAt === null) return <NeverComputed />;
  if (!changes.repositories.length) {
    return (
      <p className="changes-empty">
        This Environment has no git repositories in its workspace, so there are no changes to show.
        Repositories the Environment clones, or the agent creates in /workspace, appear here.
      </p>
    );
  }
  return (
    <>
      {changes.repositories.map((repo) => (
        <RepositorySection
          key={repo.path}
          repo={repo}
          onOpenFile={onOpenFile}
          renderActions={renderRepositoryActions}
        />
      ))}
    </>
  );
}

function NeverComputed() {
  return (
    <p className="changes-empty">
      No changes yet: what the agent changes in the workspace shows here once it has run a turn in this
      session.
    </p>
  );
}

function clockTime(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** On the phone the panel covers the app: Tab goes round inside it. */
function keepFocusInside(e: KeyboardEvent, root: HTMLElement | null): void {
  if (!root) return;
  const focusable = [
    ...root.querySelectorAll<HTMLElement>('button, [href], input, select, textarea, summary, [tabindex="0"]'),
  ].filter((el) => !el.hasAttribute('disabled') && el.offsetParent !== null);
  const first = focusable[0];
  const last = focusable.at(-1);
  if (!first || !last) return;
  if (e.shiftKey && document.activeElement === first) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && document.activeElement === last) {
    e.preventDefault();
    first.focus();
  }
}
