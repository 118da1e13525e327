// One-time invitation links. The token is shown once to the admin who made
// it; only its sha256 is stored, so a copy of the database opens no account.
// Accepting claims the invitation and creates the account in one transaction:
// a link used twice at once makes one account.
import { INVITATION_TTL_MS, type Invitation, type Role, type User } from '@orrery/shared';
import { hashToken, newId, newToken } from '../auth/secrets.js';
import type { Db } from '../store/db.js';
import type { Accounts } from './accounts.js';

interface InvitationRow {
  id: string;
  org_id: string;
  email: string;
  role: Role;
  invited_by: string;
  inviter_name: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  accepted_at: number | null;
}

/** What a token stands for, as the invitee's page needs to know it. */
export type TokenState =
  | { state: 'pending'; row: InvitationRow }
  | { state: 'expired' | 'accepted' | 'revoked'; row: InvitationRow }
  | { state: 'unknown' };

const SELECT = `SELECT i.*, u.name AS inviter_name FROM invitations i JOIN users u ON u.id = i.invited_by`;

export class Invitations {
  constructor(
    private readonly db: Db,
    private readonly accounts: Accounts,
    private readonly clock: () => number,
  ) {}

  private toInvitation(r: InvitationRow): Invitation {
    return {
      id: r.id,
      email: r.email,
      role: r.role,
      status: r.accepted_at !== null ? 'accepted' : r.expires_at <= this.clock() ? 'expired' : 'pending',
      invitedBy: r.inviter_name,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      acceptedAt: r.accepted_at,
    };
  }

  /** A new link for this email; an earlier link still pending for it stops working. */
  create(by: User, email: string, role: Role): { invitation: Invitation; token: string } {
    const token = newToken();
    const id = newId();
    const now = this.clock();
    this.db.transaction(() => {
      this.db
        .prepare(
          `UPDATE invitations SET revoked_at = ?
           WHERE org_id = ? AND email = ? AND revoked_at IS NULL AND accepted_at IS NULL`,
        )
        .run(now, by.orgId, email);
      this.db
        .prepare(
          `INSERT INTO invitations (id, org_id, email, role, token_hash, invited_by, created_at, expires_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(id, by.orgId, email, role, hashToken(token), by.id, now, now + INVITATION_TTL_MS);
    })();
    return { invitation: this.toInvitation(this.row(id)!), token };
  }

  private row(id: string): InvitationRow | undefined {
    return this.db.prepare<[string], InvitationRow>(`${SELECT} WHERE i.id = ?`).get(id);
  }

  /** Pending, expired and accepted invitations, newest first (revoked ones are gone). */
  list(orgId: string): Invitation[] {
    return this.db
      .prepare<[string], InvitationRow>(
        `${SELECT} WHERE i.org_id = ? AND i.revoked_at IS NULL ORDER BY i.created_at DESC`,
      )
      .all(orgId)
      .map((r) => this.toInvitation(r));
  }

  /** The organisation of the account with this email, if there is one (emails are unique on a server). */
  organisationOfEmail(email: string): string | null {
    return (
      this.db.prepare<[string], { org_id: string }>('SELECT org_id FROM users WHERE email = ?').get(email)
        ?.org_id ?? null
    );
  }

  /** Revokes an invitation not yet accepted; false when there is none. */
  revoke(orgId: string, id: string): boolean {
    const res = this.db
      .prepare(
        `UPDATE invitations SET revoked_at = ?
         WHERE id = ? AND org_id = ? AND revoked_at IS NULL AND accepted_at IS NULL`,
      )
      .run(this.clock(), id, orgId);
    return res.changes > 0;
  }

  byToken(token: string): TokenState {
    const row = this.db
      .prepare<[Buffer], InvitationRow>(`${SELECT} WHERE i.token_hash = ?`)
      .get(hashToken(token));
    if (!row) return { state: 'unknown' };
    if (row.revoked_at !== null) return { state: 'revoked', row };
    if (row.accepted_at !== null) return { state: 'accepted', row };
    if (row.expires_at <= this.clock()) return { state: 'expired', row };
    return { state: 'pending', row };
  }

  /**
   * Claims a pending invitation and makes its account, or returns why not.
   * `passwordHash` is computed before (scrypt is slow and asynchronous).
   */
  accept(
    token: string,
    name: string,
    passwordHash: string,
  ): User | Exclude<TokenState['state'], 'pending'> | 'taken' {
    return this.db.transaction(() => {
      const found = this.byToken(token);
      if (found.state !== 'pending') return found.state;
      const { row } = found;
      if (this.accounts.emailTaken(row.email)) return 'taken' as const;
      const now = this.clock();
      const claimed = this.db
        .prepare(
          `UPDATE invitations SET accepted_at = ?
           WHERE id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?`,
        )
        .run(now, row.id, now);
      if (claimed.changes === 0) return 'accepted' as const;
      const user = this.accounts.insertUser(
        { orgId: row.org_id, email: row.email, name, role: row.role },
        passwordHash,
      );
      this.db.prepare('UPDATE invitations SET accepted_by = ? WHERE id = ?').run(user.id, row.id);
      return user;
    })();
  }
}
