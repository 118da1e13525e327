// The composition root: records, the job queue and the sync hub, wired so
// that a change to a session document reaches the job queue and a change to
// access reaches the open sockets.
import { SessionDoc, parseDocName, sessionDocName, userDocName } from '@orrery/shared';
import path from 'node:path';
import type * as Y from 'yjs';
import { EngineBoard } from './engines/engine-board.js';
import { ModelSettings } from './records/model-settings.js';
import { JobQueue } from './jobs/queue.js';
import type { Logger } from './log.js';
import { localBus, type Bus } from './cluster/bus.js';
import { Accounts, type Principal } from './records/accounts.js';
import { Attachments } from './records/attachments.js';
import { Builds } from './records/builds.js';
import { ChangesRecords } from './records/changes.js';
import { Catalog } from './records/catalog.js';
import { Sessions, type DocAccess } from './records/sessions.js';
import { Secrets } from './records/secrets.js';
import { RepositoryCredentials } from './records/repository-credentials.js';
import { Triggers } from './records/triggers.js';
import { Invitations } from './records/invitations.js';
import { Teammates } from './records/teammates.js';
import { SecretBox, loadSecretsKey } from './auth/secret-box.js';
import { loadInstallationId } from './installation.js';
import type { Database } from './store/database.js';
import type { DocStore } from './store/doc-store.js';
import type { Fanout } from './sync/fanout.js';
import { DEFAULT_SYNC_LIMITS, SyncHub, type SyncLimits } from './sync/hub.js';

type TurnWanted = 'queued' | 'unfinished' | null;

export interface ServiceDeps {
  /** The records and the document log: SQLite or PostgreSQL (store/database.ts). */
  database: Database;
  docs: DocStore;
  /** 0.1's attachment files are read from <dataDir>/attachments. */
  dataDir: string;
  log: Logger;
  clock?: () => number;
  limits?: Partial<SyncLimits>;
  /** The key secrets are sealed with; by default <dataDir>/secrets.key, made on first use. */
  secretsKey?: Buffer;
  /** Tells this installation's snapshots from others'; by default <dataDir>/installation-id, made on first use. */
  installationId?: string;
  /** Control events between sync-server instances (cluster/bus.ts); by default this process alone. */
  bus?: Bus;
  /** Document updates between instances (sync/fanout.ts); none in one process. */
  fanout?: Fanout;
}

export interface Services {
  database: Database;
  /** Control events between instances: every instance's subscribers hear each event. */
  bus: Bus;
  log: Logger;
  clock: () => number;
  accounts: Accounts;
  sessions: Sessions;
  catalog: Catalog;
  attachments: Attachments;
  triggers: Triggers;
  secrets: Secrets;
  repositoryCredentials: RepositoryCredentials;
  /** Environment builds and their logs. */
  builds: Builds;
  /** Handed to runners in each session's context (see installation.ts). */
  installationId: string;
  jobs: JobQueue;
  /** The organisation's stored model provider keys and allowed base URLs. */
  modelSettings: ModelSettings;
  /** What runners last said about their Docker engines. */
  engines: EngineBoard;
  hub: SyncHub;
  docAccess(principal: Principal, docName: string): Promise<DocAccess | null>;
  /** Queues a session's turn unless the session is gone (also when it goes meanwhile); false then. */
  queueTurn(sessionId: string): Promise<boolean>;
  /**
   * After a restart: sessions whose documents changed since their last
   * snapshot (the ones active before the stop) get the turn job they need,
   * in case the process died before it was queued. Returns how many were queued.
   */
  recoverTurns(): Promise<number>;
  close(): Promise<void>;
  /** Roles, deactivation and reassigning sessions (admins). */
  teammates: Teammates;
  invitations: Invitations;
  /** The runner's last report of each session's changes. */
  changes: ChangesRecords;
}

