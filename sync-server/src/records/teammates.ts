// The people of an organisation as admins manage them: roles, deactivation,
// and giving a deactivated person's sessions to someone else. Every change
// that could leave the organisation without an active admin is checked in
// the same transaction as the change, with the organisation's row locked, so
// two admins demoting each other at once (on any instances) cannot both succeed.
import type { Member, Role } from '@orrery/shared';
import { sql, type ExpressionBuilder, type Transaction } from 'kysely';
import { currentClock, nextClock } from '../store/change-clock.js';
import { lockOrganisation } from './organisation-lock.js';
import type { Records } from '../store/database.js';
import type { Tables } from '../store/tables.js';

interface MemberRow {
  id: string;
  name: string;
  email: string;
  role: string;
  created_at: number;
  last_active_at: number | null;
  deactivated_at: number | null;
}

const toMember = (r: MemberRow): Member => ({
  id: r.id,
  name: r.name,
  email: r.email,
  role: r.role as Role,
  createdAt: r.created_at,
  lastActiveAt: r.last_active_at,
  deactivatedAt: r.deactivated_at,
});

// When someone was last active is when they last used any of their sign-ins
// (each token's last use is written at most once a minute as it is checked).
const lastActive = (eb: ExpressionBuilder<Tables, 'users'>) =>
  eb
    .selectFrom('tokens')
    .select((t) => t.fn.max('tokens.last_used_at').as('m'))
    .whereRef('tokens.user_id', '=', 'users.id')
    .where('tokens.kind', '=', 'user')
    .$castTo<number | null>()
    .as('last_active_at');

const membersOf = (db: Records) =>
  db.selectFrom('users').select(['id', 'name', 'email', 'role', 'created_at', 'deactivated_at', lastActive]);

/** Why a change was refused, for the route to put into words. */
export type Refusal = 'not-found' | 'last-admin' | 'deactivated';

export class Teammates {
  constructor(
    private readonly db: Records,
    private readonly clock: () => number,
  ) {}

  /** Everyone of the organisation: active people first, by name. */
  async list(orgId: string): Promise<Member[]> {
    const rows = await membersOf(this.db)
      .where('org_id', '=', orgId)
      .orderBy(sql`case when deactivated_at is null then 0 else 1 end`)
      .orderBy(sql`lower(name)`)
      .execute();
    return rows.map(toMember);
  }

  member(orgId: string, id: string, db: Records = this.db): Promise<Member | null> {
    return membersOf(db)
      .where('id', '=', id)
      .where('org_id', '=', orgId)
      .executeTakeFirst()
      .then((row) => (row ? toMember(row) : null));
  }

  async setRole(orgId: string, id: string, role: Role): Promise<Member | Refusal> {
    return this.db.transaction().execute(async (trx): Promise<Member | Refusal> => {
      await lockOrganisation(trx, orgId);
      const member = await this.member(orgId, id, trx);
      if (!member) return 'not-found';
      const demotesActiveAdmin = member.role === 'admin' && role !== 'admin' && member.deactivatedAt === null;
      if (demotesActiveAdmin && !(await otherAdmin(trx, orgId, id))) return 'last-admin';
      await trx.updateTable('users').set({ role }).where('id', '=', id).execute();
      return { ...member, role };
    });
  }

  /** Marks them deactivated; the caller revokes their sign-ins and closes their sockets. */
  async deactivate(orgId: string, id: string): Promise<Member | Refusal> {
    return this.db.transaction().execute(async (trx): Promise<Member | Refusal> => {
      await lockOrganisation(trx, orgId);
      const member = await this.member(orgId, id, trx);
      if (!member) return 'not-found';
      if (member.deactivatedAt !== null) return member;
      if (member.role === 'admin' && !(await otherAdmin(trx, orgId, id))) return 'last-admin';
      const at = this.clock();
      await trx.updateTable('users').set({ deactivated_at: at }).where('id', '=', id).execute();
      return { ...member, deactivatedAt: at };
    });
  }

  async reactivate(orgId: string, id: string): Promise<Member | Refusal> {
    const member = await this.member(orgId, id);
    if (!member) return 'not-found';
    await this.db.updateTable('users').set({ deactivated_at: null }).where('id', '=', id).execute();
    return { ...member, deactivatedAt: null };
  }

  /**
   * Gives every session of `fromId` to `toId`. The new owner's viewer grants on
   * them are dropped (owning includes viewing), and the lists of everyone see
   * the change through the sessions' change clock. Returns the ids moved.
   */
  async reassignSessions(orgId: string, fromId: string, toId: string): Promise<string[] | Refusal> {
    return this.db.transaction().execute(async (trx): Promise<string[] | Refusal> => {
      const to = await this.member(orgId, toId, trx);
      if (!(await this.member(orgId, fromId, trx)) || !to) return 'not-found';
      if (to.deactivatedAt !== null) return 'deactivated';
      const rows = await trx
        .selectFrom('sessions')
        .select('id')
        .where('org_id', '=', orgId)
        .where('owner_id', '=', fromId)
        .execute();
      const ids = rows.map((r) => r.id);
      const now = this.clock();
      for (const id of ids) {
        const clock = await nextClock(trx);
        await trx
          .updateTable('sessions')
          .set({ owner_id: toId, updated_at: now, clock })
          .where('id', '=', id)
          .execute();
        await trx.deleteFrom('grants').where('session_id', '=', id).where('user_id', '=', toId).execute();
        // The former owner may no longer see a private one: their list is told.
        await trx
          .insertInto('session_removals')
          .values({ session_id: id, org_id: orgId, user_id: fromId, clock: await currentClock(trx) })
          .execute();
      }
      return ids;
    });
  }
}

/** Whether someone other than `except` is an active admin of the organisation. */
async function otherAdmin(trx: Transaction<Tables>, orgId: string, except: string): Promise<boolean> {
  const row = await trx
    .selectFrom('users')
    .select('id')
    .where('org_id', '=', orgId)
    .where('id', '<>', except)
    .where('role', '=', 'admin')
    .where('deactivated_at', 'is', null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
