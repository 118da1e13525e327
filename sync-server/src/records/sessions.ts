// Session records: who owns a session, who may open it, and the change clock
// that lets clients cache the list and ask only for what changed.
import type {
  Session,
  SessionAccess,
  SessionFilter,
  SessionListItem,
  SessionOrigin,
  Visibility,
} from '@orrery/shared';
import { currentClock, nextClock, type Db } from '../store/db.js';
import type { Principal } from './accounts.js';

export interface SessionRow {
  id: string;
  org_id: string;
  owner_id: string;
  expert_id: string;
  environment_id: string | null;
  title: string;
  visibility: Visibility;
  archived: number;
  origin: SessionOrigin;
  trigger_id: string | null;
  auto_archive: number;
  created_at: number;
  updated_at: number;
  clock: number;
}

interface ListRow extends SessionRow {
  owner_name: string;
  expert_name: string | null;
  access: SessionAccess;
}

export type DocAccess = 'read-write' | 'read-only';

export function toSession(r: SessionRow): Session {
  return {
    id: r.id,
    orgId: r.org_id,
    ownerId: r.owner_id,
    expertId: r.expert_id,
    environmentId: r.environment_id,
    title: r.title,
    visibility: r.visibility,
    archived: r.archived === 1,
    origin: r.origin,
    triggerId: r.trigger_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    clock: r.clock,
  };
}

const toItem = (r: ListRow): SessionListItem => ({
  ...toSession(r),
  ownerName: r.owner_name,
  expertName: r.expert_name ?? 'Deleted Expert',
  access: r.access,
});

// Every query that lists sessions for a user goes through these two fragments,
// so the list, changes-since and single reads agree on who sees what.
const SELECT_ITEM = `
  SELECT s.*, u.name AS owner_name, json_extract(e.body, '$.name') AS expert_name,
    CASE WHEN s.owner_id = @me THEN 'owner' WHEN s.visibility = 'shared' THEN 'member' ELSE 'viewer' END AS access
  FROM sessions s JOIN users u ON u.id = s.owner_id LEFT JOIN experts e ON e.id = s.expert_id`;
const VISIBLE = `s.org_id = @org AND (s.owner_id = @me OR s.visibility = 'shared'
  OR EXISTS (SELECT 1 FROM grants g WHERE g.session_id = s.id AND g.user_id = @me))`;

const FILTERS: Record<SessionFilter, string> = {
  all: 's.archived = 0',
  mine: 's.owner_id = @me AND s.archived = 0',
  shared: 's.owner_id != @me AND s.archived = 0',
  archived: 's.archived = 1',
};

export interface NewSession {
  id: string;
  orgId: string;
  ownerId: string;
  expertId: string;
  environmentId: string | null;
  title: string;
  visibility: Visibility;
  origin: SessionOrigin;
  triggerId: string | null;
  autoArchive: boolean;
}

