// Repository credentials: write-only secrets bound to one git host (an HTTPS
// token or an SSH private key) that an Environment's repository names. Like
// secrets, private ones belong to one person and shared ones to the
// organisation (admins change those), and a private one wins over a shared
// one of the same name. Values are sealed at rest, with the host and kind in
// the seal, and leave the server only towards a runner, in a session's
// context, for repositories on that very host.
import {
  forgeOfHost,
  repositoryHost,
  type Forge,
  type PutRepositoryCredentialRequest,
  type Repository,
  type RepositoryCredentialSummary,
  type RunnerRepositoryCredential,
  type SecretScope,
  type User,
} from '@orrery/shared';
import { SecretBoxError, type SecretBox } from '../auth/secret-box.js';
import { ApiError, forbidden, notFound } from '../errors.js';
import type { Logger } from '../log.js';
import { sql } from 'kysely';
import type { Records } from '../store/database.js';

/** The owner column of the organisation's shared credentials. */
const SHARED = '';

interface Row {
  owner_id: string;
  name: string;
  host: string;
  kind: RepositoryCredentialSummary['kind'];
  forge: Forge | null;
  updated_at: number;
  updated_by_name: string;
}

export class RepositoryCredentials {
  constructor(
    private readonly db: Records,
    private readonly box: SecretBox,
    private readonly clock: () => number,
    private readonly log: Logger,
  ) {}

  /** The caller's private credentials and the organisation's shared ones: never their values. */
  async list(user: User): Promise<RepositoryCredentialSummary[]> {
    return (await this.rows(user.orgId, user.id)).map(summary);
  }

  async put(
    user: User,
    scope: SecretScope,
    name: string,
    input: PutRepositoryCredentialRequest,
  ): Promise<RepositoryCredentialSummary> {
    const owner = this.ownerFor(user, scope);
    const problem = valueProblem(input.kind, input.value);
    if (problem) throw new ApiError(400, 'validation_failed', `The value ${problem}.`, { value: problem });
    const now = this.clock();
    // Unsaid, the host tells (github.com, gitlab.com); a self-hosted forge is named by the person.
    const forge = input.forge === undefined ? forgeOfHost(input.host) : input.forge;
    await this.db
      .insertInto('repository_credentials')
      .values({
        org_id: user.orgId,
        owner_id: owner,
        name,
        host: input.host,
        kind: input.kind,
        forge,
        sealed: this.box.seal(input.value, context(user.orgId, owner, name, input.host, input.kind)),
        updated_at: now,
        updated_by: user.id,
      })
      .onConflict((oc) =>
        oc.columns(['org_id', 'owner_id', 'name']).doUpdateSet((eb) => ({
          host: eb.ref('excluded.host'),
          kind: eb.ref('excluded.kind'),
          forge: eb.ref('excluded.forge'),
          sealed: eb.ref('excluded.sealed'),
          updated_at: eb.ref('excluded.updated_at'),
          updated_by: eb.ref('excluded.updated_by'),
        })),
      )
      .execute();
    return summary({
      owner_id: owner,
      name,
      host: input.host,
      kind: input.kind,
      forge,
      updated_at: now,
      updated_by_name: user.name,
    });
  }

  async remove(user: User, scope: SecretScope, name: string): Promise<void> {
    const owner = this.ownerFor(user, scope);
    const res = await this.db
      .deleteFrom('repository_credentials')
      .where('org_id', '=', user.orgId)
      .where('owner_id', '=', owner)
      .where('name', '=', name)
      .executeTakeFirst();
    if (!res.numDeletedRows) throw notFound(`There is no ${scope} repository credential named ${name}.`);
  }

  /**
   * Refuses repositories that name a credential the saver cannot use: one
   * that does not exist for them, or one bound to another host than the
   * repository's URL. The answer names the field to change.
   */
  async checkRepositories(user: User, repositories: readonly Repository[]): Promise<void> {
    const fields: Record<string, string> = {};
    const visible = await this.visible(user.orgId, user.id);
    repositories.forEach((repo, i) => {
      if (!repo.credential) return;
      const field = `repositories.${i}.credential`;
      const credential = visible.get(repo.credential);
      const host = repositoryHost(repo.url);
      if (!credential) {
        fields[field] =
          `There is no repository credential named ${repo.credential} for you; add it under Repository credentials, or pick one that exists.`;
      } else if (!host) {
        fields[field] =
          'A local repository is read on the runner’s machine and needs no credential; remove it.';
      } else if (host !== credential.host) {
        fields[field] =
          `${repo.credential} is for ${credential.host}, but this repository is on ${host}; pick a credential for ${host}, or change the URL.`;
      }
    });
    const problems = Object.values(fields);
    if (problems.length) throw new ApiError(400, 'validation_failed', problems.join(' '), fields);
  }

