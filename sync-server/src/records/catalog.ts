// Experts and Environments: personal (their author alone) or organisation-wide.
// Read: the author, or everyone in the organisation when organisation-wide.
// Change: the author, or an admin for organisation-wide ones (organisation-wide
// Experts: admins only, and only admins make them). Built-ins cannot be deleted.
import {
  Environment,
  EnvironmentInput,
  Expert,
  ExpertInput,
  type ExpertListItem,
  type Scope,
  type User,
} from '@orrery/shared';
import { ApiError, conflict, forbidden, notFound } from '../errors.js';
import { sql } from 'kysely';
import type { Records } from '../store/database.js';
import { newId } from '../auth/secrets.js';

interface Row {
  id: string;
  org_id: string;
  owner_id: string;
  scope: Scope;
  name: string;
  built_in_key: string | null;
  body: string;
  created_at: number;
  updated_at: number;
}

type Kind = 'expert' | 'environment';
/** What both kinds' inputs have. */
type Named = { scope: Scope; name: string };
// The two tables have the same columns (the name is kept beside the body in both),
// so one typed query serves either.
const TABLE: Record<Kind, 'experts'> = { expert: 'experts', environment: 'environments' as 'experts' };
const LABEL: Record<Kind, string> = { expert: 'Expert', environment: 'Environment' };
const COLUMNS = [
  'id',
  'org_id',
  'owner_id',
  'scope',
  'name',
  'built_in_key',
  'body',
  'created_at',
  'updated_at',
] as const;
/** How often a change is merged again when another change to the same row came between. */
const UPDATE_TRIES = 5;

function canRead(user: Pick<User, 'id' | 'orgId'>, row: Row): boolean {
  return row.org_id === user.orgId && (row.scope === 'organisation' || row.owner_id === user.id);
}

function canChange(kind: Kind, user: User, row: Row): boolean {
  if (row.org_id !== user.orgId) return false;
  // What the whole organisation runs is the admins' to change, even its author's once they are a member.
  if (kind === 'expert' && row.scope === 'organisation') return user.role === 'admin';
  return row.owner_id === user.id || (row.scope === 'organisation' && user.role === 'admin');
}

const ORGANISATION_EXPERTS_ARE_ADMINS =
  'Organisation Experts are managed by admins. Make it personal, or ask an admin of your organisation.';

export class Catalog {
  constructor(
    private readonly db: Records,
    private readonly clock: () => number,
  ) {}

  private async row(kind: Kind, id: string): Promise<Row | undefined> {
    const row = await this.db
      .selectFrom(TABLE[kind])
      .select(COLUMNS)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return row as Row | undefined;
  }

  private async readable(kind: Kind, user: User, id: string): Promise<Row> {
    const row = await this.row(kind, id);
    if (!row || !canRead(user, row)) throw notFound(`No ${LABEL[kind]} ${id} that you can see.`);
    return row;
  }

  private async changeable(kind: Kind, user: User, id: string): Promise<Row> {
    const row = await this.readable(kind, user, id);
    if (kind === 'expert' && row.scope === 'organisation' && !canChange(kind, user, row))
      throw forbidden(ORGANISATION_EXPERTS_ARE_ADMINS);
    if (!canChange(kind, user, row)) {
      throw forbidden(`Only its author or an admin may change the ${LABEL[kind]} "${row.name}".`);
    }
    return row;
  }

  /** Any row of the organisation, deleted or not (runners finish what sessions started). */
  private async rowOfOrg(kind: Kind, orgId: string, id: string): Promise<Row | undefined> {
    const row = await this.db
      .selectFrom(TABLE[kind])
      .select(COLUMNS)
      .where('id', '=', id)
      .where('org_id', '=', orgId)
      .executeTakeFirst();
    return row as Row | undefined;
  }

  private async insert(kind: Kind, user: User, input: Named, builtInKey: string | null): Promise<Row> {
    const now = this.clock();
    const row: Row = {
      id: newId(),
      org_id: user.orgId,
      owner_id: user.id,
      scope: input.scope,
      name: input.name,
      built_in_key: builtInKey,
      body: JSON.stringify(input),
      created_at: now,
      updated_at: now,
    };
    await nameTakenOnRace(kind, input.name, this.db.insertInto(TABLE[kind]).values(row).execute());
    return row;
  }

