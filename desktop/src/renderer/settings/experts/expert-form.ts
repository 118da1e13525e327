// The Expert editor's form: what is typed (kept as drafts across navigation,
// in this tab's sessionStorage so a reload keeps them too), and how it becomes
// the ExpertInput the server parses with the same schema.
import {
  DEFAULT_APPROVAL,
  ExpertInput,
  type Expert,
  type McpServer,
  type ModelProvider,
  type Scope,
  type ToolName,
} from '@orrery/shared';
import { checkWith, type FieldErrors } from '../common/form-errors.js';
import { storedDrafts } from '../../common/stored-drafts.js';

export interface ExpertForm {
  name: string;
  description: string;
  instructions: string;
  provider: ModelProvider;
  modelName: string;
  baseUrl: string;
  tools: ToolName[];
  defaultEnvironmentId: string | null;
  scope: Scope;
  /** Kept as they were: the editor does not show integrations yet. */
  integrations: string[];
  /** Tools whose every call waits for the owner's approval; null: the default (DEFAULT_APPROVAL). */
  approval: ToolName[] | null;
  /** Kept as they were (the editor lists them but does not edit them yet); absent in drafts from before. */
  mcpServers?: McpServer[];
}

export const TOOL_DESCRIPTIONS: Record<ToolName, string> = {
  run_command: 'Runs shell commands in the Environment (build, test, git).',
  read_file: 'Reads a file of the workspace.',
  write_file: 'Creates a file or replaces its whole content.',
  edit_file: 'Changes part of a file by replacing exact text.',
  list_files: 'Lists the files and folders of the workspace.',
  search_text: 'Searches the workspace’s files for text.',
  inspect_repository:
    'Reads a repository’s manifests (package.json, pyproject.toml, …) to draft an Environment.',
  propose_environment: 'Proposes an Environment definition as a card the user can review and create.',
  commit_changes: 'Commits the workspace’s changes in a repository, with a message it writes.',
  open_pull_request: 'Pushes a branch and opens a pull request (or GitLab merge request) for it.',
};

export function emptyForm(scope: Scope, defaultEnvironmentId: string | null): ExpertForm {
  return {
    name: '',
    description: '',
    instructions: '',
    provider: 'anthropic',
    modelName: 'claude-sonnet-4-5',
    baseUrl: '',
    tools: ['run_command', 'read_file', 'write_file', 'edit_file', 'list_files', 'search_text'],
    defaultEnvironmentId,
    scope,
    integrations: [],
    approval: null,
  };
}

export function formOf(expert: Expert): ExpertForm {
  return {
    name: expert.name,
    description: expert.description,
    instructions: expert.instructions,
    provider: expert.model.provider,
    modelName: expert.model.name,
    baseUrl: expert.model.baseUrl ?? '',
    tools: [...expert.capabilities.tools],
    defaultEnvironmentId: expert.defaultEnvironmentId,
    scope: expert.scope,
    integrations: [...expert.capabilities.integrations],
    approval: expert.capabilities.approval ? [...expert.capabilities.approval] : null,
    ...(expert.capabilities.mcpServers ? { mcpServers: [...expert.capabilities.mcpServers] } : {}),
  };
}

/** Whether calls of the tool wait for approval, as the form stands (drafts from before it knew say null). */
export function asksBefore(form: ExpertForm, tool: ToolName): boolean {
  return (form.approval ?? DEFAULT_APPROVAL).includes(tool);
}

/** The form with "Ask me before each use" set for one tool: from then on the list is explicit. */
export function withApproval(form: ExpertForm, tool: ToolName, ask: boolean): ExpertForm {
  const current = form.approval ?? [...DEFAULT_APPROVAL];
  const approval = ask ? [...new Set([...current, tool])] : current.filter((t) => t !== tool);
  return { ...form, approval };
}

/** What is sent: a base URL only for OpenAI-compatible models, no model name for the shell. */
export function inputOf(form: ExpertForm): ExpertInput {
  const baseUrl = form.provider === 'openai' && form.baseUrl.trim() ? form.baseUrl.trim() : undefined;
  return {
    name: form.name,
    description: form.description,
    instructions: form.instructions,
    model: {
      provider: form.provider,
      name: form.provider === 'shell' ? '' : form.modelName.trim(),
      ...(baseUrl ? { baseUrl } : {}),
    },
    // The approval list is sent as it is kept, even for tools now off, so turning one back on keeps its setting.
    capabilities: {
      tools: form.tools,
      integrations: form.integrations,
      ...(form.approval ? { approval: form.approval } : {}),
      ...(form.mcpServers?.length ? { mcpServers: form.mcpServers } : {}),
    },
    defaultEnvironmentId: form.defaultEnvironmentId,
    scope: form.scope,
  };
}

/** The server's own schema, and the one thing it leaves to the form: a model needs a name. */
export function checkForm(form: ExpertForm): FieldErrors {
  const errors = checkWith(ExpertInput, inputOf(form));
  // The schema's words for the two commonest slips are a programmer's; these say what to do.
  if (errors.name && !form.name.trim()) errors.name = 'Give the Expert a name.';
  if (errors['model.baseUrl'])
    errors['model.baseUrl'] =
      'Enter a full address starting with http:// or https://, e.g. http://localhost:11434/v1.';
  if (form.provider !== 'shell' && !form.modelName.trim())
    errors['model.name'] ??=
      form.provider === 'anthropic'
        ? 'Enter the model’s name, e.g. claude-sonnet-4-5.'
        : 'Enter the model’s name as the server knows it, e.g. gpt-4o or llama3.';
  return errors;
}

/** "Reviewer (copy)", "Reviewer (copy 2)"…: a name not yet taken, as the server requires. */
export function copyName(name: string, taken: readonly string[]): string {
  const used = new Set(taken.map((n) => n.trim().toLowerCase()));
  for (let n = 1; ; n++) {
    const candidate = `${name} (copy${n === 1 ? '' : ` ${n}`})`;
    if (!used.has(candidate.toLowerCase())) return candidate;
  }
}

// ── Drafts: one per Expert being edited ("new" for the one being made) ──

const drafts = storedDrafts<ExpertForm>('orrery.expertDrafts');

export const expertDrafts = {
  get: (key: string): ExpertForm | undefined => drafts.get(key),
  set: (key: string, form: ExpertForm): void => drafts.set(key, form),
  clear: (key: string): void => drafts.delete(key),
};