  /**
   * The credentials a session owned by `ownerId` clones its repositories
   * with: each one a repository names, resolved for the owner, and only when
   * the repository is on the credential's host (whoever wrote the
   * Environment, a credential never goes to a host it was not made for).
   */
  async forRunner(
    orgId: string,
    ownerId: string,
    repositories: readonly Repository[],
  ): Promise<Record<string, RunnerRepositoryCredential>> {
    const visible = await this.visible(orgId, ownerId);
    const chosen = new Map<string, Row>();
    for (const repo of repositories) {
      const row = repo.credential ? visible.get(repo.credential) : undefined;
      if (row && !chosen.has(row.name) && repositoryHost(repo.url) === row.host) chosen.set(row.name, row);
    }
    if (!chosen.size) return {};
    // The sealed values of the chosen credentials, in one query.
    const sealedRows = await this.db
      .selectFrom('repository_credentials')
      .select(['owner_id', 'name', 'sealed'])
      .where('org_id', '=', orgId)
      .where((eb) =>
        eb.or(
          [...chosen.values()].map((r) => eb.and([eb('owner_id', '=', r.owner_id), eb('name', '=', r.name)])),
        ),
      )
      .execute();
    const out: Record<string, RunnerRepositoryCredential> = {};
    for (const row of chosen.values()) {
      const sealed = sealedRows.find((r) => r.owner_id === row.owner_id && r.name === row.name);
      if (!sealed) continue;
      try {
        const value = this.box.open(
          sealed.sealed,
          context(orgId, row.owner_id, row.name, row.host, row.kind),
        );
        out[row.name] = { host: row.host, kind: row.kind, value, ...(row.forge ? { forge: row.forge } : {}) };
      } catch (error) {
        if (!(error instanceof SecretBoxError)) throw error;
        this.log.warn(
          `The repository credential ${row.name} of organisation ${orgId} does not open with this server’s key ` +
            'and was left out; set it again, or restore the key it was saved with.',
        );
      }
    }
    return out;
  }

  /**
   * The credential a repository of a session owned by `ownerId` pushes with,
   * by the same rule as forRunner (named, resolved for the owner, on its
   * host), without its value; null when there is none.
   */
  async forRepository(
    orgId: string,
    ownerId: string,
    repo: Repository,
  ): Promise<{ name: string; host: string; forge: Forge | null } | null> {
    const row = repo.credential ? (await this.visible(orgId, ownerId)).get(repo.credential) : undefined;
    if (!row || repositoryHost(repo.url) !== row.host) return null;
    return { name: row.name, host: row.host, forge: row.forge };
  }

  /** By name, what `ownerId` may use: their private credential over the shared one. */
  private async visible(orgId: string, ownerId: string): Promise<Map<string, Row>> {
    const byName = new Map<string, Row>();
    for (const row of await this.rows(orgId, ownerId)) {
      if (!byName.has(row.name) || row.owner_id !== SHARED) byName.set(row.name, row);
    }
    return byName;
  }

  private async rows(orgId: string, ownerId: string): Promise<Row[]> {
    const rows = await this.db
      .selectFrom('repository_credentials as c')
      .innerJoin('users as u', 'u.id', 'c.updated_by')
      .select([
        'c.owner_id',
        'c.name',
        'c.host',
        'c.kind',
        'c.forge',
        'c.updated_at',
        'u.name as updated_by_name',
      ])
      .where('c.org_id', '=', orgId)
      .where('c.owner_id', 'in', [ownerId, SHARED])
      .orderBy(sql`lower(c.name)`)
      .orderBy('c.name')
      .orderBy('c.owner_id')
      .execute();
    return rows as Row[];
  }

  private ownerFor(user: User, scope: SecretScope): string {
    if (scope === 'private') return user.id;
    if (user.role !== 'admin')
      throw forbidden('Only an admin of your organisation may change shared repository credentials.');
    return SHARED;
  }
}

function summary(row: Row): RepositoryCredentialSummary {
  return {
    name: row.name,
    scope: row.owner_id === SHARED ? 'shared' : 'private',
    host: row.host,
    kind: row.kind,
    forge: row.forge,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by_name,
  };
}

/** What is wrong with a value for its kind, in words that end a sentence; undefined when it will do. */
function valueProblem(kind: RepositoryCredentialSummary['kind'], value: string): string | undefined {
  if (kind === 'https-token') {
    return /\s/.test(value.trim()) || !value.trim()
      ? 'must be one token without spaces or line breaks (or user:token)'
      : undefined;
  }
  return /^-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+-----END [A-Z ]*PRIVATE KEY-----\s*$/.test(value.trim())
    ? undefined
    : 'must be an SSH private key without a passphrase, from -----BEGIN … PRIVATE KEY----- to -----END … PRIVATE KEY-----';
}

function context(orgId: string, ownerId: string, name: string, host: string, kind: string): string {
  return `orrery-repository-credential|${orgId}|${ownerId}|${name}|${host}|${kind}`;
}
