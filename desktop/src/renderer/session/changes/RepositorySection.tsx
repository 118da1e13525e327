// One repository in the Changes panel: its name, branch and totals, a slot
// for the ship controls, what is unusual about it, the commits it gained
// since the session started, and its changed files grouped by folder.
import type { ChangedFile, RepositoryChanges } from '@orrery/shared';
import { useMemo, useState, type ReactNode } from 'react';
import { RelativeTime } from '../../common/RelativeTime.js';
import {
  STATUS_LETTER,
  STATUS_WORD,
  branchText,
  countsLabel,
  lineCounts,
  modeChange,
  noDiffShort,
  pluralFiles,
  repositoryName,
  repositoryNotice,
} from './describe-change.js';

/** Past this many files, a filter box helps find one. */
const FILTER_FROM = 50;
/** Rows shown before "Show all": thousands of buttons at once would slow the panel down. */
const FIRST_ROWS = 300;

export interface RepositorySectionProps {
  repo: RepositoryChanges;
  onOpenFile: (repo: string, path: string) => void;
  renderActions?: (repo: RepositoryChanges) => ReactNode;
}

export function RepositorySection({ repo, onOpenFile, renderActions }: RepositorySectionProps) {
  const name = repositoryName(repo);
  const branch = branchText(repo);
  const notice = repositoryNotice(repo);
  const counts = lineCounts(repo.added, repo.removed);
  const nothing = repo.state === 'ok' && !repo.files.length && !repo.moreFiles && !repo.ahead;
  const actions = renderActions?.(repo);
  return (
    <section className="changes-repo" aria-label={`Repository ${name}`}>
      <div className="changes-repo-head">
        <div className="changes-repo-title">
          <h3 title={repo.path ? `/workspace/${repo.path}` : '/workspace'}>{name}</h3>
          {repo.url && <span className="changes-repo-url">{repo.url}</span>}
          <div className="changes-repo-meta">
            {branch && (
              <span className={repo.branch ? 'changes-branch' : 'changes-branch detached'}>{branch}</span>
            )}
            {repo.files.length + repo.moreFiles > 0 && counts && (
              <Counts added={repo.added} removed={repo.removed} />
            )}
          </div>
        </div>
        {actions && <div className="changes-repo-actions">{actions}</div>}
      </div>
      {notice && (
        <p className={`changes-repo-notice${repo.state === 'ok' ? '' : ' bad'}`} role="note">
          {notice}
        </p>
      )}
      {repo.ahead > 0 && <Commits repo={repo} />}
      {nothing && <p className="changes-empty">No changes yet in this repository.</p>}
      {repo.files.length > 0 && <FileList repo={repo} onOpenFile={onOpenFile} />}
    </section>
  );
}

function Commits({ repo }: { repo: RepositoryChanges }) {
  const unlisted = repo.ahead - repo.commits.length;
  return (
    <details className="changes-commits">
      <summary>
        {repo.ahead} {repo.ahead === 1 ? 'commit' : 'commits'} ahead of where the session started
        {repo.base && <span className="muted"> ({repo.base.slice(0, 7)})</span>}
      </summary>
      <ol>
        {repo.commits.map((c) => (
          <li key={c.sha}>
            <code>{c.sha.slice(0, 7)}</code> <span className="changes-commit-subject">{c.subject}</span>{' '}
            <span className="muted">
              {c.author} · <RelativeTime ms={c.at} />
            </span>
          </li>
        ))}
      </ol>
      {unlisted > 0 && <p className="muted">and {unlisted} older, not listed.</p>}
    </details>
  );
}

function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

