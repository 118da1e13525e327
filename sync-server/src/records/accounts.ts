// Organisations, users and bearer tokens (user sign-ins and runner service tokens).
import type { Organisation, Role, User } from '@orrery/shared';
import type { Db } from '../store/db.js';
import { hashPassword, hashToken, newId, newToken, verifyPassword } from '../auth/secrets.js';

export const USER_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** A sign-in's last use (and so its person's "last active") is written at most this often, so token use stays a read. */
const LAST_USED_GRAIN_MS = 60 * 1000;

/** Who a token speaks for; expiresAt is null for service tokens, which live until revoked. */
export type Principal =
  | { kind: 'user'; tokenId: string; orgId: string; expiresAt: number | null; user: User }
  | { kind: 'service'; tokenId: string; orgId: string; expiresAt: number | null; name: string };

interface UserRow {
  id: string;
  org_id: string;
  email: string;
  name: string;
  role: Role;
  password_hash: string;
  created_at: number;
  deactivated_at: number | null;
}

const toUser = (r: UserRow): User => ({
  id: r.id,
  orgId: r.org_id,
  email: r.email,
  name: r.name,
  role: r.role,
  createdAt: r.created_at,
});

export class Accounts {
  private dummy: Promise<string> | null = null;
  /** When each person's last activity was written (this process only). */

