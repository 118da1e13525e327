// Session records: who owns a session, who may open it, and the change clock
// that lets clients cache the list and ask only for what changed.
//
// Every write that moves a session's clock takes the next clock value first,
// in the same transaction: on PostgreSQL that row lock orders the writers (and
// always being taken first, it cannot deadlock with a session row), so a
// reader that saw clock C has seen every change up to C.
import type {
  Session,
  SessionAccess,
  SessionFilter,
  SessionListItem,
  SessionOrigin,
  Visibility,
} from '@orrery/shared';
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { currentClock, nextClock } from '../store/change-clock.js';
import type { Records } from '../store/database.js';
import type { Tables } from '../store/tables.js';
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

type SessionsEb = ExpressionBuilder<Tables & { s: Tables['sessions'] }, 's'>;

// Every query that lists sessions for a user goes through these conditions,
// so the list, changes-since and single reads agree on who sees what.
const visible =
  (me: string, org: string) =>
  (eb: SessionsEb): Expression<SqlBool> =>
    eb.and([
      eb('s.org_id', '=', org),
      eb.or([
        eb('s.owner_id', '=', me),
        eb('s.visibility', '=', 'shared'),
        eb.exists(
          eb
            .selectFrom('grants as g')
            .select('g.user_id')
            .whereRef('g.session_id', '=', 's.id')
            .where('g.user_id', '=', me),
        ),
      ]),
    ]);

const FILTERS: Record<SessionFilter, (me: string) => (eb: SessionsEb) => Expression<SqlBool>> = {
  all: () => (eb) => eb('s.archived', '=', 0),
  mine: (me) => (eb) => eb.and([eb('s.owner_id', '=', me), eb('s.archived', '=', 0)]),
  shared: (me) => (eb) => eb.and([eb('s.owner_id', '!=', me), eb('s.archived', '=', 0)]),
  archived: () => (eb) => eb('s.archived', '=', 1),
};

