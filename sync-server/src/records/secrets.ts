// Secrets: write-only values a person's sessions get as environment variables.
// Private ones belong to one person, shared ones to the organisation (only
// admins change those); a private secret wins over a shared one of the same
// name. Values are sealed at rest and only ever leave the server towards a
// runner, in a session's context.
import { secretNameProblem, type SecretScope, type SecretSummary, type User } from '@orrery/shared';
import { SecretBoxError, type SecretBox } from '../auth/secret-box.js';
import { forbidden, notFound } from '../errors.js';
import type { Logger } from '../log.js';
import { sql } from 'kysely';
import type { Records } from '../store/database.js';

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
    private readonly db: Records,
    private readonly box: SecretBox,
    private readonly clock: () => number,
    private readonly log: Logger,
  ) {}

  /** The caller's private secrets and the organisation's shared ones: names only. */
  async list(user: User): Promise<SecretSummary[]> {
    const rows: SummaryRow[] = await this.db
      .selectFrom('secrets as s')
      .innerJoin('users as u', 'u.id', 's.updated_by')
      .select(['s.owner_id', 's.name', 's.updated_at', 's.updated_by', 'u.name as updated_by_name'])
      .where('s.org_id', '=', user.orgId)
      .where('s.owner_id', 'in', [user.id, SHARED])
      .orderBy(sql`lower(s.name)`)
      .orderBy('s.name')
      .orderBy('s.owner_id')
      .execute();
    const mine = new Set(rows.filter((r) => r.owner_id === user.id).map((r) => r.name));
    return rows.map((r) => this.summary(r, r.owner_id === SHARED && mine.has(r.name)));
  }

  /** Sets (or replaces) a value; shared secrets are the admins' to change. */
  async put(user: User, scope: SecretScope, name: string, value: string): Promise<SecretSummary> {
    const owner = this.ownerFor(user, scope);
    const now = this.clock();
    await this.db
      .insertInto('secrets')
      .values({
        org_id: user.orgId,
        owner_id: owner,
        name,
        sealed: this.box.seal(value, context(user.orgId, owner, name)),
        updated_at: now,
        updated_by: user.id,
      })
      .onConflict((oc) =>
        oc.columns(['org_id', 'owner_id', 'name']).doUpdateSet((eb) => ({
          sealed: eb.ref('excluded.sealed'),
          updated_at: eb.ref('excluded.updated_at'),
          updated_by: eb.ref('excluded.updated_by'),
        })),
      )
      .execute();
    const overridden =
      scope === 'shared' &&
      (await this.db
        .selectFrom('secrets')
        .select('name')
        .where('org_id', '=', user.orgId)
        .where('owner_id', '=', user.id)
        .where('name', '=', name)
        .executeTakeFirst()) !== undefined;
    return this.summary(
      { owner_id: owner, name, updated_at: now, updated_by: user.id, updated_by_name: user.name },
      overridden,
    );
  }

  async remove(user: User, scope: SecretScope, name: string): Promise<void> {
    const owner = this.ownerFor(user, scope);
    const res = await this.db
      .deleteFrom('secrets')
      .where('org_id', '=', user.orgId)
      .where('owner_id', '=', owner)
      .where('name', '=', name)
      .executeTakeFirst();
    if (!res.numDeletedRows) throw notFound(`There is no ${scope} secret named ${name}.`);
  }

  /**
   * The values a session owned by `ownerId` runs with: the organisation's
   * shared secrets, then the owner's private ones over them. A value that no
   * longer opens (the server's key was replaced) is left out and logged by name.
   */
  async forSession(orgId: string, ownerId: string): Promise<Record<string, string>> {
    const found = await this.db
      .selectFrom('secrets')
      .select(['owner_id', 'name', 'sealed'])
      .where('org_id', '=', orgId)
      .where('owner_id', 'in', [SHARED, ownerId])
      .execute();
    // Shared ones first, so the owner's private ones win.
    const rows = [
      ...found.filter((r) => r.owner_id === SHARED),
      ...found.filter((r) => r.owner_id !== SHARED),
    ];
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
