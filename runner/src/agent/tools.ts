// The tools an Expert may use, all run inside the session's Environment.
// Inputs come from a model, so each is validated and every failure becomes a
// tool result the model can read and recover from.
import type { ToolName } from '@orrery/shared';
import { z } from 'zod';
import { ADVISOR_TOOLS, type AdvisorContext, type AdvisorTool } from './advisor-tools.js';
import type { McpTools } from './mcp/connections.js';
import type { ToolSpec } from './model.js';
import { shellQuote } from '../environments/index.js';
import { resolvePath, type Workspace } from './workspace.js';

export interface ToolContext {
  workspace: Workspace;
  signal: AbortSignal;
  /** Streamed output for the transcript. */
  onOutput: (chunk: string) => void;
  /** Environment variables for commands (the Environment's own are already set). */
  env?: Record<string, string>;
  /** For the Advisor's runner-side tools; absent where the runner offers none. */
  advisor?: AdvisorContext;
  /** Committing and opening pull requests, done by the runner (it holds the credentials); absent where it cannot. */
  ship?: ShipContext;
  /** The tools of the Expert's MCP servers connected for this turn. */
  mcp?: McpTools;
}

/** The same path a person's Commit and Open pull request take (runner/src/changes). */
export interface ShipContext {
  commit(input: { repository?: string | undefined; message: string }): Promise<string>;
  openPullRequest(input: {
    repository?: string | undefined;
    title: string;
    body: string;
    base?: string | undefined;
  }): Promise<string>;
}

export interface ToolOutcome {
  /** What the model reads. */
  content: string;
  isError: boolean;
  exitCode: number | null;
}

interface Tool<S extends z.ZodType> {
  spec: ToolSpec;
  input: S;
  run(input: z.infer<S>, ctx: ToolContext): Promise<ToolOutcome>;
}

/** Caps what a tool hands back to the model; the transcript keeps the full stream. */
export const MAX_RESULT_CHARS = 30_000;
const COMMAND_TIMEOUT_MS = 10 * 60_000;
const NO_OUTPUT_TIMEOUT_MS = 5 * 60_000;
const MAX_READ_BYTES = 1024 * 1024;

function tool<S extends z.ZodType>(t: Tool<S>): Tool<S> {
  return t;
}

const runCommand = tool({
  spec: {
    name: 'run_command',
    description:
      'Run a bash command in the Environment (working folder /workspace unless cwd is given). Returns the exit code, stdout and stderr. Use for builds, tests, git and anything else a terminal does.',
    inputSchema: {
      type: 'object',
      properties: {
        command: { type: 'string', description: 'The bash command line.' },
        cwd: { type: 'string', description: 'Working folder, relative to /workspace or absolute.' },
        timeout_seconds: {
          type: 'number',
          description: 'Kill the command after this many seconds (default 600).',
        },
      },
      required: ['command'],
    },
  },
  input: z.object({
    command: z.string().min(1),
    cwd: z.string().optional(),
    timeout_seconds: z.number().positive().max(3600).optional(),
  }),
  async run(input, ctx) {
    const result = await ctx.workspace.exec({
      command: input.command,
      cwd: resolvePath(input.cwd ?? '.'),
      ...(ctx.env ? { env: ctx.env } : {}),
      timeoutMs: input.timeout_seconds ? input.timeout_seconds * 1000 : COMMAND_TIMEOUT_MS,
      noOutputTimeoutMs: NO_OUTPUT_TIMEOUT_MS,
      signal: ctx.signal,
      onStdout: ctx.onOutput,
      onStderr: ctx.onOutput,
    });
    const ended =
      result.ended === 'timeout'
        ? 'The command was killed: it ran past its time limit.\n'
        : result.ended === 'no_output_timeout'
          ? 'The command was killed: it printed nothing for too long.\n'
          : result.ended === 'cancelled'
            ? 'The command was cancelled.\n'
            : '';
    const content = `${ended}exit code: ${result.exitCode ?? 'none'}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`;
    return { content: cap(content), isError: result.exitCode !== 0, exitCode: result.exitCode };
  },
});

