// Turns the changes script's frames into the report's shapes: one
// RepositoryChanges per repository and the patches of the files kept,
// everything people read passed through the session's redaction.
import {
  MAX_CHANGED_FILES,
  MAX_FILE_DIFF_CHARS,
  MAX_REPORT_DIFF_CHARS,
  type ChangeCommit,
  type ChangedFile,
  type ChangeStatus,
  type DiffAvailability,
  type FileDiffPatch,
  type GitOperation,
  type RepositoryChanges,
} from '@orrery/shared';
import { DIFF_SIZE_LIMIT } from './changes-script.js';
import { parseRaw, readInfo, sectionPath, type Frame, type RawEntry } from './frames.js';
import type { WorkspaceRepository } from './types.js';

type Redact = (text: string) => string;

interface Section {
  added: number;
  removed: number;
  state: DiffAvailability;
  patch: string;
}

/** What the frames of one repository said. */
interface Parts {
  state: string;
  info: Map<string, string>;
  log: string;
  raw: string;
  count: number;
  sizes: Map<string, number>;
  staged: Set<string>;
  sections: Map<string, Section>;
  failure: string | null;
}

const STATUS: Record<string, ChangeStatus> = {
  A: 'added',
  M: 'modified',
  D: 'deleted',
  R: 'renamed',
  C: 'copied',
  T: 'type_changed',
};

export function buildReport(
  repos: readonly WorkspaceRepository[],
  frames: Frame[],
  redact: Redact,
): { repositories: RepositoryChanges[]; diffs: FileDiffPatch[] } {
  const parts = collect(repos.length, frames);
  const repositories: RepositoryChanges[] = [];
  const diffs: FileDiffPatch[] = [];
  let budget = MAX_REPORT_DIFF_CHARS;
  repos.forEach((repo, i) => {
    const changes = repositoryChanges(repo, parts[i]!, redact);
    for (const file of changes.files) {
      const section = parts[i]!.sections.get(file.path);
      if (file.diff !== 'kept' || !section) continue;
      const patch = redact(section.patch);
      if (patch.length > MAX_FILE_DIFF_CHARS) file.diff = 'too_large';
      else if (patch.length > budget) file.diff = 'omitted';
      else {
        budget -= patch.length;
        diffs.push({ repo: repo.path, path: redact(file.path), patch });
      }
    }
    // Paths were looked up before redaction; what leaves is redacted.
    for (const file of changes.files) {
      file.path = redact(file.path);
      if (file.oldPath !== null) file.oldPath = redact(file.oldPath);
    }
    repositories.push(changes);
  });
  return { repositories, diffs };
}

function collect(count: number, frames: Frame[]): Parts[] {
  const parts: Parts[] = Array.from({ length: count }, () => ({
    state: 'unreadable',
    info: new Map(),
    log: '',
    raw: '',
    count: 0,
    sizes: new Map(),
    staged: new Set(),
    sections: new Map(),
    failure: null,
  }));
  let current: Parts | undefined;
  for (const frame of frames) {
    if (frame.kind === 'file') {
      if (current) addSection(current, frame);
      continue;
    }
    current = parts[Number(frame.fields[0])];
    if (!current) continue;
    switch (frame.kind) {
      case 'state':
        current.state = frame.fields[1] ?? 'unreadable';
        break;
      case 'info':
        current.info = readInfo(frame.payload);
        break;
      case 'log':
        current.log = frame.payload;
        break;
      case 'raw':
        current.raw = frame.payload;
        break;
      case 'count':
        current.count = Number(frame.payload.trim()) || 0;
        break;
      case 'sizes':
        for (const line of frame.payload.split('\n')) {
          const [sha, size] = line.split(' ');
          if (sha && size && /^\d+$/.test(size)) current.sizes.set(sha, Number(size));
        }
        break;
      case 'staged':
        current.staged = new Set(frame.payload.split('\0').filter(Boolean));
        break;
      case 'failed':
        current.failure = frame.payload.trim();
        break;
    }
  }
  return parts;
}

function addSection(parts: Parts, frame: Frame): void {
  const [added, removed, state] = frame.fields;
  const path = sectionPath(frame.payload);
  if (path === null) return;
  const section: Section = {
    added: Number(added) || 0,
    removed: Number(removed) || 0,
    state: (state as DiffAvailability) ?? 'kept',
    patch: frame.payload,
  };
  // A change between a file and a symlink is printed as a deletion and a creation of the same path.
  const earlier = parts.sections.get(path);
  if (earlier) {
    earlier.added += section.added;
    earlier.removed += section.removed;
    earlier.patch += section.patch;
    if (earlier.state === 'kept') earlier.state = section.state;
  } else {
    parts.sections.set(path, section);
  }
}