  /**
   * Applies a patch to what is stored; `parse` validates (and checks) the merged whole.
   * The write happens only if the body is still the one the patch was merged into,
   * so two edits at once both land rather than the later undoing the earlier.
   */
  private async update<I extends Named>(
    kind: Kind,
    user: User,
    id: string,
    patch: Partial<I>,
    parse: (merged: unknown) => Promise<I>,
  ): Promise<Row> {
    for (let attempt = 0; attempt < UPDATE_TRIES; attempt++) {
      const row = await this.changeable(kind, user, id);
      if (patch.scope && patch.scope !== row.scope && row.owner_id !== user.id) {
        throw forbidden(`Only its author may change who can use this ${LABEL[kind]}.`);
      }
      const input = await parse({ ...(JSON.parse(row.body) as I), ...patch });
      const changed: Row = {
        ...row,
        body: JSON.stringify(input),
        scope: input.scope,
        name: input.name,
        updated_at: this.clock(),
      };
      const written = await nameTakenOnRace(
        kind,
        input.name,
        this.db
          .updateTable(TABLE[kind])
          .set({
            body: changed.body,
            scope: changed.scope,
            name: changed.name,
            updated_at: changed.updated_at,
          })
          .where('id', '=', id)
          .where('body', '=', row.body)
          .where('deleted_at', 'is', null)
          .executeTakeFirst(),
      );
      if (written.numUpdatedRows > 0n) return changed;
    }
    throw conflict(`The ${LABEL[kind]} is being changed by someone else right now; try again.`);
  }

  private async softDelete(kind: Kind, user: User, id: string): Promise<void> {
    const row = await this.changeable(kind, user, id);
    if (row.built_in_key) throw conflict(`Built-in ${LABEL[kind]}s cannot be deleted.`);
    await this.db
      .updateTable(TABLE[kind])
      .set({ deleted_at: this.clock() })
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .execute();
  }

  private async list(kind: Kind, user: User): Promise<Row[]> {
    const rows = await this.db
      .selectFrom(TABLE[kind])
      .select(COLUMNS)
      .where('org_id', '=', user.orgId)
      .where('deleted_at', 'is', null)
      .where((eb) => eb.or([eb('scope', '=', 'organisation'), eb('owner_id', '=', user.id)]))
      // Ties (the built-ins, seeded in one millisecond) keep the order they were written in:
      // SQLite's rowid order, and in practice PostgreSQL's for a table this small.
      .orderBy('created_at')
      .execute();
    return rows as Row[];
  }

  // ── Experts ──

  /** With each one's author by name, for the list in Settings. */
  async experts(user: User): Promise<ExpertListItem[]> {
    const [users, rows] = await Promise.all([
      this.db.selectFrom('users').select(['id', 'name']).where('org_id', '=', user.orgId).execute(),
      this.list('expert', user),
    ]);
    const names = new Map(users.map((u) => [u.id, u.name]));
    return rows.map((row) => ({
      ...toExpert(row),
      ownerName: names.get(row.owner_id) ?? 'a former teammate',
    }));
  }

  async expert(user: User, id: string): Promise<Expert> {
    return toExpert(await this.readable('expert', user, id));
  }

  /** Any Expert of the organisation, deleted or not: sessions keep theirs. */
  async expertForRunner(orgId: string, id: string): Promise<Expert | null> {
    const row = await this.rowOfOrg('expert', orgId, id);
    return row ? toExpert(row) : null;
  }

  async createExpert(user: User, input: ExpertInput, builtInKey: string | null = null): Promise<Expert> {
    this.checkExpertScope(user, input.scope);
    await this.checkExpertNameFree(user, input.name, null);
    await this.checkEnvironmentRef(user, input.defaultEnvironmentId);
    return toExpert(await this.insert('expert', user, input, builtInKey));
  }

  async updateExpert(user: User, id: string, patch: Partial<ExpertInput>): Promise<Expert> {
    if (patch.scope) this.checkExpertScope(user, patch.scope);
    if (patch.defaultEnvironmentId !== undefined)
      await this.checkEnvironmentRef(user, patch.defaultEnvironmentId);
    const row = await this.update('expert', user, id, patch, async (merged) => {
      const input = ExpertInput.parse(merged);
      await this.checkExpertNameFree(user, input.name, id);
      return input;
    });
    return toExpert(row);
  }

  private checkExpertScope(user: User, scope: Scope): void {
    if (scope === 'organisation' && user.role !== 'admin') throw forbidden(ORGANISATION_EXPERTS_ARE_ADMINS);
  }

  /** Names are unique among the Experts a person can choose from, so pickers never show two alike. */
  private async checkExpertNameFree(user: User, name: string, exceptId: string | null): Promise<void> {
    const wanted = name.trim().toLowerCase();
    const taken = (await this.list('expert', user)).some(
      (row) => row.id !== exceptId && row.name.trim().toLowerCase() === wanted,
    );
    if (!taken) return;
    const message = `You already have an Expert named "${name}"; pick another name.`;
    throw new ApiError(409, 'conflict', message, { name: message });
  }