  private dummyHash(): Promise<string> {
    return (this.dummy ??= hashPassword('not a password anyone has'));
  }

  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
  ) {}

  firstOrganisation(): Organisation | null {
    const row = this.db
      .prepare<[], { id: string; name: string; created_at: number }>(
        'SELECT id, name, created_at FROM organisations ORDER BY created_at LIMIT 1',
      )
      .get();
    return row ? { id: row.id, name: row.name, createdAt: row.created_at } : null;
  }

  organisation(id: string): Organisation {
    const row = this.db
      .prepare<[string], { id: string; name: string; created_at: number }>(
        'SELECT id, name, created_at FROM organisations WHERE id = ?',
      )
      .get(id);
    if (!row) throw new Error(`organisation ${id} does not exist`);
    return { id: row.id, name: row.name, createdAt: row.created_at };
  }

  createOrganisation(name: string): Organisation {
    const org = { id: newId(), name, createdAt: this.clock() };
    this.db
      .prepare('INSERT INTO organisations (id, name, created_at) VALUES (?, ?, ?)')
      .run(org.id, name, org.createdAt);
    return org;
  }

  async createUser(input: {
    orgId: string;
    email: string;
    name: string;
    role: Role;
    password: string;
  }): Promise<User> {
    return this.insertUser(input, await hashPassword(input.password));
  }

  /** Synchronous, so that it can share a transaction (accepting an invitation). */
  insertUser(input: { orgId: string; email: string; name: string; role: Role }, hash: string): User {
    const user: User = {
      id: newId(),
      orgId: input.orgId,
      email: input.email,
      name: input.name,
      role: input.role,
      createdAt: this.clock(),
    };
    this.db
      .prepare(
        'INSERT INTO users (id, org_id, email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(user.id, user.orgId, user.email, user.name, user.role, hash, user.createdAt);
    return user;
  }

  emailTaken(email: string): boolean {
    return this.db.prepare('SELECT 1 FROM users WHERE email = ?').get(email) !== undefined;
  }

  user(id: string): User | null {
    const row = this.db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?').get(id);
    return row ? toUser(row) : null;
  }

  isDeactivated(userId: string): boolean {
    return (
      this.db.prepare('SELECT 1 FROM users WHERE id = ? AND deactivated_at IS NOT NULL').get(userId) !==
      undefined
    );
  }

  renameOrganisation(id: string, name: string): Organisation {
    this.db.prepare('UPDATE organisations SET name = ? WHERE id = ?').run(name, id);
    return this.organisation(id);
  }

  /** Revokes every live sign-in of a person; returns the token ids, whose sockets the caller closes. */
  revokeUserTokens(userId: string): string[] {
    return this.db
      .prepare<[number, string], { id: string }>(
        `UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND kind = 'user' AND revoked_at IS NULL RETURNING id`,
      )
      .all(this.clock(), userId)
      .map((r) => r.id);
  }

  /** The user when the password matches; null otherwise (no hint which part was wrong). */
  async checkPassword(email: string, password: string): Promise<User | null> {
    const row = this.db.prepare<[string], UserRow>('SELECT * FROM users WHERE email = ?').get(email);
    // An unknown email costs as much as a wrong password, so timing does not tell which accounts exist.
    const ok = await verifyPassword(password, row?.password_hash ?? (await this.dummyHash()));
    return row && ok ? toUser(row) : null;
  }

  /** Teammates whose name or email contains the query, within one organisation. */
  searchTeammates(orgId: string, query: string, limit = 20): User[] {
    const like = `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return this.db
      .prepare<[string, string, string, number], UserRow>(
        `SELECT * FROM users WHERE org_id = ? AND deactivated_at IS NULL AND (name LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\')
         ORDER BY name COLLATE NOCASE LIMIT ?`,
      )
      .all(orgId, like, like, limit)
      .map(toUser);
  }

  issueUserToken(
    user: User,
    userAgent: string | null = null,
  ): { token: string; tokenId: string; expiresAt: number } {
    const token = newToken();
    const tokenId = newId();
    const now = this.clock();
    const expiresAt = now + USER_TOKEN_TTL_MS;
    this.db
      .prepare(
        `INSERT INTO tokens (id, hash, kind, org_id, user_id, name, created_at, expires_at, user_agent, last_used_at)
         VALUES (?, ?, 'user', ?, ?, 'sign-in', ?, ?, ?, ?)`,
      )
      .run(
        tokenId,
        hashToken(token),
        user.orgId,
        user.id,
        now,
        expiresAt,
        userAgent?.slice(0, 300) ?? null,
        now,
      );
    return { token, tokenId, expiresAt };
  }

  issueServiceToken(orgId: string, name: string): { id: string; name: string; token: string } {
    const token = newToken();
    const id = newId();
    this.db
      .prepare(
        `INSERT INTO tokens (id, hash, kind, org_id, user_id, name, created_at) VALUES (?, ?, 'service', ?, NULL, ?, ?)`,
      )
      .run(id, hashToken(token), orgId, name, this.clock());
    return { id, name, token };
  }

  serviceTokens(orgId: string): { id: string; name: string; createdAt: number }[] {
    return this.db
      .prepare<[string], { id: string; name: string; created_at: number }>(
        `SELECT id, name, created_at FROM tokens WHERE org_id = ? AND kind = 'service' AND revoked_at IS NULL
         ORDER BY created_at`,
      )
      .all(orgId)
      .map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at }));
  }

  /** Revokes live service tokens of that name; returns their ids. */
  revokeServiceTokensNamed(orgId: string, name: string): string[] {
    const rows = this.db
      .prepare<[number, string, string], { id: string }>(
        `UPDATE tokens SET revoked_at = ? WHERE org_id = ? AND kind = 'service' AND name = ? AND revoked_at IS NULL
         RETURNING id`,
      )
      .all(this.clock(), orgId, name);
    return rows.map((r) => r.id);
  }

  /** Revokes one token of the organisation; false when there was none to revoke. */
  revokeToken(orgId: string, tokenId: string, kind?: 'user' | 'service'): boolean {
    const res = this.db
      .prepare(
        `UPDATE tokens SET revoked_at = ? WHERE id = ? AND org_id = ? AND revoked_at IS NULL
         AND (? IS NULL OR kind = ?)`,
      )
      .run(this.clock(), tokenId, orgId, kind ?? null, kind ?? null);
    return res.changes > 0;
  }

  /** Who a bearer token speaks for, or null when it is unknown, expired or revoked. */
  resolve(token: string): Principal | null {
    if (!token || token.length > 200) return null;
    const row = this.db
      .prepare<
        [Buffer],
        {
          id: string;
          kind: 'user' | 'service';
          org_id: string;
          user_id: string | null;
          name: string;
          expires_at: number | null;
          revoked_at: number | null;
          last_used_at: number | null;
        }
      >(
        'SELECT id, kind, org_id, user_id, name, expires_at, revoked_at, last_used_at FROM tokens WHERE hash = ?',
      )
      .get(hashToken(token));
    if (!row || row.revoked_at !== null) return null;
    const now = this.clock();
    if (row.expires_at !== null && row.expires_at <= now) return null;
    // Written at most once a minute per token, so busy clients do not write on every request.
    if (row.last_used_at === null || now - row.last_used_at >= LAST_USED_GRAIN_MS)
      this.db.prepare('UPDATE tokens SET last_used_at = ? WHERE id = ?').run(now, row.id);
    if (row.kind === 'service')
      return {
        kind: 'service',
        tokenId: row.id,
        orgId: row.org_id,
        expiresAt: row.expires_at,
        name: row.name,
      };
    const userRow = row.user_id
      ? this.db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?').get(row.user_id)
      : undefined;
    // Deactivation revokes the tokens too; this holds should one be missed.
    if (!userRow || userRow.deactivated_at !== null) return null;
    const user = toUser(userRow);
    return { kind: 'user', tokenId: row.id, orgId: user.orgId, expiresAt: row.expires_at, user };
  }

  /** Whether a token is still live (checked again on every sync frame batch would be too costly; used on events). */
  tokenLive(tokenId: string): boolean {
    const row = this.db
      .prepare<[string], { expires_at: number | null; revoked_at: number | null }>(
        'SELECT expires_at, revoked_at FROM tokens WHERE id = ?',
      )
      .get(tokenId);
    return !!row && row.revoked_at === null && (row.expires_at === null || row.expires_at > this.clock());
  }

  rename(userId: string, name: string): User {
    this.db.prepare('UPDATE users SET name = ? WHERE id = ?').run(name, userId);
    const user = this.user(userId);
    if (!user) throw new Error(`user ${userId} does not exist`);
    return user;
  }

  /** Whether the password is this user's (for changing it, where the account is already known). */
  async passwordMatches(userId: string, password: string): Promise<boolean> {
    const row = this.db
      .prepare<[string], { password_hash: string }>('SELECT password_hash FROM users WHERE id = ?')
      .get(userId);
    return !!row && (await verifyPassword(password, row.password_hash));
  }

  async setPassword(userId: string, password: string): Promise<void> {
    const hash = await hashPassword(password);
    this.db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(hash, userId);
  }

  /** The user's live sign-ins, newest use first. */
  signIns(userId: string): SignInRecord[] {
    return this.db
      .prepare<
        [string, number],
        {
          id: string;
          user_agent: string | null;
          created_at: number;
          last_used_at: number | null;
          expires_at: number;
        }
      >(
        `SELECT id, user_agent, created_at, last_used_at, expires_at FROM tokens
         WHERE user_id = ? AND kind = 'user' AND revoked_at IS NULL AND expires_at > ?
         ORDER BY COALESCE(last_used_at, created_at) DESC, id`,
      )
      .all(userId, this.clock())
      .map((r) => ({
        id: r.id,
        userAgent: r.user_agent,
        createdAt: r.created_at,
        lastUsedAt: r.last_used_at,
        expiresAt: r.expires_at,
      }));
  }

  /** Revokes one sign-in of this user; false when it is not theirs or already ended. */
  revokeSignIn(userId: string, tokenId: string): boolean {
    const res = this.db
      .prepare(
        `UPDATE tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND kind = 'user' AND revoked_at IS NULL`,
      )
      .run(this.clock(), tokenId, userId);
    return res.changes > 0;
  }

  /** Revokes every live sign-in of the user but one; returns the ids revoked. */
  revokeOtherSignIns(userId: string, keepTokenId: string): string[] {
    return this.db
      .prepare<[number, string, string], { id: string }>(
        `UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND kind = 'user' AND id <> ? AND revoked_at IS NULL
         RETURNING id`,
      )
      .all(this.clock(), userId, keepTokenId)
      .map((r) => r.id);
  }
}

export interface SignInRecord {
  id: string;
  userAgent: string | null;
  createdAt: number;
  lastUsedAt: number | null;
  expiresAt: number;
}
