// Secrets: write-only values a person's sessions get as environment variables.
// Private ones belong to one person, shared ones to the organisation (only
// admins change those); a private secret wins over a shared one of the same
// name. Values are sealed at rest and only ever leave the server towards a
// runner, in a session's context.
import { secretNameProblem, type SecretScope, type SecretSummary, type User } from '@orrery/shared';
import { SecretBoxError, type SecretBox } from '../auth/secret-box.js';
import { forbidden, notFound } from '../errors.js';
import type { Logger } from '../log.js';
import type { Db } from '../store/db.js';

/** The owner column of the organisation's shared secrets. */
const SHARED = '';

interface SummaryRow {
  owner_id: string;
  name: string;
  updated_at: number;
  updated_by: string;
  updated_by_name: string;
}

export class Secrets {
  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
    private readonly clock: () => number,
    private readonly log: Logger,
  ) {}

  /** The caller's private secrets and the organisation's shared ones: names only. */
  list(user: User): SecretSummary[] {
    const rows = this.db
      .prepare(
        `SELECT s.owner_id, s.name, s.updated_at, s.updated_by, u.name AS updated_by_name
         FROM secrets s JOIN users u ON u.id = s.updated_by
         WHERE s.org_id = ? AND s.owner_id IN (?, ?) ORDER BY s.name, s.owner_id`,
      )
      .all(user.orgId, user.id, SHARED) as SummaryRow[];
    const mine = new Set(rows.filter((r) => r.owner_id === user.id).map((r) => r.name));
    return rows.map((r) => this.summary(r, r.owner_id === SHARED && mine.has(r.name)));
  }

  /** Sets (or replaces) a value; shared secrets are the admins' to change. */
  put(user: User, scope: SecretScope, name: string, value: string): SecretSummary {
    const owner = this.ownerFor(user, scope);
    const now = this.clock();
    this.db
      .prepare(
        `INSERT INTO secrets (org_id, owner_id, name, sealed, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (org_id, owner_id, name) DO UPDATE SET
           sealed = excluded.sealed, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      )
      .run(user.orgId, owner, name, this.box.seal(value, context(user.orgId, owner, name)), now, user.id);
    const overridden =
      scope === 'shared' &&
      !!this.db
        .prepare('SELECT 1 FROM secrets WHERE org_id = ? AND owner_id = ? AND name = ?')
        .get(user.orgId, user.id, name);
    return this.summary(
      { owner_id: owner, name, updated_at: now, updated_by: user.id, updated_by_name: user.name },
      overridden,
    );
  }

  remove(user: User, scope: SecretScope, name: string): void {
    const owner = this.ownerFor(user, scope);
    const { changes } = this.db
      .prepare('DELETE FROM secrets WHERE org_id = ? AND owner_id = ? AND name = ?')
      .run(user.orgId, owner, name);
    if (!changes) throw notFound(`There is no ${scope} secret named ${name}.`);
  }

  /**
   * The values a session owned by `ownerId` runs with: the organisation's
   * shared secrets, then the owner's private ones over them. A value that no
   * longer opens (the server's key was replaced) is left out and logged by name.
   */
  forSession(orgId: string, ownerId: string): Record<string, string> {
    const rows = this.db
      .prepare(
        `SELECT owner_id, name, sealed FROM secrets WHERE org_id = ? AND owner_id IN (?, ?)
         ORDER BY CASE owner_id WHEN ? THEN 0 ELSE 1 END`,
      )
      .all(orgId, SHARED, ownerId, SHARED) as { owner_id: string; name: string; sealed: Buffer }[];
    const values: Record<string, string> = {};
    for (const row of rows) {
      // Saved before such names were refused: a shell or the loader would run it as code.
      const refused = secretNameProblem(row.name);
      if (refused) {
        this.log.warn(`A secret of organisation ${orgId} was left out of a session: ${refused}`);
        continue;
      }
      try {
        values[row.name] = this.box.open(row.sealed, context(orgId, row.owner_id, row.name));
      } catch (error) {
        if (!(error instanceof SecretBoxError)) throw error;
        this.log.warn(
          `The ${row.owner_id === SHARED ? 'shared' : 'private'} secret ${row.name} of organisation ${orgId} ` +
            'does not open with this server’s key and was left out; set it again, or restore the key it was saved with.',
        );
      }
    }
    return values;
  }

  private ownerFor(user: User, scope: SecretScope): string {
    if (scope === 'private') return user.id;
    if (user.role !== 'admin')
      throw forbidden('Only an admin of your organisation may change shared secrets.');
    return SHARED;
  }

  private summary(row: SummaryRow, overridden: boolean): SecretSummary {
    return {
      name: row.name,
      scope: row.owner_id === SHARED ? 'shared' : 'private',
      updatedAt: row.updated_at,
      updatedBy: row.updated_by_name,
      updatedById: row.updated_by,
      overridden,
    };
  }
}

function context(orgId: string, ownerId: string, name: string): string {
  return `orrery-secret|${orgId}|${ownerId}|${name}`;
}
