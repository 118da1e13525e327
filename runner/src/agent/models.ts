// Chooses the model client for an Expert. Keys come from the runner's
// configuration only; they never travel through documents or logs.
import type { Expert } from '@orrery/shared';
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

/** Secret values the runner must strip from anything it writes. */
export function keyValues(keys: ProviderKeys): string[] {
  return [keys.anthropicApiKey, keys.openaiApiKey].filter((k): k is string => !!k);
}

export function modelFactory(keys: ProviderKeys): (expert: Expert) => ModelClient {
  return (expert) => {
    const { provider, name, baseUrl } = expert.model;
    switch (provider) {
      case 'anthropic': {
        if (!keys.anthropicApiKey) {
          throw new ModelError(
            'no_key',
            `The Expert "${expert.name}" uses Anthropic, but the runner has no Anthropic API key. Set ANTHROPIC_API_KEY in the runner's environment, restart it, and send your message again.`,
          );
        }
        return new AnthropicClient({
          apiKey: keys.anthropicApiKey,
          model: name,
          baseUrl: baseUrl ?? keys.anthropicBaseUrl,
          ...(keys.maxRetries !== undefined ? { maxRetries: keys.maxRetries } : {}),
        });
      }
      case 'openai': {
        const url = baseUrl ?? keys.openaiBaseUrl;
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
