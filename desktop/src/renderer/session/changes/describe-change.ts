// How a change reads to people: status letters and words, mode changes,
// sizes, why a file has no diff to show, a repository's name and branch.
import type { ChangedFile, ChangeStatus, GitOperation, RepositoryChanges } from '@orrery/shared';

export const STATUS_LETTER: Record<ChangeStatus, string> = {
  added: 'A',
  modified: 'M',
  deleted: 'D',
  renamed: 'R',
  copied: 'C',
  type_changed: 'T',
};

export const STATUS_WORD: Record<ChangeStatus, string> = {
  added: 'Added',
  modified: 'Modified',
  deleted: 'Deleted',
  renamed: 'Renamed',
  copied: 'Copied',
  type_changed: 'Type changed',
};

const MODE_WORD: Record<string, string> = {
  '100755': 'executable',
  '100644': 'a regular file',
  '120000': 'a symbolic link',
  '160000': 'a submodule',
};

/** "now executable", "no longer executable", "now a symbolic link"; null when the mode did not change. */
export function modeChange(file: Pick<ChangedFile, 'oldMode' | 'newMode'>): string | null {
  const { oldMode, newMode } = file;
  if (!oldMode || !newMode || oldMode === newMode) return null;
  if (oldMode === '100755' && newMode === '100644') return 'no longer executable';
  return `now ${MODE_WORD[newMode] ?? `mode ${newMode}`}`;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(1)} GB`;
}

/** Why a file's diff cannot be opened, in a few words for its row; null when it can. */
export function noDiffShort(file: ChangedFile): string | null {
  const size = file.size === null ? '' : `, ${formatSize(file.size)}`;
  if (file.diff === 'binary' || (file.binary && file.diff !== 'kept')) return `Binary${size}`;
  if (file.diff === 'too_large') return `Too large to show${size}`;
  if (file.diff === 'omitted') return `Diff not kept${size}`;
  return null;
}

/** The same, as a sentence for the file's own view. */
export function noDiffSentence(file: ChangedFile): string | null {
  const size = file.size === null ? '' : ` (${formatSize(file.size)})`;
  if (file.diff === 'binary' || (file.binary && file.diff !== 'kept'))
    return `This is a binary file${size}: there are no lines to compare.`;
  if (file.diff === 'too_large')
    return `This file’s diff is too large to show here${size}. Download the patch to read it, or ask the agent about it.`;
  if (file.diff === 'omitted')
    return `This diff was not kept: the changes are so large that the ones before it used up the room the session keeps for them${size}. Download the patch to read it.`;
  return null;
}

/** "+12 −3"; null counts (binary) give null. */
export function lineCounts(added: number | null, removed: number | null): string | null {
  if (added === null || removed === null) return null;
  return `+${added} −${removed}`;
}

export function countsLabel(added: number, removed: number): string {
  return `${added.toLocaleString()} ${added === 1 ? 'line' : 'lines'} added, ${removed.toLocaleString()} removed`;
}

/** The repository as the Environment names it; /workspace itself when its path is empty. */
export function repositoryName(repo: Pick<RepositoryChanges, 'path'>): string {
  return repo.path ? repo.path : 'workspace';
}

export function branchText(repo: RepositoryChanges): string | null {
  if (repo.state !== 'ok') return null;
  if (repo.branch) return repo.branch;
  return repo.head ? `detached HEAD at ${repo.head.slice(0, 7)}` : 'no commits yet';
}

const OPERATION: Record<Exclude<GitOperation, 'none'>, string> = {
  merge: 'A merge is in progress in this repository: the agent, or you, can finish or abort it.',
  rebase: 'A rebase is in progress in this repository: the agent, or you, can continue or abort it.',
  cherry_pick: 'A cherry-pick is in progress in this repository.',
  revert: 'A revert is in progress in this repository.',
  bisect: 'A bisect is in progress in this repository.',
};

const STATE: Record<Exclude<RepositoryChanges['state'], 'ok'>, string> = {
  missing: 'This repository is gone from the workspace: the agent removed its folder.',
  not_a_repository: 'This folder is no longer a git repository: its .git folder is gone.',
  unreadable: 'The changes of this repository could not be read.',
};

/** A sentence on what is unusual about the repository, or null. The runner's own sentence comes first. */
export function repositoryNotice(repo: RepositoryChanges): string | null {
  if (repo.state !== 'ok') return repo.detail || STATE[repo.state];
  if (repo.operation !== 'none') return repo.detail || OPERATION[repo.operation];
  return repo.detail || null;
}

export function pluralFiles(n: number): string {
  return `${n} ${n === 1 ? 'file' : 'files'}`;
}
