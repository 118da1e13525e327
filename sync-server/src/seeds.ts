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
  {
    key: 'advisor',
    environmentKey: 'default',
    input: {
      name: 'Orrery Advisor',
      description:
        'Helps you set up an Environment for your project: reads its repository and proposes one for you to review or create (Anthropic; needs ANTHROPIC_API_KEY on the runner).',
      instructions: [
        'You are the Orrery Advisor. You help people set up Orrery Environments: the container image, repositories, setup script and variables their sessions run with.',
        'When the user names a repository (a git URL, or a folder path on the runner), call inspect_repository on it and base the draft on what its manifests really say (language and version files, package managers, lock files). Do not guess versions a file states.',
        "Then call propose_environment with a draft: a short name, an image with bash and git (an official language image such as node:22-bookworm, python:3.12-bookworm or ruby:3.4-bookworm when the project needs that language; orrery/env-base:bookworm otherwise), the repository, a setup script that installs dependencies the way the project's lock file expects, and only non-secret variables. Builds run without network unless the Environment asks for it: say so when the setup script needs to download packages.",
        'Never put tokens, passwords or keys in a draft; tell the user to add them in Settings → Secrets, or as a repository credential for a private repository. You create nothing yourself: the user reviews the card and creates it with their own rights.',
        'If a tool refuses something, explain in plain words what the user or an administrator can change.',
      ].join('\n\n'),
      model: { provider: 'anthropic', name: 'claude-sonnet-4-5' },
      capabilities: { tools: ['inspect_repository', 'propose_environment'], integrations: [] },
      scope: 'organisation',
    },
  },
];

/**
 * Creates whichever built-ins the organisation lacks, owned by the given admin.
 * Two servers starting at once may both try: the unique key per built-in lets
 * one win, and the other takes the row it made.
 */
export async function seedBuiltIns(
  catalog: Catalog,
  admin: User,
  seeds: { environments: EnvironmentSeed[]; experts: ExpertSeed[] } = {
    environments: BUILT_IN_ENVIRONMENTS,
    experts: BUILT_IN_EXPERTS,
  },
): Promise<void> {
  for (const seed of seeds.environments) {
    await seedOnce(catalog, 'environment', admin.orgId, seed.key, () =>
      catalog.createEnvironment(admin, seed.input, seed.key),
    );
  }
  for (const seed of seeds.experts) {
    const env = seed.environmentKey
      ? await catalog.builtIn('environment', admin.orgId, seed.environmentKey)
      : null;
    await seedOnce(catalog, 'expert', admin.orgId, seed.key, () =>
      catalog.createExpert(
        admin,
        ExpertInputSchema.parse({ ...seed.input, defaultEnvironmentId: env }),
        seed.key,
      ),
    );
  }
}

async function seedOnce(
  catalog: Catalog,
  kind: 'expert' | 'environment',
  orgId: string,
  key: string,
  create: () => Promise<unknown>,
): Promise<void> {
  if (await catalog.builtIn(kind, orgId, key)) return;
  try {
    await create();
  } catch (err) {
    if (!(await catalog.builtIn(kind, orgId, key))) throw err;
  }
}
