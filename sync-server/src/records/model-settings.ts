// Settings → Model providers: the organisation's Anthropic and OpenAI-compatible
// API keys, sealed at rest like shared secrets and never answered to anyone,
// and the base URLs its sessions' models may be reached at. Both only ever
// leave the server towards a runner, in a session's (or an Expert's) context.
import type { KeyedProvider, ModelKeySummary, ModelSettingsResponse, OrgModels, User } from '@orrery/shared';
import { SecretBoxError, type SecretBox } from '../auth/secret-box.js';
import { forbidden, notFound } from '../errors.js';
import type { Logger } from '../log.js';
import type { Db } from '../store/db.js';

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
    private readonly db: Db,
    private readonly box: SecretBox,
    private readonly clock: () => number,
    private readonly log: Logger,
  ) {}

  /** What anyone of the organisation may see: which keys are set, by whom, when; and the base URLs. */
  summary(orgId: string): ModelSettingsResponse {
    const rows = this.keyRows(orgId);
    const keys = PROVIDERS.map((provider): ModelKeySummary => {
      const row = rows.find((r) => r.provider === provider);
      return {
        provider,
        set: !!row,
        updatedBy: row?.updated_by_name ?? null,
        updatedAt: row?.updated_at ?? null,
      };
    });
    return { keys, baseUrls: this.baseUrls(orgId) };
  }

  putKey(user: User, provider: KeyedProvider, value: string): ModelKeySummary {
    this.mustBeAdmin(user);
    const now = this.clock();
    this.db
      .prepare(
        `INSERT INTO model_provider_keys (org_id, provider, sealed, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (org_id, provider) DO UPDATE SET
           sealed = excluded.sealed, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      )
      .run(user.orgId, provider, this.box.seal(value, context(user.orgId, provider)), now, user.id);
    this.log.info(`The ${LABEL[provider]} API key of organisation ${user.orgId} was set by ${user.id}.`);
    return { provider, set: true, updatedBy: user.name, updatedAt: now };
  }

  removeKey(user: User, provider: KeyedProvider): void {
    this.mustBeAdmin(user);
    const { changes } = this.db
      .prepare('DELETE FROM model_provider_keys WHERE org_id = ? AND provider = ?')
      .run(user.orgId, provider);
    if (!changes) throw notFound(`No ${LABEL[provider]} API key is stored.`);
  }

  setBaseUrls(user: User, baseUrls: string[]): ModelSettingsResponse {
    this.mustBeAdmin(user);
    const unique = [...new Set(baseUrls)];
    this.db
      .prepare(
        `INSERT INTO model_base_urls (org_id, urls, updated_at, updated_by) VALUES (?, ?, ?, ?)
         ON CONFLICT (org_id) DO UPDATE SET
           urls = excluded.urls, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      )
      .run(user.orgId, JSON.stringify(unique), this.clock(), user.id);
    return this.summary(user.orgId);
  }

  /** The providers with a stored key, for availability. */
  stored(orgId: string): KeyedProvider[] {
    return this.keyRows(orgId).map((r) => r.provider);
  }

  /** What a runner gets for this organisation's sessions. A key that no longer opens is left out and logged. */
  forRunner(orgId: string): OrgModels {
    const models: OrgModels = { baseUrls: this.baseUrls(orgId) };
    for (const row of this.keyRows(orgId)) {
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

  private keyRows(orgId: string): KeyRow[] {
    return this.db
      .prepare<[string], KeyRow>(
        `SELECT k.provider, k.sealed, k.updated_at, u.name AS updated_by_name
         FROM model_provider_keys k JOIN users u ON u.id = k.updated_by WHERE k.org_id = ? ORDER BY k.provider`,
      )
      .all(orgId);
  }

  private baseUrls(orgId: string): string[] {
    const row = this.db
      .prepare<[string], { urls: string }>('SELECT urls FROM model_base_urls WHERE org_id = ?')
      .get(orgId);
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
