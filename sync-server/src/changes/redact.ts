// Takes a session's secret values out of what the runner reports about its
// changes and answers for its actions. The runner redacts too; the server does
// it again with the values it holds, on the way in and on the way out (a
// secret saved after a report is still kept out of its answers).
import type { ChangesReport, RepositoryChanges, SessionActionResult, ShipDraft } from '@orrery/shared';
import { redactValues } from '../auth/redact.js';

export type Redact = (text: string) => string;

export function redactorOf(values: readonly string[]): Redact {
  return values.length ? (text) => redactValues(text, values) : (text) => text;
}

/** Every text of a repository's summary; shas, modes and counts cannot carry a secret's text. */
export function redactRepository(r: RepositoryChanges, redact: Redact): RepositoryChanges {
  const maybe = (text: string | null) => (text === null ? null : redact(text));
  return {
    ...r,
    path: redact(r.path),
    url: maybe(r.url),
    detail: redact(r.detail),
    branch: maybe(r.branch),
    ...(r.baseBranch !== undefined ? { baseBranch: maybe(r.baseBranch) } : {}),
    commits: r.commits.map((c) => ({ ...c, subject: redact(c.subject), author: redact(c.author) })),
    files: r.files.map((f) => ({ ...f, path: redact(f.path), oldPath: maybe(f.oldPath) })),
  };
}

export function redactReport(report: ChangesReport, redact: Redact): ChangesReport {
  return {
    computedAt: report.computedAt,
    repositories: report.repositories.map((r) => redactRepository(r, redact)),
    diffs: report.diffs.map((d) => ({ repo: redact(d.repo), path: redact(d.path), patch: redact(d.patch) })),
  };
}

/** Every string of an action's answer but its sha (a commit's name is not text anyone wrote). */
export function redactResult<T extends SessionActionResult>(result: T, redact: Redact): T {
  return redactStrings(result, redact);
}

export function redactDraft(draft: ShipDraft, redact: Redact): ShipDraft {
  return redactStrings(draft, redact);
}

function redactStrings<T>(value: T, redact: Redact): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactStrings(v, redact)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        k === 'sha' ? v : redactStrings(v, redact),
      ]),
    ) as T;
  }
  return value;
}
