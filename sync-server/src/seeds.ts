// Built-in Environments and Experts every organisation starts with. Seeding is
// idempotent by key, so adding an entry here adds it to existing installations
// on their next start.
import type { EnvironmentInput, ExpertInput, User } from '@orrery/shared';
import { EnvironmentInput as EnvironmentInputSchema, ExpertInput as ExpertInputSchema } from '@orrery/shared';
import type { Catalog } from './records/catalog.js';

export interface EnvironmentSeed {
  key: string;
  input: EnvironmentInput;
}

export interface ExpertSeed {
  key: string;
  /** The key of a seeded Environment to use by default, or null. */
  environmentKey: string | null;
  input: Omit<ExpertInput, 'defaultEnvironmentId'>;
}

export const BUILT_IN_ENVIRONMENTS: EnvironmentSeed[] = [
  {
    key: 'default',
    input: EnvironmentInputSchema.parse({
      name: 'Default',
      image: 'orrery/env-base:bookworm',
      scope: 'organisation',
    }),
  },
];

export const BUILT_IN_EXPERTS: ExpertSeed[] = [
  {
    key: 'shell',
    environmentKey: 'default',
    input: {
      name: 'Shell',
      description: 'Runs each message as a shell command in the Environment.',
      instructions:
        'Each message you send runs as a shell command (bash) in the Environment, in /workspace. ' +
        'Its output and exit code are the reply.',
      model: { provider: 'shell', name: '' },
      capabilities: { tools: ['run_command'], integrations: [] },
      scope: 'organisation',
    },
  },
  {
    key: 'coding-agent',
    environmentKey: 'default',
    input: {
      name: 'Coding agent',
      description:
        'Reads, changes and runs code in the Environment (Anthropic; needs ANTHROPIC_API_KEY on the runner).',
      instructions:
        'You are a careful software engineer working in the Environment. Read the relevant code before changing ' +
        'it, make small focused changes in the existing style, run the tests or the program to check your work, ' +
        'and finish with a short summary of what changed and what is left.',
      model: { provider: 'anthropic', name: 'claude-sonnet-4-5' },
      capabilities: {
        tools: ['run_command', 'read_file', 'write_file', 'edit_file', 'list_files', 'search_text'],
        integrations: [],
      },
      scope: 'organisation',
    },
  },
  {
    key: 'code-reviewer',
    environmentKey: 'default',
    input: {
      name: 'Code reviewer',
      description: 'Reviews code without changing it (Anthropic; needs ANTHROPIC_API_KEY on the runner).',
      instructions:
        'You review code. Read what you are asked about, run the tests if that helps, and report problems with ' +
        'file and line, most important first, with a concrete suggestion for each. Do not change files.',
      model: { provider: 'anthropic', name: 'claude-sonnet-4-5' },
      capabilities: { tools: ['run_command', 'read_file', 'list_files', 'search_text'], integrations: [] },
      scope: 'organisation',
    },
  },
  {
    key: 'local-model',
    environmentKey: 'default',
    input: {
      name: 'Local model',
      description:
        'Any OpenAI-compatible server, e.g. a model on your own machine (set OPENAI_BASE_URL, and OPENAI_API_KEY if it needs one).',
      instructions:
        'You are a helpful software engineer working in the Environment. Use the tools to look before you ' +
        'change anything, and check your work by running it.',
      model: { provider: 'openai', name: 'default' },
      capabilities: {
        tools: ['run_command', 'read_file', 'write_file', 'edit_file', 'list_files', 'search_text'],
        integrations: [],
      },
      scope: 'organisation',
    },
  },
];

/** Creates whichever built-ins the organisation lacks, owned by the given admin. */
export function seedBuiltIns(
  catalog: Catalog,
  admin: User,
  seeds: { environments: EnvironmentSeed[]; experts: ExpertSeed[] } = {
    environments: BUILT_IN_ENVIRONMENTS,
    experts: BUILT_IN_EXPERTS,
  },
): void {
  for (const seed of seeds.environments) {
    if (!catalog.builtIn('environment', admin.orgId, seed.key))
      catalog.createEnvironment(admin, seed.input, seed.key);
  }
  for (const seed of seeds.experts) {
    if (catalog.builtIn('expert', admin.orgId, seed.key)) continue;
    const env = seed.environmentKey ? catalog.builtIn('environment', admin.orgId, seed.environmentKey) : null;
    catalog.createExpert(
      admin,
      ExpertInputSchema.parse({ ...seed.input, defaultEnvironmentId: env }),
      seed.key,
    );
  }
}
