// What the changes routes read about a session besides its record: the secret
// values its answers are redacted with, its Environment, and its document
// (turn, checkpoints, pushed branches, the conversation).
import {
  SessionDoc,
  sessionDocName,
  type Checkpoint,
  type ChangesState,
  type Environment,
  type Repository,
  type RepositoryChanges,
  type ShipDraft,
  type TranscriptEntry,
} from '@orrery/shared';
import type { SessionRow } from '../records/sessions.js';
import type { Services } from '../services.js';
import { draftShip } from './draft.js';
import { redactorOf, type Redact } from './redact.js';

/**
 * The session owner's secrets and the repository credentials its Environment
 * names: what a runner holds for the session, so what its reports could carry.
 */
export async function redactorFor(s: Services, row: SessionRow): Promise<Redact> {
  const environment = await environmentOf(s, row);
  const credentials = await s.repositoryCredentials.forRunner(
    row.org_id,
    row.owner_id,
    environment?.repositories ?? [],
  );
  return redactorOf([
    ...Object.values(await s.secrets.forSession(row.org_id, row.owner_id)),
    ...Object.values(credentials).map((c) => c.value),
  ]);
}

export async function environmentOf(s: Services, row: SessionRow): Promise<Environment | null> {
  return row.environment_id ? s.catalog.environmentForRunner(row.org_id, row.environment_id) : null;
}

export interface DocState {
  /** The turn runs (or stops) in the document. */
  turnActive: boolean;
  checkpoints: Checkpoint[];
  pushed: ChangesState['pushed'];
  transcript: TranscriptEntry[];
}

export function readDoc(s: Services, row: SessionRow): Promise<DocState> {
  return s.hub.read(sessionDocName(row.id), (doc) => {
    const session = new SessionDoc(doc);
    return {
      turnActive: session.turn().state !== 'idle',
      checkpoints: session.checkpoints(),
      pushed: session.changes().pushed,
      transcript: session.transcript(),
    };
  });
}

/**
 * The Environment's repository a reported one stands for: the one cloned into
 * that folder (its path, else its URL's last part) or with that URL.
 */
export function repositoryAt(
  environment: Environment | null,
  repo: string,
  url: string | null,
): Repository | null {
  const bare = (u: string) => u.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
  const folder = (r: Repository) =>
    r.path ??
    r.url
      .replace(/[?#].*$/, '')
      .replace(/\/+$/, '')
      .split(/[/:]/)
      .pop()
      ?.replace(/\.git$/, '');
  const repositories = environment?.repositories ?? [];
  return (
    repositories.find((r) => folder(r) === repo) ??
    (url ? repositories.find((r) => bare(r.url) === url) : undefined) ??
    null
  );
}

/** The ship draft of one repository of the session, unredacted; null when the session has no such repository. */
export async function shipDraftOf(
  s: Services,
  row: SessionRow,
  repo: string,
  doc: DocState,
  repositories: readonly RepositoryChanges[],
): Promise<ShipDraft | null> {
  const changes = repositories.find((r) => r.path === repo) ?? null;
  const repository = repositoryAt(await environmentOf(s, row), repo, changes?.url ?? null);
  if (!changes && !repository) return null;
  return draftShip({
    repo,
    sessionId: row.id,
    title: row.title,
    transcript: doc.transcript,
    changes,
    repository,
    credential: repository
      ? await s.repositoryCredentials.forRepository(row.org_id, row.owner_id, repository)
      : null,
    pushed: doc.pushed,
  });
}