const readFile = tool({
  spec: {
    name: 'read_file',
    description: 'Read a text file from the Environment. Optionally a range of lines (1-based).',
    inputSchema: {
      type: 'object',
      properties: {
        path: { type: 'string' },
        start_line: { type: 'number' },
        end_line: { type: 'number' },
      },
      required: ['path'],
    },
  },
  input: z.object({
    path: z.string().min(1),
    start_line: z.number().int().positive().optional(),
    end_line: z.number().int().positive().optional(),
  }),
  async run(input, ctx) {
    const bytes = await ctx.workspace.readFile(resolvePath(input.path));
    if (bytes.length > MAX_READ_BYTES && !input.start_line) {
      return fail(`${input.path} is ${bytes.length} bytes; read it in ranges with start_line and end_line.`);
    }
    let text = new TextDecoder().decode(bytes);
    if (input.start_line || input.end_line) {
      const lines = text.split('\n');
      text = lines.slice((input.start_line ?? 1) - 1, input.end_line ?? lines.length).join('\n');
    }
    return ok(cap(text));
  },
});

const writeFile = tool({
  spec: {
    name: 'write_file',
    description:
      'Create or overwrite a file in the Environment with the given content. Parent folders are created.',
    inputSchema: {
      type: 'object',
      properties: { path: { type: 'string' }, content: { type: 'string' } },
      required: ['path', 'content'],
    },
  },
  input: z.object({ path: z.string().min(1), content: z.string() }),
  async run(input, ctx) {
    const path = resolvePath(input.path);
    await ctx.workspace.writeFile(path, input.content);
    ctx.onOutput(`wrote ${Buffer.byteLength(input.content)} bytes to ${path}\n`);
    return ok(`Wrote ${path}.`);
  },
});

const editFile = tool({
  spec: {
    name: 'edit_file',
    description:
      'Replace exactly one occurrence of old_text with new_text in a file. old_text must match the file exactly (including whitespace) and be unique in it.',
    inputSchema: {
      type: 'object',
      properties: { path: { type: 'string' }, old_text: { type: 'string' }, new_text: { type: 'string' } },
      required: ['path', 'old_text', 'new_text'],
    },
  },
  input: z.object({ path: z.string().min(1), old_text: z.string().min(1), new_text: z.string() }),
  async run(input, ctx) {
    const path = resolvePath(input.path);
    const text = new TextDecoder().decode(await ctx.workspace.readFile(path));
    const first = text.indexOf(input.old_text);
    if (first < 0) return fail(`old_text was not found in ${path}; read the file and copy the text exactly.`);
    if (text.indexOf(input.old_text, first + 1) >= 0) {
      return fail(
        `old_text occurs more than once in ${path}; include more surrounding lines so it is unique.`,
      );
    }
    const updated = text.slice(0, first) + input.new_text + text.slice(first + input.old_text.length);
    await ctx.workspace.writeFile(path, updated);
    ctx.onOutput(`edited ${path}\n`);
    return ok(`Edited ${path}.`);
  },
});

const listFiles = tool({
  spec: {
    name: 'list_files',
    description:
      'List files and folders at a path in the Environment (default /workspace), optionally recursively.',
    inputSchema: {
      type: 'object',
      properties: { path: { type: 'string' }, recursive: { type: 'boolean' } },
    },
  },
  input: z.object({ path: z.string().optional(), recursive: z.boolean().optional() }),
  async run(input, ctx) {
    const entries = await ctx.workspace.listFiles(resolvePath(input.path ?? '.'), {
      recursive: input.recursive ?? false,
      limit: 2000,
    });
    const lines = entries.map((e) => (e.type === 'directory' ? `${e.path}/` : `${e.path} (${e.size} bytes)`));
    return ok(cap(lines.join('\n') || '(empty)'));
  },
});

const searchText = tool({
  spec: {
    name: 'search_text',
    description:
      'Search files for a regular expression (grep -E), printing matching lines with file and line number.',
    inputSchema: {
      type: 'object',
      properties: { pattern: { type: 'string' }, path: { type: 'string' } },
      required: ['pattern'],
    },
  },
  input: z.object({ pattern: z.string().min(1), path: z.string().optional() }),
  async run(input, ctx) {
    const result = await ctx.workspace.exec({
      command: `grep -rnIE --exclude-dir=.git -e ${shellQuote(input.pattern)} -- ${shellQuote(resolvePath(input.path ?? '.'))} | head -n 500`,
      timeoutMs: 60_000,
      signal: ctx.signal,
    });
    if (result.stderr.trim() && !result.stdout) return fail(result.stderr.trim());
    ctx.onOutput(result.stdout);
    return ok(cap(result.stdout || 'No matches.'));
  },
});