export function createServices(deps: ServiceDeps): Services {
  const clock = deps.clock ?? Date.now;
  const bus = deps.bus ?? localBus(deps.log);
  const accounts = new Accounts(deps.database.db, clock);
  const sessions = new Sessions(deps.database.db, clock);
  const catalog = new Catalog(deps.database.db, clock);
  // Only an embedded install can have 0.1's attachment files; on PostgreSQL every byte is in the database.
  const legacyAttachments = deps.database.engine === 'sqlite' ? path.join(deps.dataDir, 'attachments') : null;
  const attachments = new Attachments(deps.database.db, legacyAttachments, clock);
  const triggers = new Triggers(deps.database.db, clock);
  const builds = new Builds(deps.database.db, clock, bus);
  const secretBox = new SecretBox(deps.secretsKey ?? loadSecretsKey(deps.dataDir));
  const secrets = new Secrets(deps.database.db, secretBox, clock, deps.log);
  const repositoryCredentials = new RepositoryCredentials(deps.database.db, secretBox, clock, deps.log);
  const modelSettings = new ModelSettings(deps.database.db, secretBox, clock, deps.log);
  const installationId = deps.installationId ?? loadInstallationId(deps.dataDir);

  const docAccess = async (principal: Principal, name: string): Promise<DocAccess | null> => {
    const doc = parseDocName(name);
    if (!doc) return null;
    if (doc.kind === 'user')
      return principal.kind === 'user' && principal.user.id === doc.id ? 'read-write' : null;
    const row = await sessions.row(doc.id);
    return row ? sessions.docAccess(principal, row) : null;
  };

  // A delete that lands between reading the row and queueing has dropped the
  // session's turns already: a turn queued after it is dropped here.
  const queueTurn = async (sessionId: string): Promise<boolean> => {
    const row = await sessions.row(sessionId);
    if (!row) return false;
    await jobs.enqueue(row.org_id, 'turn', sessionId);
    if (await sessions.row(sessionId)) return true;
    await jobs.dropTurns(sessionId);
    return false;
  };

  // What a session document says about turns, read synchronously inside the
  // hub's callback; the records are asked afterwards (ensureTurn).
  const turnWanted = (doc: Y.Doc): TurnWanted => {
    const session = new SessionDoc(doc);
    if (session.queue().length > 0) return 'queued';
    return session.turn().state !== 'idle' ? 'unfinished' : null;
  };
  // A session needs a runner when messages wait in its queue, or when its turn
  // says "running" but no runner holds the lease (it was interrupted).
  const needsTurn = async (sessionId: string, wanted: TurnWanted): Promise<boolean> =>
    wanted === 'queued' || (wanted === 'unfinished' && !(await jobs.hasLiveTurn(sessionId)));
  // Runs after every change to a session document: the cheap checks come first.
  const ensureTurn = async (sessionId: string, wanted: TurnWanted): Promise<void> => {
    if (!(await needsTurn(sessionId, wanted)) || (await jobs.hasOpenTurn(sessionId))) return;
    await queueTurn(sessionId);
  };
  const checkTurn = (sessionId: string, wanted: TurnWanted, when: string) => {
    if (!wanted) return;
    ensureTurn(sessionId, wanted).catch((err: unknown) =>
      deps.log.error(`jobs: could not check session ${sessionId} ${when}: ${String(err)}`),
    );
  };

  const jobs: JobQueue = new JobQueue(
    deps.database,
    clock,
    bus,
    async (sessionId) => {
      try {
        if (!(await sessions.row(sessionId))) return;
        const wanted = await hub.read(sessionDocName(sessionId), turnWanted);
        if (wanted) await ensureTurn(sessionId, wanted);
      } catch (err) {
        deps.log.error(`jobs: could not check session ${sessionId} after its turn: ${String(err)}`);
      }
    },
    (message) => deps.log.error(message),
  );

  jobs.onBuildDone = async (buildId, outcome, detail) => builds.jobEnded(buildId, outcome, detail);

  const hub: SyncHub = new SyncHub({
    store: deps.docs,
    bus,
    ...(deps.fanout ? { fanout: deps.fanout } : {}),
    log: deps.log,
    limits: { ...DEFAULT_SYNC_LIMITS, ...deps.limits },
    resolve: (token) => accounts.resolve(token),
    access: docAccess,
    tokenLive: (id) => accounts.tokenLive(id),
    clock,
    onChanged: (name, doc) => {
      const parsed = parseDocName(name);
      if (parsed?.kind === 'session') checkTurn(parsed.id, turnWanted(doc), 'after a change');
    },
    ownerOf: async (name) => {
      const parsed = parseDocName(name);
      if (!parsed) return null;
      return parsed.kind === 'user' ? parsed.id : ((await sessions.row(parsed.id))?.owner_id ?? null);
    },
    docsOf: async (userId) => [
      userDocName(userId),
      ...(await sessions.idsOwnedBy(userId)).map(sessionDocName),
    ],
  });

  return {
    database: deps.database,
    bus,
    log: deps.log,
    clock,
    accounts,
    sessions,
    catalog,
    attachments,
    triggers,
    secrets,
    repositoryCredentials,
    modelSettings,
    builds,
    installationId,
    jobs,
    engines: new EngineBoard(clock),
    hub,
    docAccess,
    queueTurn,
    async recoverTurns() {
      const names = await deps.docs.loggedNames('session/');
      let queued = 0;
      for (const name of names) {
        const id = parseDocName(name)?.id;
        if (!id || !(await sessions.row(id))) continue;
        // queueTurn reads the row again: a session deleted meanwhile gets no turn.
        if ((await needsTurn(id, await hub.read(name, turnWanted))) && (await queueTurn(id))) queued += 1;
      }
      return queued;
    },
    async close() {
      await jobs.close();
      builds.close();
      await hub.close();
    },
    teammates: new Teammates(deps.database.db, clock),
    invitations: new Invitations(deps.database.db, clock),
    changes: new ChangesRecords(deps.database.db, clock, deps.database.engine),
  };
}
