// Organisations, users and bearer tokens (user sign-ins and runner service tokens).
import type { Organisation, Role, User } from '@orrery/shared';
import { sql, type Selectable } from 'kysely';
import { hashPassword, hashToken, newId, newToken, verifyPassword } from '../auth/secrets.js';
import type { Records } from '../store/database.js';
import type { Users } from '../store/tables.js';

export const USER_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** A sign-in's last use (and so its person's "last active") is written at most this often, so token use stays a read. */
const LAST_USED_GRAIN_MS = 60 * 1000;

/** Who a token speaks for; expiresAt is null for service tokens, which live until revoked. */
export type Principal =
  | { kind: 'user'; tokenId: string; orgId: string; expiresAt: number | null; user: User }
  | { kind: 'service'; tokenId: string; orgId: string; expiresAt: number | null; name: string };

/** The id of the organisation made on first run (fixed, so two instances starting at once make one). */
export const FIRST_ORGANISATION_ID = 'first-organisation';

/** An account with this email exists already (emails are unique on a server). */
export class EmailTakenError extends Error {
  constructor(readonly email: string) {
    super(`${email} already has an account.`);
  }
}

export const toUser = (r: Selectable<Users>): User => ({
  id: r.id,
  orgId: r.org_id,
  email: r.email,
  name: r.name,
  role: r.role as Role,
  createdAt: r.created_at,
});

const toOrganisation = (r: { id: string; name: string; created_at: number }): Organisation => ({
  id: r.id,
  name: r.name,
  createdAt: r.created_at,
});

export class Accounts {
  private dummy: Promise<string> | null = null;

  private dummyHash(): Promise<string> {
    return (this.dummy ??= hashPassword('not a password anyone has'));
  }

  constructor(
    private readonly db: Records,
    private readonly clock: () => number,
  ) {}

  async firstOrganisation(): Promise<Organisation | null> {
    const row = await this.db
      .selectFrom('organisations')
      .select(['id', 'name', 'created_at'])
      .orderBy('created_at')
      .limit(1)
      .executeTakeFirst();
    return row ? toOrganisation(row) : null;
  }

  async organisation(id: string): Promise<Organisation> {
    const row = await this.db
      .selectFrom('organisations')
      .select(['id', 'name', 'created_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new Error(`organisation ${id} does not exist`);
    return toOrganisation(row);
  }

  async createOrganisation(name: string): Promise<Organisation> {
    const org = { id: newId(), name, createdAt: this.clock() };
    await this.db
      .insertInto('organisations')
      .values({ id: org.id, name, created_at: org.createdAt })
      .execute();
    return org;
  }

  /**
   * First run: the organisation (under a fixed id) and its admin, in one
   * transaction. When two instances start on one database at once, the second
   * insert waits for the first and does nothing: it answers null, and that
   * instance uses what the first made.
   */
  async createFirstOrganisation(
    name: string,
    admin: { email: string; name: string; password: string },
  ): Promise<{ organisation: Organisation; admin: User } | null> {
    const hash = await hashPassword(admin.password);
    const now = this.clock();
    return this.db.transaction().execute(async (trx) => {
      const made = await trx
        .insertInto('organisations')
        .values({ id: FIRST_ORGANISATION_ID, name, created_at: now })
        .onConflict((oc) => oc.column('id').doNothing())
        .returning(['id', 'name', 'created_at'])
        .executeTakeFirst();
      if (!made) return null;
      const user = await insertUser(trx, { ...admin, orgId: made.id, role: 'admin' }, hash, now);
      if (!user) throw new EmailTakenError(admin.email);
      return { organisation: toOrganisation(made), admin: user };
    });
  }

  /** The organisation's longest-standing admin. */
  async firstAdmin(orgId: string): Promise<User | null> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('role', '=', 'admin')
      .orderBy('created_at')
      .limit(1)
      .executeTakeFirst();
    return row ? toUser(row) : null;
  }

  /** Throws EmailTakenError when the email has an account already (also when another request just made it). */
  async createUser(input: {
    orgId: string;
    email: string;
    name: string;
    role: Role;
    password: string;
  }): Promise<User> {
    const user = await insertUser(this.db, input, await hashPassword(input.password), this.clock());
    if (!user) throw new EmailTakenError(input.email);
    return user;
  }

  async emailTaken(email: string): Promise<boolean> {
    const row = await this.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
    return row !== undefined;
  }

  async user(id: string): Promise<User | null> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toUser(row) : null;
  }

  async isDeactivated(userId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('users')
      .select('id')
      .where('id', '=', userId)
      .where('deactivated_at', 'is not', null)
      .executeTakeFirst();
    return row !== undefined;
  }

