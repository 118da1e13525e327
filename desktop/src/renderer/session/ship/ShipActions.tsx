// The ship controls in a repository's header of the Changes panel: Commit…,
// Push branch, Open pull request… and Download patch, each disabled with
// the reason when it cannot run, and the last result (the commit's short
// sha, where the branch went, the pull request's link). Only the owner sees
// them; viewers get none.
import type { RepositoryChanges, SessionListItem } from '@orrery/shared';
import { useId, useState, type ReactNode } from 'react';
import { useServices } from '../../app/services-context.js';
import { busyReason, useShipContext } from './ship-context.js';
import { shipFailure, type ShipFailure } from './ship-errors.js';
import { CommitDialog, PullRequestDialog, PushDialog } from './ShipDialogs.js';
import { ShipFailureText } from './ShipFailureText.js';
import { pullRequestLabel, webUrlOf } from './PullRequestViews.js';
import { useShipDraft } from './use-ship-draft.js';

type Open = 'commit' | 'push' | 'pull_request' | null;

export function ShipActions({ session, repo }: { session: SessionListItem; repo: RepositoryChanges }) {
  if (session.access !== 'owner') return null;
  return <OwnerShipActions session={session} repo={repo} />;
}

/** "Download patch": the file name the server gives, else `<repo>-changes.patch`. */
export function patchFileName(disposition: string | null, repo: string): string {
  const quoted = disposition && /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1];
  let name = '';
  try {
    name = quoted ? decodeURIComponent(quoted) : '';
  } catch {
    name = quoted || '';
  }
  name = name.replace(/[/\\]/g, '_').trim();
  const stem = repo.split('/').filter(Boolean).pop() || 'workspace';
  return name || `${stem}-changes.patch`;
}

function OwnerShipActions({ session, repo }: { session: SessionListItem; repo: RepositoryChanges }) {
  const { api } = useServices();
  const ctx = useShipContext();
  const reasonId = useId();
  const { state, reload } = useShipDraft(session.id, repo.path, ctx?.changesRev ?? 0);
  const [open, setOpen] = useState<Open>(null);
  const [result, setResult] = useState<ReactNode>(null);
  const [failure, setFailure] = useState<ShipFailure | null>(null);
  const [downloading, setDownloading] = useState(false);
  const draft = state.status === 'ready' ? state.draft : null;

  const busy = ctx ? busyReason(ctx) : null;
  const unreadable = repo.state !== 'ok' ? repo.detail || 'This repository cannot be read now.' : null;
  const changed = repo.files.length + repo.moreFiles > 0;
  const halfDone =
    repo.operation !== 'none'
      ? repo.detail || `A ${repo.operation.replace('_', '-')} is half-done in this repository.`
      : null;
  const commitReason = busy ?? unreadable ?? halfDone ?? (changed ? null : 'Nothing changed to commit.');
  const pushReason =
    busy ??
    unreadable ??
    (state.status === 'loading' ? 'Reading where it would go…' : null) ??
    (state.status === 'error' ? `Where to push could not be read: ${state.failure.message}` : null) ??
    draft?.blocked ??
    (repo.ahead > 0
      ? null
      : changed
        ? 'Commit the changes first: there is no commit to push yet.'
        : 'Nothing to push: no commits since the session started.');
  const prReason =
    pushReason ??
    (draft && !draft.forge
      ? 'Pull requests need a repository credential for this host that names GitHub or GitLab (Settings → Secrets).'
      : null);
  const patchReason =
    busy ?? unreadable ?? (changed || repo.ahead > 0 ? null : 'Nothing changed since the session started.');
  const reasons = [...new Set([commitReason, pushReason, prReason, patchReason].filter(Boolean))];

  const done = (text: ReactNode) => {
    setOpen(null);
    setFailure(null);
    setResult(text);
    reload();
  };

  async function download() {
    setDownloading(true);
    setFailure(null);
    try {
      const { blob, disposition } = await api.downloadPatch(session.id, repo.path);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = patchFileName(disposition, repo.path);
      document.body.append(a);
      a.click();
      a.remove();
      // The click has handed the file over; the address is no longer needed.
      setTimeout(() => URL.revokeObjectURL(url), 0);
      setResult(`Downloaded ${a.download}.`);
    } catch (error) {
      setFailure(shipFailure(error));
    } finally {
      setDownloading(false);
    }
  }

  const describedBy = reasons.length ? reasonId : undefined;
  const dialogProps = {
    sessionId: session.id,
    repo: repo.path,
    draft,
    draftFailure: state.status === 'error' ? state.failure : null,
    onClose: () => setOpen(null),
  };
  const existing = draft?.pullRequestUrl ? webUrlOf(draft.pullRequestUrl) : null;

  return (
    <div className="ship-actions">
      <div className="ship-buttons" role="group" aria-label="Ship these changes">
        <button
          type="button"
          className="secondary small"
          disabled={!!commitReason}
          aria-describedby={commitReason ? describedBy : undefined}
          onClick={() => setOpen('commit')}
        >
          Commit…
        </button>
        <button
          type="button"
          className="secondary small"
          disabled={!!pushReason}
          aria-describedby={pushReason ? describedBy : undefined}
          onClick={() => setOpen('push')}
        >
          Push branch
        </button>
        <button
          type="button"
          className="secondary small"
          disabled={!!prReason}
          aria-describedby={prReason ? describedBy : undefined}
          onClick={() => setOpen('pull_request')}
        >
          {draft?.forge === 'gitlab' ? 'Open merge request…' : 'Open pull request…'}
        </button>
        <button
          type="button"
          className="secondary small"
          disabled={!!patchReason || downloading}
          aria-describedby={patchReason ? describedBy : undefined}
          onClick={() => void download()}
        >
          {downloading ? 'Preparing patch…' : 'Download patch'}
        </button>
      </div>
      {reasons.length > 0 && (
        <ul id={reasonId} className="ship-reasons">
          {reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
      {existing && !result && (
        <p className="ship-result">
          Already open:{' '}
          <a href={existing} target="_blank" rel="noopener noreferrer">
            {existing}
          </a>
        </p>
      )}
      {result && (
        <p className="ship-result" role="status">
          {result}
        </p>
      )}
      {failure && <ShipFailureText failure={failure} />}
      {open === 'commit' && (
        <CommitDialog
          {...dialogProps}
          onDone={(r) =>
            done(
              <>
                Committed <code>{r.sha.slice(0, 7)}</code> ({r.files} {r.files === 1 ? 'file' : 'files'})
                {r.branch ? ` on ${r.branch}` : ''}.
              </>,
            )
          }
        />
      )}
      {open === 'push' && (
        <PushDialog
          {...dialogProps}
          onDone={(r) =>
            done(
              <>
                Pushed <code>{r.branch}</code> ({r.created ? 'a new branch' : 'updated'}) to{' '}
                <span className="ship-remote">{r.remote}</span> at <code>{r.sha.slice(0, 7)}</code>.
              </>,
            )
          }
        />
      )}
      {open === 'pull_request' && (
        <PullRequestDialog
          {...dialogProps}
          onDone={(r) => {
            const href = webUrlOf(r.url);
            const label = pullRequestLabel(r);
            done(
              <>
                Opened{' '}
                {href ? (
                  <a href={href} target="_blank" rel="noopener noreferrer">
                    {label}
                  </a>
                ) : (
                  label
                )}{' '}
                from <code>{r.branch}</code> into <code>{r.base}</code>.
              </>,
            );
          }}
        />
      )}
    </div>
  );
}