/** A title search: case-insensitive on both engines (SQLite's LIKE is, PostgreSQL's is not). */
const titleMatches =
  (q: string) =>
  (eb: SessionsEb): Expression<SqlBool> =>
    eb(sql`lower(${eb.ref('s.title')})`, 'like', sql`lower(${likePattern(q)}) escape '\\'`);

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
    private readonly db: Records,
    private readonly clock: () => number,
  ) {}

  async row(id: string): Promise<SessionRow | null> {
    const row = await this.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return (row as SessionRow | undefined) ?? null;
  }

  /** How a principal may use a session's document; null when not at all. */
  async docAccess(principal: Principal, row: SessionRow): Promise<DocAccess | null> {
    if (row.org_id !== principal.orgId) return null;
    if (principal.kind === 'service') return 'read-write';
    const access = await this.accessOf(principal.user.id, row);
    if (access === null) return null;
    return access === 'owner' ? 'read-write' : 'read-only';
  }

  async accessOf(userId: string, row: SessionRow): Promise<SessionAccess | null> {
    if (row.owner_id === userId) return 'owner';
    if (row.visibility === 'shared') return 'member';
    return (await this.hasGrant(row.id, userId)) ? 'viewer' : null;
  }

  async hasGrant(sessionId: string, userId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('grants')
      .select('user_id')
      .where('session_id', '=', sessionId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async create(input: NewSession): Promise<void> {
    const now = this.clock();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('sessions')
        .values({
          id: input.id,
          org_id: input.orgId,
          owner_id: input.ownerId,
          expert_id: input.expertId,
          environment_id: input.environmentId,
          title: input.title,
          visibility: input.visibility,
          archived: 0,
          origin: input.origin,
          trigger_id: input.triggerId,
          auto_archive: input.autoArchive ? 1 : 0,
          created_at: now,
          updated_at: now,
          clock: await nextClock(trx),
        })
        .execute();
    });
  }

  /** Sessions with their owner's and Expert's names and the user's access, as lists show them. */
  private items(me: string, org: string) {
    return this.db
      .selectFrom('sessions as s')
      .where(visible(me, org))
      .innerJoin('users as u', 'u.id', 's.owner_id')
      .leftJoin('experts as e', 'e.id', 's.expert_id')
      .selectAll('s')
      .select((eb) => [
        'u.name as owner_name',
        'e.name as expert_name',
        eb
          .case()
          .when('s.owner_id', '=', me)
          .then('owner')
          .when('s.visibility', '=', 'shared')
          .then('member')
          .else('viewer')
          .end()
          .as('access'),
      ]);
  }

  /** The session as the user sees it in lists, or null when they may not open it. */
  async item(userId: string, orgId: string, id: string): Promise<SessionListItem | null> {
    const row = await this.items(userId, orgId).where('s.id', '=', id).executeTakeFirst();
    return row ? toItem(row as ListRow) : null;
  }

  async list(
    userId: string,
    orgId: string,
    query: { filter: SessionFilter; q?: string | undefined; limit: number; offset: number },
  ): Promise<{ sessions: SessionListItem[]; total: number; clock: number }> {
    // The clock is read first: whatever the rows show is at least that recent.
    const clock = await currentClock(this.db);
    const q = query.q?.trim();
    const filter = FILTERS[query.filter](userId);
    const search = (eb: SessionsEb) => (q ? titleMatches(q)(eb) : eb.lit(true));
    const [count, rows] = await Promise.all([
      this.db
        .selectFrom('sessions as s')
        .where(visible(userId, orgId))
        .where(filter)
        .where(search)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
      this.items(userId, orgId)
        .where(filter)
        .where(search)
        .orderBy('s.updated_at', 'desc')
        .orderBy('s.id')
        .limit(query.limit)
        .offset(query.offset)
        .execute(),
    ]);
    return { sessions: rows.map((r) => toItem(r as ListRow)), total: Number(count.n), clock };
  }

  async changesSince(
    userId: string,
    orgId: string,
    since: number,
  ): Promise<{ changed: SessionListItem[]; removed: string[]; clock: number }> {
    const clock = await currentClock(this.db);
    const changed = (
      await this.items(userId, orgId).where('s.clock', '>', since).orderBy('s.clock').execute()
    ).map((r) => toItem(r as ListRow));
    const seen = new Set(changed.map((s) => s.id));
    const candidates = await this.db
      .selectFrom('session_removals')
      .select('session_id')
      .distinct()
      .where('org_id', '=', orgId)
      .where('clock', '>', since)
      .where((eb) => eb.or([eb('user_id', 'is', null), eb('user_id', '=', userId)]))
      .execute();
    const unseen = candidates.map((r) => r.session_id).filter((id) => !seen.has(id));
    // A removal the user can see past (shared again, granted again) is no removal for them.
    const stillVisible = new Set(
      unseen.length === 0
        ? []
        : (
            await this.db
              .selectFrom('sessions as s')
              .where(visible(userId, orgId))
              .where('s.id', 'in', unseen)
              .select('s.id')
              .execute()
          ).map((r) => r.id),
    );
    return { changed, removed: unseen.filter((id) => !stillVisible.has(id)), clock };
  }

  /**
   * Changes a session and moves its clock, in one transaction with `more`;
   * false when the session is gone (nothing else is done then).
   */
  private async touch(
    id: string,
    set: { title?: string; archived?: number; visibility?: Visibility },
    more?: (trx: Records, clock: number) => Promise<void>,
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const clock = await nextClock(trx);
      const changed = await trx
        .updateTable('sessions')
        .set({ ...set, updated_at: this.clock(), clock })
        .where('id', '=', id)
        .returning('id')
        .executeTakeFirst();
      if (!changed) return false;
      if (more) await more(trx, clock);
      return true;
    });
  }

  private static async recordRemoval(
    trx: Records,
    row: SessionRow,
    userId: string | null,
    clock: number,
  ): Promise<void> {
    await trx
      .insertInto('session_removals')
      .values({ session_id: row.id, org_id: row.org_id, user_id: userId, clock })
      .execute();
  }

  /** Each returns false when the session is gone. */
  async setTitle(id: string, title: string): Promise<boolean> {
    return this.touch(id, { title });
  }

  async setArchived(id: string, archived: boolean): Promise<boolean> {
    return this.touch(id, { archived: archived ? 1 : 0 });
  }

  async setVisibility(row: SessionRow, visibility: Visibility): Promise<boolean> {
    return this.touch(row.id, { visibility }, async (trx, clock) => {
      if (visibility === 'private') await Sessions.recordRemoval(trx, row, null, clock);
    });
  }

  async grants(
    sessionId: string,
  ): Promise<{ userId: string; name: string; email: string; grantedAt: number }[]> {
    const rows = await this.db
      .selectFrom('grants as g')
      .innerJoin('users as u', 'u.id', 'g.user_id')
      .select(['g.user_id', 'u.name', 'u.email', 'g.created_at'])
      .where('g.session_id', '=', sessionId)
      .orderBy('g.created_at')
      .execute();
    return rows.map((r) => ({ userId: r.user_id, name: r.name, email: r.email, grantedAt: r.created_at }));
  }

  /** Idempotent; false when the session is gone. */
  async grant(row: SessionRow, userId: string, grantedBy: string): Promise<boolean> {
    // The session row is updated (and so locked) before the grant is added: a delete waits or wins.
    return this.touch(row.id, {}, async (trx) => {
      await trx
        .insertInto('grants')
        .values({ session_id: row.id, user_id: userId, granted_by: grantedBy, created_at: this.clock() })
        .onConflict((oc) => oc.columns(['session_id', 'user_id']).doNothing())
        .execute();
    });
  }

  /** Returns false when there was no such grant. */
  async revoke(row: SessionRow, userId: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const clock = await nextClock(trx);
      const res = await trx
        .deleteFrom('grants')
        .where('session_id', '=', row.id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (res.numDeletedRows === 0n) return false;
      await trx
        .updateTable('sessions')
        .set({ updated_at: this.clock(), clock })
        .where('id', '=', row.id)
        .execute();
      await Sessions.recordRemoval(trx, row, userId, clock);
      return true;
    });
  }

  /** Returns false when it was gone already. */
  async delete(row: SessionRow): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const clock = await nextClock(trx);
      await trx.deleteFrom('grants').where('session_id', '=', row.id).execute();
      const res = await trx.deleteFrom('sessions').where('id', '=', row.id).executeTakeFirst();
      if (res.numDeletedRows === 0n) return false;
      await Sessions.recordRemoval(trx, row, null, clock);
      return true;
    });
  }

  /** Every session id of an organisation with a turn that may need a runner (for the start-up sweep). */
  async idsOfOrg(orgId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('sessions').select('id').where('org_id', '=', orgId).execute();
    return rows.map((r) => r.id);
  }

  /** The ids of the sessions a user owns. */
  async idsOwnedBy(userId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('sessions').select('id').where('owner_id', '=', userId).execute();
    return rows.map((r) => r.id);
  }
}

function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
