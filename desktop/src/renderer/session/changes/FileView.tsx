// One opened file in the Changes panel: its path and what happened to it,
// the unified / side-by-side and wrap switches, and its diff (or why there
// is none to show).
import { ApiError, type ChangedFile } from '@orrery/shared';
import { useMemo } from 'react';
import { describeError, isOffline } from '../../api/api-error.js';
import { useChangesPrefs, useNarrowScreen } from './changes-prefs.js';
import { STATUS_WORD, modeChange, noDiffSentence } from './describe-change.js';
import { parseUnifiedDiff, type ParsedFileDiff } from './diff-parse.js';
import { DiffView } from './DiffView.js';
import { Counts, StatusBadge } from './RepositorySection.js';
import type { ChangesSource, OpenFile } from './use-changes.js';
import { useFileDiff } from './use-changes.js';

export interface FileViewProps {
  sessionId: string;
  source: ChangesSource;
  open: OpenFile;
  /** The file's entry in the summary shown; null when the newest summary no longer lists it. */
  listed: ChangedFile | null;
  rev: number;
  onBack: () => void;
}

export function FileView({ sessionId, source, open, listed, rev, onBack }: FileViewProps) {
  const [prefs, setPrefs] = useChangesPrefs();
  const narrow = useNarrowScreen();
  const keptDiff = !listed || listed.diff === 'kept';
  const loaded = useFileDiff(source, sessionId, keptDiff ? open : null, rev);
  const file = listed ?? loaded.value?.file ?? null;
  const patch = loaded.value?.patch ?? null;
  const parsed = useMemo(() => (patch === null ? null : (parseUnifiedDiff(patch)[0] ?? null)), [patch]);
  // Side by side needs the width of two files; a phone shows them one above the other.
  const layout = narrow ? 'unified' : prefs.layout;

  return (
    <div className="changes-file-view">
      <div className="changes-file-bar">
        <button type="button" className="secondary small changes-back" onClick={onBack}>
          ← All changes
        </button>
        <div className="changes-file-heading">
          <h3 className="changes-file-path" title={open.path}>
            {file && <StatusBadge file={file} />} {open.path}
          </h3>
          {file && <FileFacts file={file} />}
        </div>
        <div className="changes-switches" role="group" aria-label="Diff display">
          {!narrow && (
            <button
              type="button"
              className="secondary small"
              aria-pressed={prefs.layout === 'split'}
              onClick={() => setPrefs({ layout: prefs.layout === 'split' ? 'unified' : 'split' })}
            >
              Side by side
            </button>
          )}
          {layout === 'unified' && (
            <button
              type="button"
              className="secondary small"
              aria-pressed={prefs.wrap}
              onClick={() => setPrefs({ wrap: !prefs.wrap })}
            >
              Wrap lines
            </button>
          )}
        </div>
      </div>
      <FileBody
        file={file}
        parsed={parsed}
        hasValue={loaded.value !== null}
        loading={loaded.loading}
        error={loaded.error}
        retry={loaded.retry}
        path={open.path}
        layout={layout}
        wrap={prefs.wrap}
      />
    </div>
  );
}

function FileFacts({ file }: { file: ChangedFile }) {
  const mode = modeChange(file);
  const facts = [
    STATUS_WORD[file.status],
    file.oldPath && file.oldPath !== file.path ? `from ${file.oldPath}` : null,
    file.untracked ? 'untracked' : null,
    mode,
  ].filter(Boolean);
  return (
    <p className="changes-file-facts">
      {facts.join(' · ')}
      {file.added !== null && file.removed !== null && (
        <>
          {' · '}
          <Counts added={file.added} removed={file.removed} />
        </>
      )}
    </p>
  );
}

function FileBody({
  file,
  parsed,
  hasValue,
  loading,
  error,
  retry,
  path,
  layout,
  wrap,
}: {
  file: ChangedFile | null;
  parsed: ParsedFileDiff | null;
  hasValue: boolean;
  loading: boolean;
  error: unknown;
  retry: () => void;
  path: string;
  layout: 'unified' | 'split';
  wrap: boolean;
}) {
  const summary = file ? noDiffSentence(file) : null;
  if (summary) return <p className="changes-file-note">{summary}</p>;
  // Gone from the newest report (the agent put it back): said even when an older diff is at hand.
  const gone = error instanceof ApiError && error.status === 404;
  if (gone || (error && !hasValue)) {
    return (
      <div className="changes-file-note" role="alert">
        {gone
          ? 'This file has no changes any more: it is as it was when the session started.'
          : isOffline(error)
            ? 'This diff is not on this device yet: it loads from the server when it can be reached.'
            : `The diff could not be loaded: ${describeError(error)}`}{' '}
        {!gone && (
          <button type="button" className="secondary small" onClick={retry}>
            Try again
          </button>
        )}
      </div>
    );
  }
  if (!hasValue) {
    return (
      <p className="changes-file-note" aria-busy={loading}>
        Loading the diff…
      </p>
    );
  }
  if (!parsed || !parsed.hunks.length) {
    const mode = file ? modeChange(file) : null;
    const text = parsed?.binary
      ? 'This is a binary file: there are no lines to compare.'
      : mode
        ? `Only the file’s mode changed: it is ${mode}.`
        : file?.status === 'renamed' || file?.status === 'copied'
          ? `${file.status === 'renamed' ? 'Renamed' : 'Copied'} from ${file.oldPath ?? 'another path'}, with the same content.`
          : 'No lines changed in this file.';
    return <p className="changes-file-note">{text}</p>;
  }
  return <DiffView path={path} diff={parsed} layout={layout} wrap={wrap} />;
}
