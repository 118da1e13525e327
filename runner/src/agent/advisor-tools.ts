// The Orrery Advisor's tools. They run on the runner, not in the session's
// container: one reads a repository under the rules of an Environment build,
// the other puts a drafted Environment in front of the session's owner. Neither
// creates anything: the owner does, with their own rights, from the card.
import { EnvironmentInput, type ToolName } from '@orrery/shared';
import { z } from 'zod';
import {
  describeInspection,
  InspectError,
  inspectRepository,
  type InspectRules,
} from './inspect-repository.js';
import type { ToolSpec } from './model.js';
import type { ToolContext, ToolOutcome } from './tools.js';

/** What the Advisor's tools need from the turn. */
export interface AdvisorContext extends InspectRules {
  /** Values of the secrets the session can see: a proposal never carries one. */
  secretValues: readonly string[];
  propose(proposal: { text: string; draft: EnvironmentInput }): void;
}

export interface AdvisorTool<S extends z.ZodType> {
  spec: ToolSpec & { name: ToolName };
  input: S;
  run(input: z.infer<S>, ctx: ToolContext, advisor: AdvisorContext): Promise<ToolOutcome>;
}

const inspect: AdvisorTool<z.ZodObject<{ repository: z.ZodString; ref: z.ZodOptional<z.ZodString> }>> = {
  spec: {
    name: 'inspect_repository',
    description:
      'Read a repository the user named (a git URL, or a folder path on the runner): its top-level files and the contents of manifests such as package.json, .nvmrc, pyproject.toml, requirements.txt, Gemfile, .ruby-version, go.mod and Cargo.toml. Use it before proposing an Environment for that repository.',
    inputSchema: {
      type: 'object',
      properties: {
        repository: { type: 'string', description: 'Git URL or absolute folder path.' },
        ref: { type: 'string', description: 'Branch or tag (default: the default branch).' },
      },
      required: ['repository'],
    },
  },
  input: z.object({ repository: z.string().min(1).max(2000), ref: z.string().max(250).optional() }),
  async run(input, ctx, advisor) {
    try {
      const inspection = await inspectRepository(input.repository, input.ref, advisor, ctx.signal);
      const text = describeInspection(inspection);
      ctx.onOutput(text);
      return { content: text, isError: false, exitCode: null };
    } catch (error) {
      if (error instanceof InspectError) return fail(error.message);
      throw error;
    }
  },
};

const DraftShape = z.object({
  summary: z.string().max(2000).default(''),
  environment: z.record(z.string(), z.unknown()),
});

const propose: AdvisorTool<typeof DraftShape> = {
  spec: {
    name: 'propose_environment',
    description:
      'Show the user a drafted Environment as a card they can review in Settings or create. It creates nothing itself. The draft is checked; if it is refused, fix what the answer names and propose again. Never put secret values (tokens, passwords, keys) in variables: tell the user to add them in Settings → Secrets.',
    inputSchema: {
      type: 'object',
      properties: {
        summary: {
          type: 'string',
          description: 'One or two sentences for the user on why it looks like this.',
        },
        environment: {
          type: 'object',
          properties: {
            name: { type: 'string', description: 'Letters, digits, spaces, ".", "_" or "-".' },
            image: { type: 'string', description: 'A Docker image with bash and git.' },
            repositories: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  url: { type: 'string' },
                  ref: { type: 'string' },
                  path: { type: 'string', description: 'Folder under /workspace.' },
                },
                required: ['url'],
              },
            },
            setupScript: { type: 'string', description: 'Bash run once when the Environment is built.' },
            variables: { type: 'object', additionalProperties: { type: 'string' } },
            network: { type: 'string', enum: ['none', 'internet'] },
          },
          required: ['name', 'image'],
        },
      },
      required: ['environment'],
    },
  },
  input: DraftShape,
  async run(input, ctx, advisor) {
    // Personal unless the owner changes it: creating it is their request, under their rights.
    const parsed = EnvironmentInput.safeParse({ scope: 'personal', ...input.environment });
    if (!parsed.success) {
      return fail(
        `The draft is not a valid Environment: ${parsed.error.issues
          .map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`)
          .join('; ')}`,
      );
    }
    const problem = secretProblem(parsed.data, advisor.secretValues);
    if (problem) return fail(problem);
    advisor.propose({ text: input.summary.trim(), draft: parsed.data });
    ctx.onOutput(`Proposed the Environment "${parsed.data.name}" (${parsed.data.image}).\n`);
    return {
      content: `Proposed "${parsed.data.name}" to the user as a card with Review in Settings and Create. Nothing was created; they decide.`,
      isError: false,
      exitCode: null,
    };
  },
};

/** Names people give secrets; such a variable would be readable by everyone who uses the Environment. */
const SECRET_NAME = /(^|_)(SECRET|TOKEN|PASSWORD|PASSWD|PASS|API_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTH)($|_)/i;

/** Why the draft may not be shown, or null: it must carry no secret value. */
function secretProblem(draft: EnvironmentInput, secretValues: readonly string[]): string | null {
  for (const name of Object.keys(draft.variables)) {
    if (SECRET_NAME.test(name)) {
      return `The variable ${name} looks like a secret, and variables are readable by everyone who starts a session on the Environment. Leave it out, and tell the user to add ${name} in Settings → Secrets.`;
    }
  }
  for (const repo of draft.repositories) {
    if (/^[a-z][a-z0-9+.-]*:\/\/[^/@]+@/i.test(repo.url) && !/^ssh:\/\/git@/i.test(repo.url)) {
      return 'A repository URL carries a user name or token. Use the plain URL and name a repository credential instead.';
    }
  }
  const text = JSON.stringify(draft);
  if (secretValues.some((v) => v.length >= 4 && text.includes(v))) {
    return 'The draft contains the value of one of the user’s secrets. Secrets reach sessions on their own; remove the value from the draft.';
  }
  return null;
}

export const ADVISOR_TOOLS = { inspect_repository: inspect, propose_environment: propose } as const;

function fail(content: string): ToolOutcome {
  return { content, isError: true, exitCode: null };
}
