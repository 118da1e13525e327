// Whether an Expert can run now, from what the server says of each model
// provider: Home, every Expert picker and the server's own refusal read the
// same answer, so a session is never started on an Expert that would fail.
import type { ModelProviderStatus } from './api.js';
import type { ModelProvider, ModelRef } from './domain.js';

export const PROVIDER_LABELS: Record<ModelProvider, string> = {
  anthropic: 'Anthropic',
  openai: 'OpenAI-compatible',
  shell: 'Shell',
};

/** What an admin must do so a provider can run, said the same way everywhere. */
export function providerUnavailableReason(provider: ModelProvider, runnerConnected: boolean): string {
  if (!runnerConnected)
    return 'No runner is connected. An admin must start a runner (npm start runs one) for sessions to run.';
  if (provider === 'anthropic')
    return 'No Anthropic API key is set. An admin must store one in Settings → Model providers, or set ANTHROPIC_API_KEY in a runner’s environment and restart it.';
  if (provider === 'openai')
    return 'No OpenAI-compatible API key is set. An admin must store one in Settings → Model providers or set OPENAI_API_KEY in a runner’s environment, or give the Expert a base URL.';
  return 'No connected runner can run it.';
}

/**
 * Null when the Expert can run; otherwise why not. An OpenAI-compatible model
 * with its own base URL needs no key (a local model server), only a runner.
 */
export function expertUnavailableReason(
  model: Pick<ModelRef, 'provider' | 'baseUrl'>,
  providers: readonly ModelProviderStatus[],
): string | null {
  const status = providers.find((p) => p.provider === model.provider);
  if (!status || status.available) return null;
  if (model.provider === 'openai' && model.baseUrl) {
    const shell = providers.find((p) => p.provider === 'shell');
    return shell && !shell.available ? shell.reason : null;
  }
  return status.reason;
}
