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
import type { Db } from '../store/db.js';
import { newId } from '../auth/secrets.js';

interface Row {
  id: string;
  org_id: string;
  owner_id: string;
  scope: Scope;
  built_in_key: string | null;
  body: string;
  created_at: number;
  updated_at: number;
}

type Kind = 'expert' | 'environment';
/** What both kinds' inputs have. */
type Named = { scope: Scope; name: string };
const TABLE: Record<Kind, string> = { expert: 'experts', environment: 'environments' };
const LABEL: Record<Kind, string> = { expert: 'Expert', environment: 'Environment' };

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
    private readonly db: Db,
    private readonly clock: () => number,
  ) {}

  private row(kind: Kind, id: string): Row | undefined {
    return this.db
      .prepare<[string], Row>(`SELECT * FROM ${TABLE[kind]} WHERE id = ? AND deleted_at IS NULL`)
      .get(id);
  }

  private readable(kind: Kind, user: User, id: string): Row {
    const row = this.row(kind, id);
    if (!row || !canRead(user, row)) throw notFound(`No ${LABEL[kind]} ${id} that you can see.`);
    return row;
  }

  private changeable(kind: Kind, user: User, id: string): Row {
    const row = this.readable(kind, user, id);
    if (kind === 'expert' && row.scope === 'organisation' && !canChange(kind, user, row))
      throw forbidden(ORGANISATION_EXPERTS_ARE_ADMINS);
    if (!canChange(kind, user, row)) {
      throw forbidden(
        `Only its author or an admin may change the ${LABEL[kind]} "${this.nameOf(kind, row)}".`,
      );
    }
    return row;
  }

  /** Any row of the organisation, deleted or not (runners finish what sessions started). */
  private rowOfOrg(kind: Kind, orgId: string, id: string): Row | undefined {
    return this.db
      .prepare<[string, string], Row>(`SELECT * FROM ${TABLE[kind]} WHERE id = ? AND org_id = ?`)
      .get(id, orgId);
  }

  private insert(kind: Kind, user: User, input: Named, builtInKey: string | null): Row {
    const now = this.clock();
    const row: Row = {
      id: newId(),
      org_id: user.orgId,
      owner_id: user.id,
      scope: input.scope,
      built_in_key: builtInKey,
      body: JSON.stringify(input),
      created_at: now,
      updated_at: now,
    };
    // Environments also keep their name in a column, where it is unique in the organisation.
    const values = kind === 'environment' ? { ...row, name: input.name } : row;
    const columns = Object.keys(values);
    this.db
      .prepare(
        `INSERT INTO ${TABLE[kind]} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`,
      )
      .run(values);
    return row;
  }

  /** Applies a patch to what is stored; `parse` validates (and checks) the merged whole. */
  private update<I extends Named>(
    kind: Kind,
    user: User,
    id: string,
    patch: Partial<I>,
    parse: (merged: unknown) => I,
  ): Row {
    const row = this.changeable(kind, user, id);
    if (patch.scope && patch.scope !== row.scope && row.owner_id !== user.id) {
      throw forbidden(`Only its author may change who can use this ${LABEL[kind]}.`);
    }
    const input = parse({ ...(JSON.parse(row.body) as I), ...patch });
    const changed: Row = {
      ...row,
      body: JSON.stringify(input),
      scope: input.scope,
      updated_at: this.clock(),
    };
    const name = kind === 'environment' ? ', name = @name' : '';
    this.db
      .prepare(
        `UPDATE ${TABLE[kind]} SET body = @body, scope = @scope${name}, updated_at = @updated_at WHERE id = @id`,
      )
      .run({
        id,
        body: changed.body,
        scope: changed.scope,
        updated_at: changed.updated_at,
        ...(name ? { name: input.name } : {}),
      });
    return changed;
  }

  private softDelete(kind: Kind, user: User, id: string): void {
    const row = this.changeable(kind, user, id);
    if (row.built_in_key) throw conflict(`Built-in ${LABEL[kind]}s cannot be deleted.`);
    this.db.prepare(`UPDATE ${TABLE[kind]} SET deleted_at = ? WHERE id = ?`).run(this.clock(), id);
  }

  private nameOf(kind: Kind, row: Row): string {
    return (JSON.parse(row.body) as { name: string }).name;
  }

  private list(kind: Kind, user: User): Row[] {
    return this.db
      .prepare<[string, string], Row>(
        `SELECT * FROM ${TABLE[kind]} WHERE org_id = ? AND deleted_at IS NULL
         AND (scope = 'organisation' OR owner_id = ?) ORDER BY created_at`,
      )
      .all(user.orgId, user.id);
  }

  // ── Experts ──

  /** With each one's author by name, for the list in Settings. */
  experts(user: User): ExpertListItem[] {
    const names = new Map(
      this.db
        .prepare<[string], { id: string; name: string }>('SELECT id, name FROM users WHERE org_id = ?')
        .all(user.orgId)
        .map((u) => [u.id, u.name]),
    );
    return this.list('expert', user).map((row) => ({
      ...toExpert(row),
      ownerName: names.get(row.owner_id) ?? 'a former teammate',
    }));
  }

  expert(user: User, id: string): Expert {
    return toExpert(this.readable('expert', user, id));
  }

  /** Any Expert of the organisation, deleted or not: sessions keep theirs. */
  expertForRunner(orgId: string, id: string): Expert | null {
    const row = this.rowOfOrg('expert', orgId, id);
    return row ? toExpert(row) : null;
  }

  createExpert(user: User, input: ExpertInput, builtInKey: string | null = null): Expert {
    this.checkExpertScope(user, input.scope);
    this.checkExpertNameFree(user, input.name, null);
    this.checkEnvironmentRef(user, input.defaultEnvironmentId);
    return toExpert(this.insert('expert', user, input, builtInKey));
  }

  updateExpert(user: User, id: string, patch: Partial<ExpertInput>): Expert {
    if (patch.scope) this.checkExpertScope(user, patch.scope);
    if (patch.defaultEnvironmentId !== undefined) this.checkEnvironmentRef(user, patch.defaultEnvironmentId);
    const row = this.update('expert', user, id, patch, (merged) => {
      const input = ExpertInput.parse(merged);
      this.checkExpertNameFree(user, input.name, id);
      return input;
    });
    return toExpert(row);
  }

  private checkExpertScope(user: User, scope: Scope): void {
    if (scope === 'organisation' && user.role !== 'admin') throw forbidden(ORGANISATION_EXPERTS_ARE_ADMINS);
  }

  /** Names are unique among the Experts a person can choose from, so pickers never show two alike. */
  private checkExpertNameFree(user: User, name: string, exceptId: string | null): void {
    const wanted = name.trim().toLowerCase();
    const taken = this.list('expert', user).some(
      (row) => row.id !== exceptId && this.nameOf('expert', row).trim().toLowerCase() === wanted,
    );
    if (!taken) return;
    const message = `You already have an Expert named "${name}"; pick another name.`;
    throw new ApiError(409, 'conflict', message, { name: message });
  }

  deleteExpert(user: User, id: string): void {
    this.softDelete('expert', user, id);
  }

  private checkEnvironmentRef(user: User, id: string | null): void {
    if (id !== null) this.readable('environment', user, id);
  }

  // ── Environments ──

  environments(user: User): Environment[] {
    return this.list('environment', user).map(toEnvironment);
  }

  environment(user: User, id: string): Environment {
    return toEnvironment(this.readable('environment', user, id));
  }

  /** An Environment the user may change (Build now), or the reason they may not. */
  environmentToChange(user: User, id: string): Environment {
    return toEnvironment(this.changeable('environment', user, id));
  }

  environmentForRunner(orgId: string, id: string): Environment | null {
    const row = this.rowOfOrg('environment', orgId, id);
    return row ? toEnvironment(row) : null;
  }

  /** Whether an Environment of the organisation exists and is not deleted. */
  environmentLive(orgId: string, id: string): boolean {
    const row = this.row('environment', id);
    return !!row && row.org_id === orgId;
  }

  createEnvironment(user: User, input: EnvironmentInput, builtInKey: string | null = null): Environment {
    checkMayShare(user, input.scope);
    this.checkNameFree(user.orgId, input.name, null);
    return toEnvironment(this.insert('environment', user, input, builtInKey));
  }

  updateEnvironment(user: User, id: string, patch: Partial<EnvironmentInput>): Environment {
    // Only a change to organisation-wide is refused: a member may still edit one they made before the rule.
    if (patch.scope === 'organisation' && this.environment(user, id).scope !== 'organisation')
      checkMayShare(user, patch.scope);
    const row = this.update('environment', user, id, patch, (merged) => {
      const input = EnvironmentInput.parse(merged);
      this.checkNameFree(user.orgId, input.name, id);
      return input;
    });
    return toEnvironment(row);
  }

  deleteEnvironment(user: User, id: string): void {
    this.softDelete('environment', user, id);
  }

  private checkNameFree(orgId: string, name: string, exceptId: string | null): void {
    const taken = this.db
      .prepare<[string, string, string | null], { id: string }>(
        `SELECT id FROM environments WHERE org_id = ? AND name = ? COLLATE NOCASE AND deleted_at IS NULL
         AND id != COALESCE(?, '')`,
      )
      .get(orgId, name, exceptId);
    if (taken) {
      // Said at the name too, so a form shows it next to the field to change.
      const message = `An Environment named "${name}" already exists in your organisation; pick another name.`;
      throw conflict(message, { name: message });
    }
  }

  /** The id of a built-in seeded under this key, if it exists. */
  builtIn(kind: Kind, orgId: string, key: string): string | null {
    const row = this.db
      .prepare<[string, string], { id: string }>(
        `SELECT id FROM ${TABLE[kind]} WHERE org_id = ? AND built_in_key = ?`,
      )
      .get(orgId, key);
    return row?.id ?? null;
  }
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
