// Chooses the model client for an Expert. Keys come from the runner's
// configuration only; they never travel through documents or logs, and go
// only where the egress policy allows (see ../egress/policy.ts).
import type { Expert, ModelProvider, OrgModels } from '@orrery/shared';
import { EgressError, EgressPolicy } from '../egress/policy.js';
import { ModelError, type ModelClient } from './model.js';
import { AnthropicClient } from './providers/anthropic.js';
import { OpenAIClient } from './providers/openai.js';

export interface ProviderKeys {
  anthropicApiKey?: string | undefined;
  anthropicBaseUrl?: string | undefined;
  openaiApiKey?: string | undefined;
  openaiBaseUrl?: string | undefined;
  maxRetries?: number | undefined;
}

export function providerKeysFromEnv(env: Record<string, string | undefined>): ProviderKeys {
  return {
    anthropicApiKey: env.ANTHROPIC_API_KEY?.trim() || undefined,
    anthropicBaseUrl: env.ANTHROPIC_BASE_URL?.trim() || undefined,
    openaiApiKey: env.OPENAI_API_KEY?.trim() || undefined,
    openaiBaseUrl: env.OPENAI_BASE_URL?.trim() || undefined,
  };
}

/**
 * The providers this runner can run, for the server to tell people (the keys
 * themselves never leave the runner). An OpenAI-compatible server the runner
 * is pointed at needs no key.
 */
export function providersHeld(keys: ProviderKeys): ModelProvider[] {
  const held: ModelProvider[] = ['shell'];
  if (keys.anthropicApiKey) held.push('anthropic');
  if (keys.openaiApiKey || keys.openaiBaseUrl) held.push('openai');
  return held;
}

/** Secret values the runner must strip from anything it writes. */
export function keyValues(keys: ProviderKeys): string[] {
  return [keys.anthropicApiKey, keys.openaiApiKey].filter((k): k is string => !!k);
}

/** Where each provider's API lives when nobody says otherwise. */
export const OFFICIAL_BASE_URLS = {
  anthropic: 'https://api.anthropic.com',
  openai: 'https://api.openai.com/v1',
} as const;

/**
 * A base URL an Expert names is used only when it is the provider's official
 * endpoint, the one the administrator set (ANTHROPIC_BASE_URL / OPENAI_BASE_URL)
 * or one listed in ORRERY_MODEL_BASE_URLS; otherwise nothing is sent at all.
 */
function allowedBaseUrl(
  expert: Expert,
  egress: EgressPolicy,
  official: string,
  adminSet: string | undefined,
): string | undefined {
  const { baseUrl } = expert.model;
  if (baseUrl === undefined) return adminSet;
  try {
    egress.with('model', [official, adminSet]).check('model', baseUrl, `the Expert "${expert.name}"`);
  } catch (error) {
    if (error instanceof EgressError) throw new ModelError('not_allowed', error.message, { cause: error });
    throw error;
  }
  return baseUrl;
}

/**
 * The runner's own keys win; the organisation's (stored in Settings → Model
 * providers, sent with the session) fill in what the runner lacks, and its
 * allowed base URLs extend ORRERY_MODEL_BASE_URLS for its sessions only.
 */
export function withOrgModels(
  keys: ProviderKeys,
  egress: EgressPolicy,
  org: OrgModels | undefined,
): { keys: ProviderKeys; egress: EgressPolicy } {
  if (!org) return { keys, egress };
  return {
    keys: {
      ...keys,
      anthropicApiKey: keys.anthropicApiKey ?? org.anthropicApiKey,
      openaiApiKey: keys.openaiApiKey ?? org.openaiApiKey,
    },
    egress: org.baseUrls.length ? egress.with('model', org.baseUrls) : egress,
  };
}

export function modelFactory(
  runnerKeys: ProviderKeys,
  runnerEgress: EgressPolicy = EgressPolicy.of(),
): (expert: Expert, org?: OrgModels) => ModelClient {
  return (expert, org) => {
    const { keys, egress } = withOrgModels(runnerKeys, runnerEgress, org);
    const { provider, name } = expert.model;
    switch (provider) {
      case 'anthropic': {
        const baseUrl = allowedBaseUrl(expert, egress, OFFICIAL_BASE_URLS.anthropic, keys.anthropicBaseUrl);
        if (!keys.anthropicApiKey) {
          throw new ModelError(
            'no_key',
            `The Expert "${expert.name}" uses Anthropic, but the runner has no Anthropic API key. Set ANTHROPIC_API_KEY in the runner's environment, restart it, and send your message again.`,
          );
        }
        return new AnthropicClient({
          apiKey: keys.anthropicApiKey,
          model: name,
          baseUrl,
          ...(keys.maxRetries !== undefined ? { maxRetries: keys.maxRetries } : {}),
        });
      }
      case 'openai': {
        const url = allowedBaseUrl(expert, egress, OFFICIAL_BASE_URLS.openai, keys.openaiBaseUrl);
        // Local OpenAI-compatible servers usually need no key.
        if (!keys.openaiApiKey && !url) {
          throw new ModelError(
            'no_key',
            `The Expert "${expert.name}" uses an OpenAI-compatible model, but the runner has no OPENAI_API_KEY and the Expert no base URL. Set one of them and send your message again.`,
          );
        }
        return new OpenAIClient({
          apiKey: keys.openaiApiKey ?? 'none',
          model: name,
          baseUrl: url,
          ...(keys.maxRetries !== undefined ? { maxRetries: keys.maxRetries } : {}),
        });
      }
      case 'shell':
        throw new ModelError(
          'bad_request',
          `The Expert "${expert.name}" runs commands itself and has no model.`,
        );
    }
  };
}
