// Settings → Model providers: the organisation's Anthropic and OpenAI-compatible
// API keys, sealed at rest like shared secrets and never answered to anyone,
// and the base URLs its sessions' models may be reached at. Both only ever
// leave the server towards a runner, in a session's (or an Expert's) context.
import type { KeyedProvider, ModelKeySummary, ModelSettingsResponse, OrgModels, User } from '@orrery/shared';
import { SecretBoxError, type SecretBox } from '../auth/secret-box.js';
import { forbidden, notFound } from '../errors.js';
import type { Logger } from '../log.js';
import type { Records } from '../store/database.js';

const PROVIDERS: readonly KeyedProvider[] = ['anthropic', 'openai'];
const LABEL: Record<KeyedProvider, string> = { anthropic: 'Anthropic', openai: 'OpenAI-compatible' };

interface KeyRow {
  provider: KeyedProvider;
  sealed: Buffer;
  updated_at: number;
  updated_by_name: string;
}

export class ModelSettings {
  constructor(
    private readonly db: Records,
    private readonly box: SecretBox,
    private readonly clock: () => number,
    private readonly log: Logger,
  ) {}

  /** What anyone of the organisation may see: which keys are set, by whom, when; and the base URLs. */
  async summary(orgId: string): Promise<ModelSettingsResponse> {
    const rows = await this.keyRows(orgId);
    const keys = PROVIDERS.map((provider): ModelKeySummary => {
      const row = rows.find((r) => r.provider === provider);
      return {
        provider,
        set: !!row,
        updatedBy: row?.updated_by_name ?? null,
        updatedAt: row?.updated_at ?? null,
      };
    });
    return { keys, baseUrls: await this.baseUrls(orgId) };
  }

  async putKey(user: User, provider: KeyedProvider, value: string): Promise<ModelKeySummary> {
    this.mustBeAdmin(user);
    const now = this.clock();
    await this.db
      .insertInto('model_provider_keys')
      .values({
        org_id: user.orgId,
        provider,
        sealed: this.box.seal(value, context(user.orgId, provider)),
        updated_at: now,
        updated_by: user.id,
      })
      .onConflict((oc) =>
        oc.columns(['org_id', 'provider']).doUpdateSet((eb) => ({
          sealed: eb.ref('excluded.sealed'),
          updated_at: eb.ref('excluded.updated_at'),
          updated_by: eb.ref('excluded.updated_by'),
        })),
      )
      .execute();
    this.log.info(`The ${LABEL[provider]} API key of organisation ${user.orgId} was set by ${user.id}.`);
    return { provider, set: true, updatedBy: user.name, updatedAt: now };
  }

  async removeKey(user: User, provider: KeyedProvider): Promise<void> {
    this.mustBeAdmin(user);
    const res = await this.db
      .deleteFrom('model_provider_keys')
      .where('org_id', '=', user.orgId)
      .where('provider', '=', provider)
      .executeTakeFirst();
    if (!res.numDeletedRows) throw notFound(`No ${LABEL[provider]} API key is stored.`);
  }

  async setBaseUrls(user: User, baseUrls: string[]): Promise<ModelSettingsResponse> {
    this.mustBeAdmin(user);
    const unique = [...new Set(baseUrls)];
    await this.db
      .insertInto('model_base_urls')
      .values({
        org_id: user.orgId,
        urls: JSON.stringify(unique),
        updated_at: this.clock(),
        updated_by: user.id,
      })
      .onConflict((oc) =>
        oc.column('org_id').doUpdateSet((eb) => ({
          urls: eb.ref('excluded.urls'),
          updated_at: eb.ref('excluded.updated_at'),
          updated_by: eb.ref('excluded.updated_by'),
        })),
      )
      .execute();
    return this.summary(user.orgId);
  }

  /** The providers with a stored key, for availability. */
  async stored(orgId: string): Promise<KeyedProvider[]> {
    return (await this.keyRows(orgId)).map((r) => r.provider);
  }

  /** What a runner gets for this organisation's sessions. A key that no longer opens is left out and logged. */
  async forRunner(orgId: string): Promise<OrgModels> {
    const models: OrgModels = { baseUrls: await this.baseUrls(orgId) };
    for (const row of await this.keyRows(orgId)) {
      try {
        const value = this.box.open(row.sealed, context(orgId, row.provider));
        if (row.provider === 'anthropic') models.anthropicApiKey = value;
        else models.openaiApiKey = value;
      } catch (error) {
        if (!(error instanceof SecretBoxError)) throw error;
        this.log.warn(
          `The ${LABEL[row.provider]} API key of organisation ${orgId} does not open with this server’s key; an admin must set it again.`,
        );
      }
    }
    return models;
  }

  private async keyRows(orgId: string): Promise<KeyRow[]> {
    const rows = await this.db
      .selectFrom('model_provider_keys as k')
      .innerJoin('users as u', 'u.id', 'k.updated_by')
      .select(['k.provider', 'k.sealed', 'k.updated_at', 'u.name as updated_by_name'])
      .where('k.org_id', '=', orgId)
      .orderBy('k.provider')
      .execute();
    return rows as KeyRow[];
  }

  private async baseUrls(orgId: string): Promise<string[]> {
    const row = await this.db
      .selectFrom('model_base_urls')
      .select('urls')
      .where('org_id', '=', orgId)
      .executeTakeFirst();
    return row ? (JSON.parse(row.urls) as string[]) : [];
  }

  private mustBeAdmin(user: User): void {
    if (user.role !== 'admin')
      throw forbidden(
        'Model provider keys and base URLs are managed by admins. Ask an admin of your organisation.',
      );
  }
}

function context(orgId: string, provider: KeyedProvider): string {
  return `orrery-model-key|${orgId}|${provider}`;
}
