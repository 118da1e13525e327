// Remote repositories of an Environment are cloned only from git hosts the
// egress policy allows (ORRERY_GIT_HOSTS), whoever wrote the Environment.
// Local paths are another rule's business (see repo-source.ts).
import { EgressError, type EgressPolicy } from '../egress/policy.js';
import { EnvironmentError } from './errors.js';
import { localPathOf } from './repo-source.js';
import type { EnvironmentDefinition } from './types.js';

export function checkRemoteRepositories(definition: EnvironmentDefinition, egress: EgressPolicy): void {
  for (const repo of definition.repositories) {
    if (localPathOf(repo.url) !== undefined) continue;
    try {
      egress.check('git', repo.url, `the Environment "${definition.name}"`);
    } catch (error) {
      if (!(error instanceof EgressError)) throw error;
      throw new EnvironmentError('bad_request', error.message, { cause: error });
    }
  }
}