  async renameOrganisation(id: string, name: string): Promise<Organisation> {
    const row = await this.db
      .updateTable('organisations')
      .set({ name })
      .where('id', '=', id)
      .returning(['id', 'name', 'created_at'])
      .executeTakeFirst();
    if (!row) throw new Error(`organisation ${id} does not exist`);
    return toOrganisation(row);
  }

  /** Revokes every live sign-in of a person; returns the token ids, whose sockets the caller closes. */
  async revokeUserTokens(userId: string): Promise<string[]> {
    const rows = await this.db
      .updateTable('tokens')
      .set({ revoked_at: this.clock() })
      .where('user_id', '=', userId)
      .where('kind', '=', 'user')
      .where('revoked_at', 'is', null)
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  /** The user when the password matches; null otherwise (no hint which part was wrong). */
  async checkPassword(email: string, password: string): Promise<User | null> {
    const row = await this.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
    // An unknown email costs as much as a wrong password, so timing does not tell which accounts exist.
    const ok = await verifyPassword(password, row?.password_hash ?? (await this.dummyHash()));
    return row && ok ? toUser(row) : null;
  }

  /** Teammates whose name or email contains the query (in any case), within one organisation. */
  async searchTeammates(orgId: string, query: string, limit = 20): Promise<User[]> {
    const like = `%${query.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = await this.db
      .selectFrom('users')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('deactivated_at', 'is', null)
      // LIKE ignores case in SQLite but not in PostgreSQL: both sides lowered, the escape spelled out.
      .where(sql<boolean>`(lower(name) like ${like} escape '\\' or lower(email) like ${like} escape '\\')`)
      .orderBy((eb) => eb.fn('lower', ['name']))
      .limit(limit)
      .execute();
    return rows.map(toUser);
  }

  async issueUserToken(
    user: User,
    userAgent: string | null = null,
  ): Promise<{ token: string; tokenId: string; expiresAt: number }> {
    const token = newToken();
    const tokenId = newId();
    const now = this.clock();
    const expiresAt = now + USER_TOKEN_TTL_MS;
    await this.db
      .insertInto('tokens')
      .values({
        id: tokenId,
        hash: hashToken(token),
        kind: 'user',
        org_id: user.orgId,
        user_id: user.id,
        name: 'sign-in',
        created_at: now,
        expires_at: expiresAt,
        user_agent: userAgent?.slice(0, 300) ?? null,
        last_used_at: now,
      })
      .execute();
    return { token, tokenId, expiresAt };
  }

  async issueServiceToken(orgId: string, name: string): Promise<{ id: string; name: string; token: string }> {
    const token = newToken();
    const id = newId();
    await this.db
      .insertInto('tokens')
      .values({
        id,
        hash: hashToken(token),
        kind: 'service',
        org_id: orgId,
        user_id: null,
        name,
        created_at: this.clock(),
      })
      .execute();
    return { id, name, token };
  }

  async serviceTokens(orgId: string): Promise<{ id: string; name: string; createdAt: number }[]> {
    const rows = await this.db
      .selectFrom('tokens')
      .select(['id', 'name', 'created_at'])
      .where('org_id', '=', orgId)
      .where('kind', '=', 'service')
      .where('revoked_at', 'is', null)
      .orderBy('created_at')
      .execute();
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at }));
  }

  /** Revokes live service tokens of that name; returns their ids. */
  async revokeServiceTokensNamed(orgId: string, name: string): Promise<string[]> {
    const rows = await this.db
      .updateTable('tokens')
      .set({ revoked_at: this.clock() })
      .where('org_id', '=', orgId)
      .where('kind', '=', 'service')
      .where('name', '=', name)
      .where('revoked_at', 'is', null)
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  /** Revokes one token of the organisation; false when there was none to revoke. */
  async revokeToken(orgId: string, tokenId: string, kind?: 'user' | 'service'): Promise<boolean> {
    let query = this.db
      .updateTable('tokens')
      .set({ revoked_at: this.clock() })
      .where('id', '=', tokenId)
      .where('org_id', '=', orgId)
      .where('revoked_at', 'is', null);
    if (kind) query = query.where('kind', '=', kind);
    const { numUpdatedRows } = await query.executeTakeFirst();
    return numUpdatedRows > 0n;
  }

  /** Who a bearer token speaks for, or null when it is unknown, expired or revoked. */
  async resolve(token: string): Promise<Principal | null> {
    if (!token || token.length > 200) return null;
    const row = await this.db
      .selectFrom('tokens')
      .select(['id', 'kind', 'org_id', 'user_id', 'name', 'expires_at', 'revoked_at', 'last_used_at'])
      .where('hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!row || row.revoked_at !== null) return null;
    const now = this.clock();
    if (row.expires_at !== null && row.expires_at <= now) return null;
    // Written at most once a minute per token, so busy clients do not write on every request;
    // the condition is in the UPDATE, so several instances seeing the token at once write it once.
    if (row.last_used_at === null || now - row.last_used_at >= LAST_USED_GRAIN_MS)
      await this.db
        .updateTable('tokens')
        .set({ last_used_at: now })
        .where('id', '=', row.id)
        .where((eb) =>
          eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', now - LAST_USED_GRAIN_MS)]),
        )
        .execute();
    if (row.kind === 'service')
      return {
        kind: 'service',
        tokenId: row.id,
        orgId: row.org_id,
        expiresAt: row.expires_at,
        name: row.name,
      };
    const userRow = row.user_id
      ? await this.db.selectFrom('users').selectAll().where('id', '=', row.user_id).executeTakeFirst()
      : undefined;
    // Deactivation revokes the tokens too; this holds should one be missed.
    if (!userRow || userRow.deactivated_at !== null) return null;
    const user = toUser(userRow);
    return { kind: 'user', tokenId: row.id, orgId: user.orgId, expiresAt: row.expires_at, user };
  }

  /** Whether a token is still live (checked again on every sync frame batch would be too costly; used on events). */
  async tokenLive(tokenId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('tokens')
      .select(['expires_at', 'revoked_at'])
      .where('id', '=', tokenId)
      .executeTakeFirst();
    return !!row && row.revoked_at === null && (row.expires_at === null || row.expires_at > this.clock());
  }

  async rename(userId: string, name: string): Promise<User> {
    const row = await this.db
      .updateTable('users')
      .set({ name })
      .where('id', '=', userId)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new Error(`user ${userId} does not exist`);
    return toUser(row);
  }

  /** Whether the password is this user's (for changing it, where the account is already known). */
  async passwordMatches(userId: string, password: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', userId)
      .executeTakeFirst();
    return !!row && (await verifyPassword(password, row.password_hash));
  }

  async setPassword(userId: string, password: string): Promise<void> {
    const hash = await hashPassword(password);
    await this.db.updateTable('users').set({ password_hash: hash }).where('id', '=', userId).execute();
  }

  /** The user's live sign-ins, newest use first. */
  async signIns(userId: string): Promise<SignInRecord[]> {
    const rows = await this.db
      .selectFrom('tokens')
      .select(['id', 'user_agent', 'created_at', 'last_used_at', 'expires_at'])
      .where('user_id', '=', userId)
      .where('kind', '=', 'user')
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', this.clock())
      .orderBy((eb) => eb.fn.coalesce('last_used_at', 'created_at'), 'desc')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      userAgent: r.user_agent,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
      // User tokens always expire; the column is nullable for service tokens.
      expiresAt: r.expires_at!,
    }));
  }

  /** Revokes one sign-in of this user; false when it is not theirs or already ended. */
  async revokeSignIn(userId: string, tokenId: string): Promise<boolean> {
    const { numUpdatedRows } = await this.db
      .updateTable('tokens')
      .set({ revoked_at: this.clock() })
      .where('id', '=', tokenId)
      .where('user_id', '=', userId)
      .where('kind', '=', 'user')
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return numUpdatedRows > 0n;
  }

  /** Revokes every live sign-in of the user but one; returns the ids revoked. */
  async revokeOtherSignIns(userId: string, keepTokenId: string): Promise<string[]> {
    const rows = await this.db
      .updateTable('tokens')
      .set({ revoked_at: this.clock() })
      .where('user_id', '=', userId)
      .where('kind', '=', 'user')
      .where('id', '<>', keepTokenId)
      .where('revoked_at', 'is', null)
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }
}

/**
 * Inserts an account on `db` (which may be a transaction: accepting an
 * invitation claims it and makes the account together); null when the email
 * has one already, whoever made it first.
 */
export async function insertUser(
  db: Records,
  input: { orgId: string; email: string; name: string; role: Role },
  passwordHash: string,
  now: number,
  id = newId(),
): Promise<User | null> {
  const row = await db
    .insertInto('users')
    .values({
      id,
      org_id: input.orgId,
      email: input.email,
      name: input.name,
      role: input.role,
      password_hash: passwordHash,
      created_at: now,
    })
    .onConflict((oc) => oc.column('email').doNothing())
    .returningAll()
    .executeTakeFirst();
  return row ? toUser(row) : null;
}

export interface SignInRecord {
  id: string;
  userAgent: string | null;
  createdAt: number;
  lastUsedAt: number | null;
  expiresAt: number;
}
