// The people of an organisation as admins manage them: roles, deactivation,
// and giving a deactivated person's sessions to someone else. Every change
// that could leave the organisation without an active admin is checked in
// the same transaction as the change, so two admins demoting each other at
// once cannot both succeed.
import type { Member, Role } from '@orrery/shared';
import { currentClock, nextClock, type Db } from '../store/db.js';

interface MemberRow {
  id: string;
  name: string;
  email: string;
  role: Role;
  created_at: number;
  last_active_at: number | null;
  deactivated_at: number | null;
}

const toMember = (r: MemberRow): Member => ({
  id: r.id,
  name: r.name,
  email: r.email,
  role: r.role,
  createdAt: r.created_at,
  lastActiveAt: r.last_active_at,
  deactivatedAt: r.deactivated_at,
});

// When someone was last active is when they last used any of their sign-ins
// (each token's last use is written at most once a minute as it is checked).
const COLUMNS = `id, name, email, role, created_at, deactivated_at,
  (SELECT MAX(last_used_at) FROM tokens WHERE tokens.user_id = users.id AND kind = 'user') AS last_active_at`;

/** Why a change was refused, for the route to put into words. */
export type Refusal = 'not-found' | 'last-admin' | 'deactivated';

export class Teammates {
  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
  ) {}

  /** Everyone of the organisation: active people first, by name. */
  list(orgId: string): Member[] {
    return this.db
      .prepare<[string], MemberRow>(
        `SELECT ${COLUMNS} FROM users WHERE org_id = ?
         ORDER BY deactivated_at IS NOT NULL, name COLLATE NOCASE`,
      )
      .all(orgId)
      .map(toMember);
  }

  member(orgId: string, id: string): Member | null {
    const row = this.db
      .prepare<[string, string], MemberRow>(`SELECT ${COLUMNS} FROM users WHERE id = ? AND org_id = ?`)
      .get(id, orgId);
    return row ? toMember(row) : null;
  }

  /** Whether someone other than `except` is an active admin of the organisation. */
  private otherAdmin(orgId: string, except: string): boolean {
    return (
      this.db
        .prepare(
          `SELECT 1 FROM users WHERE org_id = ? AND id != ? AND role = 'admin' AND deactivated_at IS NULL LIMIT 1`,
        )
        .get(orgId, except) !== undefined
    );
  }

  setRole(orgId: string, id: string, role: Role): Member | Refusal {
    return this.db.transaction((): Member | Refusal => {
      const member = this.member(orgId, id);
      if (!member) return 'not-found';
      const demotesActiveAdmin = member.role === 'admin' && role !== 'admin' && member.deactivatedAt === null;
      if (demotesActiveAdmin && !this.otherAdmin(orgId, id)) return 'last-admin';
      this.db.prepare('UPDATE users SET role = ? WHERE id = ?').run(role, id);
      return { ...member, role };
    })();
  }

  /** Marks them deactivated; the caller revokes their sign-ins and closes their sockets. */
  deactivate(orgId: string, id: string): Member | Refusal {
    return this.db.transaction((): Member | Refusal => {
      const member = this.member(orgId, id);
      if (!member) return 'not-found';
      if (member.deactivatedAt !== null) return member;
      if (member.role === 'admin' && !this.otherAdmin(orgId, id)) return 'last-admin';
      const at = this.clock();
      this.db.prepare('UPDATE users SET deactivated_at = ? WHERE id = ?').run(at, id);
      return { ...member, deactivatedAt: at };
    })();
  }

  reactivate(orgId: string, id: string): Member | Refusal {
    const member = this.member(orgId, id);
    if (!member) return 'not-found';
    this.db.prepare('UPDATE users SET deactivated_at = NULL WHERE id = ?').run(id);
    return { ...member, deactivatedAt: null };
  }

  /**
   * Gives every session of `fromId` to `toId`. The new owner's viewer grants on
   * them are dropped (owning includes viewing), and the lists of everyone see
   * the change through the sessions' change clock. Returns the ids moved.
   */
  reassignSessions(orgId: string, fromId: string, toId: string): string[] | Refusal {
    return this.db.transaction((): string[] | Refusal => {
      const to = this.member(orgId, toId);
      if (!this.member(orgId, fromId) || !to) return 'not-found';
      if (to.deactivatedAt !== null) return 'deactivated';
      const ids = this.db
        .prepare<[string, string], { id: string }>(
          'SELECT id FROM sessions WHERE org_id = ? AND owner_id = ?',
        )
        .all(orgId, fromId)
        .map((r) => r.id);
      const now = this.clock();
      for (const id of ids) {
        this.db
          .prepare('UPDATE sessions SET owner_id = ?, updated_at = ?, clock = ? WHERE id = ?')
          .run(toId, now, nextClock(this.db), id);
        this.db.prepare('DELETE FROM grants WHERE session_id = ? AND user_id = ?').run(id, toId);
        // The former owner may no longer see a private one: their list is told.
        this.db
          .prepare('INSERT INTO session_removals (session_id, org_id, user_id, clock) VALUES (?, ?, ?, ?)')
          .run(id, orgId, fromId, currentClock(this.db));
      }
      return ids;
    })();
  }
}
