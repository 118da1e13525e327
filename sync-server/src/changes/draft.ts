// The ship dialog's proposal for one repository (ShipDraft): a commit message,
// a branch, a pull request's title and body, drafted from the session's title
// and conversation and the last changes report, and what stands in the way.
// People edit all of it before anything is sent.
import {
  BranchName,
  forgeOfHost,
  repositoryHost,
  sessionBranchName,
  type ChangesState,
  type Forge,
  type Repository,
  type RepositoryChanges,
  type ShipDraft,
  type TranscriptEntry,
} from '@orrery/shared';
import { shortTitle } from '../records/title.js';

/** A commit subject's customary length. */
const SUBJECT_CHARS = 72;
/** Changed files named in a commit message or pull request body; the rest are counted. */
const LISTED_FILES = 20;

export interface DraftInput {
  repo: string;
  sessionId: string;
  title: string;
  transcript: readonly TranscriptEntry[];
  /** The repository in the last report; null when none named it. */
  changes: RepositoryChanges | null;
  /** The Environment's definition of the repository; null when it has none (or the session no Environment). */
  repository: Repository | null;
  /** The repository credential that repository names, when it is usable for its host. */
  credential: { forge: Forge | null } | null;
  pushed: ChangesState['pushed'];
}

export function draftShip(input: DraftInput): ShipDraft {
  const users = input.transcript.flatMap((e) => (e.kind === 'user' && e.text.trim() ? [e.text.trim()] : []));
  const agent = [...input.transcript].reverse().find((e) => e.kind === 'agent' && e.text.trim());
  const summary = agent?.kind === 'agent' ? firstParagraph(agent.text) : '';
  // A title nobody changed is the first message cut short: the message says more in a subject's room.
  const named = input.title.trim() && (!users[0] || input.title !== shortTitle(users[0]));
  const subject = subjectOf((named ? input.title : users[0]) || 'Changes from an Orrery session');
  const files = fileList(input.changes);

  const commitMessage = [subject, summary, files ? `Changed files:\n${files}` : '']
    .filter(Boolean)
    .join('\n\n');
  const asked = users[0] ? quote(users[0]) : '';
  const body = [
    summary,
    asked ? `Asked in the session:\n\n${asked}` : '',
    files ? `Changed files:\n\n${files}` : '',
  ]
    .filter(Boolean)
    .join('\n\n')
    .slice(0, 65_536);

  const remote = remoteOf(input);
  const host = remote ? repositoryHost(remote) : undefined;
  const pullRequest = [...input.transcript]
    .reverse()
    .find((e) => e.kind === 'pull_request' && e.repo === input.repo);
  return {
    repo: input.repo,
    commitMessage: commitMessage.slice(0, 10_000),
    branch: input.pushed[input.repo]?.branch ?? sessionBranchName(input.title, input.sessionId),
    baseBranch: baseBranchOf(input),
    pullRequest: { title: subject, body },
    remote,
    forge: input.credential ? input.credential.forge : host ? forgeOfHost(host) : null,
    blocked: blockedBy(input, remote, host),
    pullRequestUrl: pullRequest?.kind === 'pull_request' ? pullRequest.url : null,
  };
}

/** Where pull requests go: the branch the session started on, else the branch the Environment names. */
function baseBranchOf(input: DraftInput): string | null {
  for (const candidate of [input.changes?.baseBranch, input.repository?.ref]) {
    if (candidate && BranchName.safeParse(candidate).success) return candidate;
  }
  return null;
}

/** The remote's URL without a user or password; null for a local folder (nowhere to push). */
function remoteOf(input: DraftInput): string | null {
  const url = input.changes?.url ?? input.repository?.url ?? null;
  if (!url || !repositoryHost(url)) return null;
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

function blockedBy(input: DraftInput, remote: string | null, host: string | undefined): string | null {
  const c = input.changes;
  if (c && c.state !== 'ok') return c.detail || 'This repository cannot be read now.';
  if (!c || (c.files.length === 0 && c.moreFiles === 0 && c.ahead === 0))
    return 'There is nothing to ship yet: nothing changed in this repository since the session started.';
  if (!remote || !host)
    return 'This repository has no remote to push to (it is a local folder); download the patch instead.';
  if (!input.credential)
    return `The Environment names no repository credential for ${host} on this repository; add one under Settings → Repository credentials and name it on the repository.`;
  return null;
}

function subjectOf(text: string): string {
  const line = text.split('\n')[0]!.trim().replace(/\s+/g, ' ');
  if (line.length <= SUBJECT_CHARS) return line;
  const cut = line.slice(0, SUBJECT_CHARS + 1);
  const space = cut.lastIndexOf(' ');
  return (space > SUBJECT_CHARS / 2 ? cut.slice(0, space) : cut.slice(0, SUBJECT_CHARS)).trim();
}

function firstParagraph(text: string): string {
  return (text.trim().split(/\n\s*\n/)[0] ?? '').trim().slice(0, 2_000);
}

function quote(text: string): string {
  const short = text.length > 1_000 ? `${text.slice(0, 1_000)}…` : text;
  return short
    .split('\n')
    .map((line) => `> ${line}`.trimEnd())
    .join('\n');
}

function fileList(changes: RepositoryChanges | null): string {
  if (!changes) return '';
  const listed = changes.files.slice(0, LISTED_FILES).map((f) => {
    const counts = f.added === null ? 'binary' : `+${f.added} −${f.removed ?? 0}`;
    return `- ${f.path} (${f.status}, ${counts})`;
  });
  const more = changes.files.length - listed.length + changes.moreFiles;
  if (more > 0) listed.push(`- … and ${more} more`);
  return listed.join('\n');
}
