// A pull request the session opened: a small card in the conversation, and
// the newest one as a link in the session's header. Only a web address is
// ever a link (the entry reader drops the rest; this checks again).
import type { PullRequestEntry, TranscriptEntry } from '@orrery/shared';
import { ExternalLinkIcon } from '../../common/icons.js';
import { displayName } from '../../common/display-name.js';

export function webUrlOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** "PR #12" on GitHub, "MR !3" on GitLab, as each forge names them. */
export function pullRequestLabel(pr: Pick<PullRequestEntry, 'forge' | 'number'>): string {
  return pr.forge === 'gitlab' ? `MR !${pr.number}` : `PR #${pr.number}`;
}

export function newestPullRequest(entries: readonly TranscriptEntry[]): PullRequestEntry | null {
  for (let i = entries.length - 1; i >= 0; i -= 1) {
    const e = entries[i]!;
    if (e.kind === 'pull_request' && webUrlOf(e.url)) return e;
  }
  return null;
}

function PullRequestLinkText({ pr }: { pr: PullRequestEntry }) {
  const href = webUrlOf(pr.url);
  const label = pullRequestLabel(pr);
  if (!href) return <span>{label}</span>;
  return (
    <a className="pr-link" href={href} target="_blank" rel="noopener noreferrer" title={pr.url}>
      {label}
      <ExternalLinkIcon />
      <span className="visually-hidden"> (opens in a new tab)</span>
    </a>
  );
}

export function PullRequestHeaderLink({ pr }: { pr: PullRequestEntry }) {
  return (
    <span className="session-pr">
      <PullRequestLinkText pr={pr} />
    </span>
  );
}

export function PullRequestCard({ entry }: { entry: PullRequestEntry }) {
  const what = entry.forge === 'gitlab' ? 'merge request' : 'pull request';
  return (
    <article className="entry pr-card" aria-label={`Opened ${pullRequestLabel(entry)}`}>
      <div className="pr-card-head">
        <span className="muted">Opened a {what}</span> <PullRequestLinkText pr={entry} />
      </div>
      <div className="pr-card-title">{displayName(entry.title)}</div>
      <div className="pr-card-meta muted">
        <code>{displayName(entry.branch)}</code>
        {entry.repo && (
          <>
            {' '}
            in <code>{displayName(entry.repo)}</code>
          </>
        )}
      </div>
    </article>
  );
}