  async deleteExpert(user: User, id: string): Promise<void> {
    await this.softDelete('expert', user, id);
  }

  private async checkEnvironmentRef(user: User, id: string | null): Promise<void> {
    if (id !== null) await this.readable('environment', user, id);
  }

  // ── Environments ──

  async environments(user: User): Promise<Environment[]> {
    return (await this.list('environment', user)).map(toEnvironment);
  }

  async environment(user: User, id: string): Promise<Environment> {
    return toEnvironment(await this.readable('environment', user, id));
  }

  /** An Environment the user may change (Build now), or the reason they may not. */
  async environmentToChange(user: User, id: string): Promise<Environment> {
    return toEnvironment(await this.changeable('environment', user, id));
  }

  async environmentForRunner(orgId: string, id: string): Promise<Environment | null> {
    const row = await this.rowOfOrg('environment', orgId, id);
    return row ? toEnvironment(row) : null;
  }

  /** Whether an Environment of the organisation exists and is not deleted. */
  async environmentLive(orgId: string, id: string): Promise<boolean> {
    const row = await this.row('environment', id);
    return !!row && row.org_id === orgId;
  }

  async createEnvironment(
    user: User,
    input: EnvironmentInput,
    builtInKey: string | null = null,
  ): Promise<Environment> {
    checkMayShare(user, input.scope);
    await this.checkNameFree(user.orgId, input.name, null);
    return toEnvironment(await this.insert('environment', user, input, builtInKey));
  }

  async updateEnvironment(user: User, id: string, patch: Partial<EnvironmentInput>): Promise<Environment> {
    // Only a change to organisation-wide is refused: a member may still edit one they made before the rule.
    if (patch.scope === 'organisation' && (await this.environment(user, id)).scope !== 'organisation')
      checkMayShare(user, patch.scope);
    const row = await this.update('environment', user, id, patch, async (merged) => {
      const input = EnvironmentInput.parse(merged);
      await this.checkNameFree(user.orgId, input.name, id);
      return input;
    });
    return toEnvironment(row);
  }

  async deleteEnvironment(user: User, id: string): Promise<void> {
    await this.softDelete('environment', user, id);
  }

  /** Said before writing for a clear answer; the unique index on lower(name) settles a race (nameTakenOnRace). */
  private async checkNameFree(orgId: string, name: string, exceptId: string | null): Promise<void> {
    const taken = await this.db
      .selectFrom('environments')
      .select('id')
      .where('org_id', '=', orgId)
      .where(sql`lower(name)`, '=', sql`lower(${name})`)
      .where('deleted_at', 'is', null)
      .where('id', '!=', exceptId ?? '')
      .executeTakeFirst();
    if (taken) throw environmentNameTaken(name);
  }

  /** The id of a built-in seeded under this key, if it exists. */
  async builtIn(kind: Kind, orgId: string, key: string): Promise<string | null> {
    const row = await this.db
      .selectFrom(TABLE[kind])
      .select('id')
      .where('org_id', '=', orgId)
      .where('built_in_key', '=', key)
      .executeTakeFirst();
    return row?.id ?? null;
  }
}

function environmentNameTaken(name: string): ApiError {
  // Said at the name too, so a form shows it next to the field to change.
  const message = `An Environment named "${name}" already exists in your organisation; pick another name.`;
  return conflict(message, { name: message });
}

/** An Environment written at the same moment as another of the same name: the index refuses one. */
async function nameTakenOnRace<T>(kind: Kind, name: string, write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (err) {
    if (kind === 'environment' && isUniqueViolation(err)) throw environmentNameTaken(name);
    throw err;
  }
}

function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  // SQLite's constraint code, and PostgreSQL's unique_violation.
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

/** An organisation Environment shapes every teammate's sessions: only admins make one. */
function checkMayShare(user: User, scope: Scope): void {
  if (scope === 'organisation' && user.role !== 'admin')
    throw forbidden('Only admins may make an Environment for the whole organisation; keep it personal.');
}

function toExpert(row: Row): Expert {
  return Expert.parse({
    ...(JSON.parse(row.body) as ExpertInput),
    scope: row.scope,
    id: row.id,
    orgId: row.org_id,
    ownerId: row.owner_id,
    builtIn: row.built_in_key !== null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

function toEnvironment(row: Row): Environment {
  return Environment.parse({
    ...(JSON.parse(row.body) as EnvironmentInput),
    scope: row.scope,
    id: row.id,
    orgId: row.org_id,
    ownerId: row.owner_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}