/** A tool that runs on the runner and needs the Advisor's context. */
function runnerSide<S extends z.ZodType>(t: AdvisorTool<S>): Tool<S> {
  return {
    spec: t.spec,
    input: t.input,
    run: (input, ctx) =>
      ctx.advisor
        ? t.run(input, ctx, ctx.advisor)
        : Promise.resolve(fail(`${t.spec.name} is not available in this session.`)),
  };
}

const commitChanges = tool({
  spec: {
    name: 'commit_changes',
    description:
      'Commit every change in a repository of the workspace (tracked, new and deleted files; ignored files stay out) with the given message. Names the repository by its folder under /workspace when the Environment has several.',
    inputSchema: {
      type: 'object',
      properties: {
        message: { type: 'string', description: 'The commit message: a subject line, a blank line, a body.' },
        repository: { type: 'string', description: 'The repository folder under /workspace (optional).' },
      },
      required: ['message'],
    },
  },
  input: z.object({
    message: z.string().trim().min(1).max(10_000),
    repository: z.string().max(4096).optional(),
  }),
  async run(input, ctx) {
    if (!ctx.ship) return fail('commit_changes is not available in this session.');
    const text = await ctx.ship.commit({ repository: input.repository, message: input.message });
    ctx.onOutput(`${text}\n`);
    return ok(text);
  },
});

const openPullRequest = tool({
  spec: {
    name: 'open_pull_request',
    description:
      "Push the repository's commits to a new branch named after the session and open a pull request (GitLab: merge request) with this title and body. Commit first with commit_changes.",
    inputSchema: {
      type: 'object',
      properties: {
        title: { type: 'string' },
        body: { type: 'string', description: 'Markdown: what changed and why, how it was tested.' },
        base: {
          type: 'string',
          description: 'The branch to merge into (default: the one the Environment checks out).',
        },
        repository: { type: 'string', description: 'The repository folder under /workspace (optional).' },
      },
      required: ['title', 'body'],
    },
  },
  input: z.object({
    title: z.string().trim().min(1).max(256),
    body: z.string().max(65_536),
    base: z.string().max(255).optional(),
    repository: z.string().max(4096).optional(),
  }),
  async run(input, ctx) {
    if (!ctx.ship) return fail('open_pull_request is not available in this session.');
    const text = await ctx.ship.openPullRequest({
      repository: input.repository,
      title: input.title,
      body: input.body,
      base: input.base,
    });
    ctx.onOutput(`${text}\n`);
    return ok(text);
  },
});

const TOOLS = {
  run_command: runCommand,
  read_file: readFile,
  write_file: writeFile,
  edit_file: editFile,
  list_files: listFiles,
  search_text: searchText,
  inspect_repository: runnerSide(ADVISOR_TOOLS.inspect_repository),
  propose_environment: runnerSide(ADVISOR_TOOLS.propose_environment),
  commit_changes: commitChanges,
  open_pull_request: openPullRequest,
} satisfies Record<ToolName, Tool<z.ZodType>>;

export function toolSpecs(names: readonly ToolName[]): ToolSpec[] {
  return names.map((n) => TOOLS[n].spec);
}

/** Runs a tool the model asked for; unknown tools and bad input come back as errors the model can read. */
export async function runTool(
  name: string,
  rawInput: unknown,
  allowed: readonly ToolName[],
  ctx: ToolContext,
): Promise<ToolOutcome> {
  if (ctx.mcp?.has(name)) return ctx.mcp.call(name, rawInput, ctx);
  if (!(allowed as readonly string[]).includes(name)) {
    const offered = [...allowed, ...(ctx.mcp?.specs.map((s) => s.name) ?? [])];
    return fail(`There is no tool named ${name}. Available: ${offered.join(', ')}.`);
  }
  const t = TOOLS[name as ToolName] as Tool<z.ZodType>;
  const parsed = t.input.safeParse(rawInput);
  if (!parsed.success) {
    return fail(
      `Invalid input for ${name}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`,
    );
  }
  try {
    return await t.run(parsed.data, ctx);
  } catch (error) {
    return fail(`${name} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function ok(content: string): ToolOutcome {
  return { content, isError: false, exitCode: null };
}
function fail(content: string): ToolOutcome {
  return { content, isError: true, exitCode: null };
}
function cap(text: string): string {
  return text.length <= MAX_RESULT_CHARS
    ? text
    : `${text.slice(0, MAX_RESULT_CHARS)}\n[… cut: ${text.length - MAX_RESULT_CHARS} more characters]`;
}