function FileList({
  repo,
  onOpenFile,
}: {
  repo: RepositoryChanges;
  onOpenFile: RepositorySectionProps['onOpenFile'];
}) {
  const [filter, setFilter] = useState('');
  const [showAll, setShowAll] = useState(false);
  const needle = filter.trim().toLowerCase();
  const matching = useMemo(
    () =>
      needle
        ? repo.files.filter(
            (f) => f.path.toLowerCase().includes(needle) || f.oldPath?.toLowerCase().includes(needle),
          )
        : repo.files,
    [repo.files, needle],
  );
  const shown = showAll ? matching : matching.slice(0, FIRST_ROWS);
  const groups = useMemo(() => {
    const byFolder = new Map<string, ChangedFile[]>();
    for (const f of [...shown].sort((a, b) => a.path.localeCompare(b.path))) {
      const folder = folderOf(f.path);
      byFolder.set(folder, [...(byFolder.get(folder) ?? []), f]);
    }
    return [...byFolder];
  }, [shown]);
  const label = `Changed files in ${repositoryName(repo)}`;

  return (
    <div className="changes-files">
      {repo.files.length > FILTER_FROM && (
        <input
          type="search"
          className="changes-filter"
          placeholder={`Filter ${pluralFiles(repo.files.length)}`}
          aria-label={`Filter the changed files of ${repositoryName(repo)}`}
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
      )}
      {needle && !matching.length && (
        <p className="changes-empty">No changed file matches “{filter.trim()}”.</p>
      )}
      <ul className="changes-file-groups" aria-label={label}>
        {groups.map(([folder, files]) => (
          <li key={folder} className="changes-folder">
            {folder && <div className="changes-folder-name">{folder}/</div>}
            <ul>
              {files.map((f) => (
                <li key={f.path}>
                  <FileRow repo={repo.path} file={f} onOpen={onOpenFile} />
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
      {shown.length < matching.length && (
        <button type="button" className="secondary small changes-more" onClick={() => setShowAll(true)}>
          Show all {pluralFiles(matching.length)}
        </button>
      )}
      {repo.moreFiles > 0 && (
        <p className="changes-more-files muted">
          and {pluralFiles(repo.moreFiles)} more, not listed: the panel lists the first {repo.files.length}.
        </p>
      )}
    </div>
  );
}

/** "+12 −3", read out as "12 lines added, 3 removed". */
export function Counts({ added, removed }: { added: number; removed: number }) {
  return (
    <span className="changes-counts">
      <span aria-hidden="true">
        <span className="plus">+{added.toLocaleString()}</span>{' '}
        <span className="minus">−{removed.toLocaleString()}</span>
      </span>
      <span className="visually-hidden">{countsLabel(added, removed)}</span>
    </span>
  );
}

export function StatusBadge({ file }: { file: ChangedFile }) {
  return (
    <span className={`status-badge status-${file.status}`} title={STATUS_WORD[file.status]}>
      <span aria-hidden="true">{STATUS_LETTER[file.status]}</span>
      <span className="visually-hidden">{STATUS_WORD[file.status]}</span>
    </span>
  );
}

function FileRow({
  repo,
  file,
  onOpen,
}: {
  repo: string;
  file: ChangedFile;
  onOpen: RepositorySectionProps['onOpenFile'];
}) {
  const base = file.path.slice(file.path.lastIndexOf('/') + 1);
  const mode = modeChange(file);
  const noDiff = noDiffShort(file);
  const counts = lineCounts(file.added, file.removed);
  const notes = [
    file.oldPath && file.oldPath !== file.path ? `from ${file.oldPath}` : null,
    file.untracked ? 'untracked' : null,
    mode,
    noDiff,
  ].filter(Boolean);
  return (
    <button
      type="button"
      className="changes-file"
      data-repo={repo}
      data-path={file.path}
      onClick={() => onOpen(repo, file.path)}
      title={file.path}
    >
      <StatusBadge file={file} />
      <span className="changes-file-main">
        <span className="changes-file-name">{base}</span>
        {notes.length > 0 && <span className="changes-file-notes">{notes.join(' · ')}</span>}
      </span>
      {counts && !noDiff && (file.added! > 0 || file.removed! > 0) && (
        <Counts added={file.added!} removed={file.removed!} />
      )}
    </button>
  );
}
