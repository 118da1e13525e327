// One-time invitation links. The token is shown once to the admin who made
// it; only its sha256 is stored, so a copy of the database opens no account.
// Accepting claims the invitation and creates the account in one transaction:
// the claim is one UPDATE that only a pending invitation passes, so a link
// used twice at once (on one instance or two) makes one account.
import { INVITATION_TTL_MS, type Invitation, type Role, type User } from '@orrery/shared';
import type { Transaction } from 'kysely';
import { hashToken, newId, newToken } from '../auth/secrets.js';
import type { Records } from '../store/database.js';
import type { Tables } from '../store/tables.js';
import { insertUser } from './accounts.js';
import { lockOrganisation } from './organisation-lock.js';

export interface InvitationRow {
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

const withInviter = (db: Records) =>
  db
    .selectFrom('invitations as i')
    .innerJoin('users as u', 'u.id', 'i.invited_by')
    .select([
      'i.id',
      'i.org_id',
      'i.email',
      'i.role',
      'i.invited_by',
      'u.name as inviter_name',
      'i.created_at',
      'i.expires_at',
      'i.revoked_at',
      'i.accepted_at',
    ])
    .$narrowType<{ role: Role }>();

/** Thrown inside accept's transaction to undo the claim when the email has an account. */
class Taken extends Error {}

export class Invitations {
  constructor(
    private readonly db: Records,
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

  /** A new link for this email; an earlier link still pending for it stops working (one pending link per email). */
  async create(by: User, email: string, role: Role): Promise<{ invitation: Invitation; token: string }> {
    const token = newToken();
    const id = newId();
    const now = this.clock();
    await this.db.transaction().execute(async (trx) => {
      // Two admins inviting one email at once: the second waits, then revokes the first's link.
      await lockOrganisation(trx, by.orgId);
      await trx
        .updateTable('invitations')
        .set({ revoked_at: now })
        .where('org_id', '=', by.orgId)
        .where('email', '=', email)
        .where('revoked_at', 'is', null)
        .where('accepted_at', 'is', null)
        .execute();
      await trx
        .insertInto('invitations')
        .values({
          id,
          org_id: by.orgId,
          email,
          role,
          token_hash: hashToken(token),
          invited_by: by.id,
          created_at: now,
          expires_at: now + INVITATION_TTL_MS,
        })
        .execute();
    });
    const row = await withInviter(this.db).where('i.id', '=', id).executeTakeFirstOrThrow();
    return { invitation: this.toInvitation(row), token };
  }

  /** Pending, expired and accepted invitations, newest first (revoked ones are gone). */
  async list(orgId: string): Promise<Invitation[]> {
    const rows = await withInviter(this.db)
      .where('i.org_id', '=', orgId)
      .where('i.revoked_at', 'is', null)
      .orderBy('i.created_at', 'desc')
      .execute();
    return rows.map((r) => this.toInvitation(r));
  }

  /** The organisation of the account with this email, if there is one (emails are unique on a server). */
  async organisationOfEmail(email: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('users')
      .select('org_id')
      .where('email', '=', email)
      .executeTakeFirst();
    return row?.org_id ?? null;
  }

  /** Revokes an invitation not yet accepted; false when there is none. */
  async revoke(orgId: string, id: string): Promise<boolean> {
    const { numUpdatedRows } = await this.db
      .updateTable('invitations')
      .set({ revoked_at: this.clock() })
      .where('id', '=', id)
      .where('org_id', '=', orgId)
      .where('revoked_at', 'is', null)
      .where('accepted_at', 'is', null)
      .executeTakeFirst();
    return numUpdatedRows > 0n;
  }

  async byToken(token: string, db: Records = this.db): Promise<TokenState> {
    const row = await withInviter(db).where('i.token_hash', '=', hashToken(token)).executeTakeFirst();
    if (!row) return { state: 'unknown' };
    if (row.revoked_at !== null) return { state: 'revoked', row };
    if (row.accepted_at !== null) return { state: 'accepted', row };
    if (row.expires_at <= this.clock()) return { state: 'expired', row };
    return { state: 'pending', row };
  }

  /**
   * Claims a pending invitation and makes its account, or returns why not.
   * `passwordHash` is computed before (scrypt is slow, and no transaction waits on it).
   */
  async accept(
    token: string,
    name: string,
    passwordHash: string,
  ): Promise<User | Exclude<TokenState['state'], 'pending'> | 'taken'> {
    try {
      return await this.db.transaction().execute((trx) => this.claim(trx, token, name, passwordHash));
    } catch (err) {
      if (err instanceof Taken) return 'taken';
      throw err;
    }
  }

  private async claim(
    trx: Transaction<Tables>,
    token: string,
    name: string,
    passwordHash: string,
  ): Promise<User | Exclude<TokenState['state'], 'pending'>> {
    const found = await this.byToken(token, trx);
    if (found.state !== 'pending') return found.state;
    const { row } = found;
    const now = this.clock();
    // A second accept at the same time waits on this row, then finds it accepted.
    const claimed = await trx
      .updateTable('invitations')
      .set({ accepted_at: now })
      .where('id', '=', row.id)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (claimed.numUpdatedRows === 0n) return 'accepted';
    const user = await insertUser(
      trx,
      { orgId: row.org_id, email: row.email, name, role: row.role },
      passwordHash,
      now,
    );
    if (!user) throw new Taken();
    await trx.updateTable('invitations').set({ accepted_by: user.id }).where('id', '=', row.id).execute();
    return user;
  }
}