function repositoryChanges(repo: WorkspaceRepository, parts: Parts, redact: Redact): RepositoryChanges {
  const name = repo.path || 'the workspace';
  const empty: RepositoryChanges = {
    path: repo.path,
    url: publicUrl(repo.url),
    state: 'ok',
    detail: '',
    branch: null,
    head: null,
    base: null,
    operation: 'none',
    ahead: 0,
    commits: [],
    files: [],
    moreFiles: 0,
    added: 0,
    removed: 0,
  };
  if (parts.state === 'missing') {
    return {
      ...empty,
      state: 'missing',
      detail: `${name} is gone: its folder was removed from the workspace.`,
    };
  }
  if (parts.state === 'not_a_repository') {
    return {
      ...empty,
      state: 'not_a_repository',
      detail: `${name} is no longer a git repository (its .git folder is gone).`,
    };
  }
  if (parts.state !== 'ok' || parts.failure !== null) {
    const why = parts.failure ? `: ${redact(parts.failure).slice(0, 500)}` : '';
    return { ...empty, state: 'unreadable', detail: `Could not read the changes in ${name}${why}` };
  }
  const ref = parts.info.get('branch') ?? '';
  const operation = operationOf(parts.info.get('operation') ?? 'none');
  const files = changedFiles(parts);
  return {
    ...empty,
    detail: operationDetail(parts.info.get('operation') ?? 'none', name),
    branch: ref ? redact(ref.replace(/^refs\/heads\//, '')).slice(0, 500) : null,
    head: sha(parts.info.get('head')),
    base: sha(parts.info.get('base')),
    baseBranch: redact(parts.info.get('baseBranch') ?? '').slice(0, 500) || null,
    operation,
    ahead: Number(parts.info.get('ahead')) || 0,
    commits: commits(parts.log, redact),
    files,
    moreFiles: Math.max(0, parts.count - files.length),
    added: files.reduce((n, f) => n + (f.added ?? 0), 0),
    removed: files.reduce((n, f) => n + (f.removed ?? 0), 0),
  };
}

function changedFiles(parts: Parts): ChangedFile[] {
  return parseRaw(parts.raw, MAX_CHANGED_FILES).map((entry) => changedFile(entry, parts));
}

function changedFile(entry: RawEntry, parts: Parts): ChangedFile {
  const status = STATUS[entry.status] ?? 'modified';
  const section = parts.sections.get(entry.path);
  const oldSize = parts.sizes.get(entry.oldSha) ?? 0;
  const newSize = status === 'deleted' ? null : (parts.sizes.get(entry.newSha) ?? null);
  const huge = oldSize > DIFF_SIZE_LIMIT || (newSize ?? 0) > DIFF_SIZE_LIMIT;
  let diff: DiffAvailability = section?.state ?? 'kept';
  let binary = diff === 'binary';
  // Git was told to treat files this large as binary, without reading them: they are too large, whatever they hold.
  if (binary && huge) {
    diff = 'too_large';
    binary = false;
  }
  const counted = !binary && !huge && section !== undefined;
  const isNew = status === 'added' || status === 'renamed' || status === 'copied';
  const modeChanged = status !== 'added' && status !== 'deleted' && entry.oldMode !== entry.newMode;
  return {
    path: entry.path,
    oldPath: entry.oldPath,
    status,
    untracked: isNew && !parts.staged.has(entry.path),
    added: counted ? section.added : null,
    removed: counted ? section.removed : null,
    binary,
    oldMode: modeChanged ? entry.oldMode : null,
    newMode: modeChanged ? entry.newMode : null,
    size: newSize,
    diff: section ? diff : 'omitted',
  };
}

function commits(log: string, redact: Redact): ChangeCommit[] {
  return log
    .split('\0')
    .map((record) => record.replace(/^\n/, '').split('\x1f'))
    .filter((f): f is [string, string, string, string] => f.length === 4 && sha(f[0]) !== null)
    .map(([hash, at, author, subject]) => ({
      sha: hash,
      subject: redact(subject).slice(0, 1000),
      author: redact(author).slice(0, 300),
      at: Number(at) * 1000,
    }));
}

function operationOf(op: string): GitOperation {
  if (op === 'am') return 'rebase';
  return (['merge', 'rebase', 'cherry_pick', 'revert', 'bisect'] as const).find((o) => o === op) ?? 'none';
}

export function operationDetail(op: string, name: string): string {
  switch (op) {
    case 'merge':
      return `A merge is in progress in ${name}: resolve the conflicts and commit, or run git merge --abort.`;
    case 'rebase':
      return `A rebase is in progress in ${name}: run git rebase --continue or git rebase --abort.`;
    case 'am':
      return `git am is applying patches in ${name}: run git am --continue or git am --abort.`;
    case 'cherry_pick':
      return `A cherry-pick is in progress in ${name}: run git cherry-pick --continue or git cherry-pick --abort.`;
    case 'revert':
      return `A revert is in progress in ${name}: run git revert --continue or git revert --abort.`;
    case 'bisect':
      return `A bisect is in progress in ${name}: run git bisect reset when it is done.`;
    default:
      return '';
  }
}

function sha(value: string | undefined): string | null {
  return value && /^[0-9a-f]{40,64}$/.test(value) ? value : null;
}

/** The URL without user or password; null for a local folder. */
export function publicUrl(url: string): string | null {
  if (url.startsWith('/') || /^file:/i.test(url) || !url) return null;
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1').slice(0, 2048);
}