export class Sessions {
  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
  ) {}

  row(id: string): SessionRow | null {
    return this.db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id = ?').get(id) ?? null;
  }

  /** How a principal may use a session's document; null when not at all. */
  docAccess(principal: Principal, row: SessionRow): DocAccess | null {
    if (row.org_id !== principal.orgId) return null;
    if (principal.kind === 'service') return 'read-write';
    const access = this.accessOf(principal.user.id, row);
    if (access === null) return null;
    return access === 'owner' ? 'read-write' : 'read-only';
  }

  accessOf(userId: string, row: SessionRow): SessionAccess | null {
    if (row.owner_id === userId) return 'owner';
    if (row.visibility === 'shared') return 'member';
    return this.hasGrant(row.id, userId) ? 'viewer' : null;
  }

  hasGrant(sessionId: string, userId: string): boolean {
    return (
      this.db.prepare('SELECT 1 FROM grants WHERE session_id = ? AND user_id = ?').get(sessionId, userId) !==
      undefined
    );
  }

  create(input: NewSession): void {
    const now = this.clock();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO sessions (id, org_id, owner_id, expert_id, environment_id, title, visibility, archived, origin,
            trigger_id, auto_archive, created_at, updated_at, clock)
           VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          input.id,
          input.orgId,
          input.ownerId,
          input.expertId,
          input.environmentId,
          input.title,
          input.visibility,
          input.origin,
          input.triggerId,
          input.autoArchive ? 1 : 0,
          now,
          now,
          nextClock(this.db),
        );
    })();
  }

  /** The session as the user sees it in lists, or null when they may not open it. */
  item(userId: string, orgId: string, id: string): SessionListItem | null {
    const row = this.db
      .prepare<{ me: string; org: string; id: string }, ListRow>(
        `${SELECT_ITEM} WHERE s.id = @id AND ${VISIBLE}`,
      )
      .get({ me: userId, org: orgId, id });
    return row ? toItem(row) : null;
  }

  list(
    userId: string,
    orgId: string,
    query: { filter: SessionFilter; q?: string | undefined; limit: number; offset: number },
  ): { sessions: SessionListItem[]; total: number; clock: number } {
    const params = { me: userId, org: orgId, q: query.q?.trim() ? likePattern(query.q.trim()) : null };
    const where = `WHERE ${VISIBLE} AND ${FILTERS[query.filter]} AND (@q IS NULL OR s.title LIKE @q ESCAPE '\\')`;
    return this.db.transaction(() => {
      const total = (
        this.db
          .prepare<typeof params, { n: number }>(`SELECT COUNT(*) AS n FROM sessions s ${where}`)
          .get(params) ?? {
          n: 0,
        }
      ).n;
      const rows = this.db
        .prepare<typeof params & { limit: number; offset: number }, ListRow>(
          `${SELECT_ITEM} ${where} ORDER BY s.updated_at DESC, s.id LIMIT @limit OFFSET @offset`,
        )
        .all({ ...params, limit: query.limit, offset: query.offset });
      return { sessions: rows.map(toItem), total, clock: currentClock(this.db) };
    })();
  }

  changesSince(
    userId: string,
    orgId: string,
    since: number,
  ): { changed: SessionListItem[]; removed: string[]; clock: number } {
    return this.db.transaction(() => {
      const changed = this.db
        .prepare<{ me: string; org: string; since: number }, ListRow>(
          `${SELECT_ITEM} WHERE s.clock > @since AND ${VISIBLE} ORDER BY s.clock`,
        )
        .all({ me: userId, org: orgId, since })
        .map(toItem);
      const seen = new Set(changed.map((s) => s.id));
      const candidates = this.db
        .prepare<[string, number, string], { session_id: string }>(
          `SELECT DISTINCT session_id FROM session_removals
           WHERE org_id = ? AND clock > ? AND (user_id IS NULL OR user_id = ?)`,
        )
        .all(orgId, since, userId);
      const removed = candidates
        .map((r) => r.session_id)
        .filter((id) => !seen.has(id) && this.item(userId, orgId, id) === null);
      return { changed, removed, clock: currentClock(this.db) };
    })();
  }

  private touch(id: string, set: string, ...values: unknown[]): void {
    this.db
      .prepare(`UPDATE sessions SET ${set}, updated_at = ?, clock = ? WHERE id = ?`)
      .run(...values, this.clock(), nextClock(this.db), id);
  }

  private recordRemoval(row: SessionRow, userId: string | null): void {
    this.db
      .prepare('INSERT INTO session_removals (session_id, org_id, user_id, clock) VALUES (?, ?, ?, ?)')
      .run(row.id, row.org_id, userId, currentClock(this.db));
  }

  setTitle(id: string, title: string): void {
    this.db.transaction(() => this.touch(id, 'title = ?', title))();
  }

  setArchived(id: string, archived: boolean): void {
    this.db.transaction(() => this.touch(id, 'archived = ?', archived ? 1 : 0))();
  }

  setVisibility(row: SessionRow, visibility: Visibility): void {
    this.db.transaction(() => {
      this.touch(row.id, 'visibility = ?', visibility);
      if (visibility === 'private') this.recordRemoval(row, null);
    })();
  }

  grants(sessionId: string): { userId: string; name: string; email: string; grantedAt: number }[] {
    return this.db
      .prepare<[string], { user_id: string; name: string; email: string; created_at: number }>(
        `SELECT g.user_id, u.name, u.email, g.created_at FROM grants g JOIN users u ON u.id = g.user_id
         WHERE g.session_id = ? ORDER BY g.created_at`,
      )
      .all(sessionId)
      .map((r) => ({ userId: r.user_id, name: r.name, email: r.email, grantedAt: r.created_at }));
  }

  grant(row: SessionRow, userId: string, grantedBy: string): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO grants (session_id, user_id, granted_by, created_at) VALUES (?, ?, ?, ?)
           ON CONFLICT DO NOTHING`,
        )
        .run(row.id, userId, grantedBy, this.clock());
      this.touch(row.id, 'title = title');
    })();
  }

  /** Returns false when there was no such grant. */
  revoke(row: SessionRow, userId: string): boolean {
    return this.db.transaction(() => {
      const res = this.db
        .prepare('DELETE FROM grants WHERE session_id = ? AND user_id = ?')
        .run(row.id, userId);
      if (res.changes === 0) return false;
      this.touch(row.id, 'title = title');
      this.recordRemoval(row, userId);
      return true;
    })();
  }

  delete(row: SessionRow): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM grants WHERE session_id = ?').run(row.id);
      this.db.prepare('DELETE FROM sessions WHERE id = ?').run(row.id);
      nextClock(this.db);
      this.recordRemoval(row, null);
    })();
  }

  /** Every session id of an organisation with a turn that may need a runner (for the start-up sweep). */
  idsOfOrg(orgId: string): string[] {
    return this.db
      .prepare<[string], { id: string }>('SELECT id FROM sessions WHERE org_id = ?')
      .all(orgId)
      .map((r) => r.id);
  }
}

function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
