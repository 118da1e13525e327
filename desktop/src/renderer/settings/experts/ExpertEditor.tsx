// One Expert in Settings: made, changed, or (built-ins, and organisation
// Experts for members) read. What is typed is kept as a draft until it is
// saved or discarded, so leaving the page loses nothing.
import {
  ALL_TOOLS,
  PROVIDER_LABELS,
  ModelProvider,
  type Environment,
  type ExpertListItem,
  type McpServer,
} from '@orrery/shared';
import { useState, type FormEvent } from 'react';
import { navigate, settingsHref } from '../../app/router.js';
import { useServices } from '../../app/services-context.js';
import { useModelProviders } from '../../common/use-model-providers.js';
import { Field } from '../common/Field.js';
import { errorAt, errorsOfFailure, type FieldErrors } from '../common/form-errors.js';
import { ManagedNote } from '../common/ManagedNote.js';
import {
  TOOL_DESCRIPTIONS,
  asksBefore,
  checkForm,
  emptyForm,
  expertDrafts,
  formOf,
  inputOf,
  withApproval,
  type ExpertForm,
} from './expert-form.js';
import { canChangeExpert } from './use-expert-catalog.js';

export interface ExpertEditorProps {
  /** "new", or the id of the Expert. */
  item: string;
  experts: ExpertListItem[];
  environments: Environment[];
  onSaved: () => Promise<void>;
  onDuplicate: (expert: ExpertListItem) => void;
}

export function ExpertEditor({ item, experts, environments, onSaved, onDuplicate }: ExpertEditorProps) {
  const { api, account } = useServices();
  const { unavailable } = useModelProviders();
  const isAdmin = account.user.role === 'admin';
  const isNew = item === 'new';
  const expert = isNew ? null : (experts.find((e) => e.id === item) ?? null);
  const readOnly = !!expert && !canChangeExpert(expert, account.user);
  const saved = expert ? formOf(expert) : emptyForm('personal', environments[0]?.id ?? null);
  const [form, setForm] = useState<ExpertForm>(() => (!readOnly && expertDrafts.get(item)) || saved);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const changed = JSON.stringify(form) !== JSON.stringify(saved);

  if (!isNew && !expert)
    return (
      <section className="settings-section" aria-labelledby="settings-section-heading">
        <h2 id="settings-section-heading">Expert not found</h2>
        <p>There is no Expert {item} that you can see: it may have been deleted, or be someone else’s.</p>
        <a href={settingsHref('experts')}>Back to Experts</a>
      </section>
    );

  const update = (patch: Partial<ExpertForm>) => {
    const next = { ...form, ...patch };
    setForm(next);
    setNotice(null);
    if (JSON.stringify(next) === JSON.stringify(saved)) expertDrafts.clear(item);
    else expertDrafts.set(item, next);
    // Once a save was tried, problems follow the typing, as the server would judge it.
    if (tried) setErrors(checkForm(next));
  };

  async function save(e: FormEvent) {
    e.preventDefault();
    setTried(true);
    const problems = checkForm(form);
    setErrors(problems);
    if (Object.keys(problems).length) return;
    setBusy(true);
    try {
      const input = inputOf(form);
      const res = expert ? await api.updateExpert(expert.id, input) : await api.createExpert(input);
      expertDrafts.clear(item);
      await onSaved();
      setNotice(`Saved ${res.expert.name}.`);
      if (isNew) navigate({ name: 'settings', section: 'experts', item: res.expert.id });
    } catch (error) {
      setErrors(errorsOfFailure(error));
    } finally {
      setBusy(false);
    }
  }

  const discard = () => {
    expertDrafts.clear(item);
    setForm(saved);
    setErrors({});
    setTried(false);
  };
  const reason = unavailable(inputOf(form).model);
  const title = !expert ? 'New Expert' : readOnly ? expert.name : `Edit ${expert.name}`;

  return (
    <section className="settings-section expert-editor" aria-labelledby="settings-section-heading">
      <a className="back-link" href={settingsHref('experts')}>
        ← Experts
      </a>
      <h2 id="settings-section-heading">{title}</h2>
      {expert?.builtIn && (
        <p className="managed-note" role="note">
          Built-in Experts cannot be changed. Duplicate it to make one of your own.
        </p>
      )}
      {readOnly && !expert?.builtIn && <ManagedNote what="This organisation Expert" />}
      {!readOnly && changed && !isNew && (
        <p className="muted" role="status">
          You have unsaved changes.
        </p>
      )}
      <form onSubmit={(e) => void save(e)} noValidate aria-label={title}>
        <fieldset disabled={readOnly || busy} className="expert-fields">
          <Field label="Name" error={errorAt(errors, 'name')}>
            <input value={form.name} onChange={(e) => update({ name: e.target.value })} maxLength={120} />
          </Field>
          <Field
            label="Description"
            hint="One line shown on Home under its name."
            error={errorAt(errors, 'description')}
          >
            <input value={form.description} onChange={(e) => update({ description: e.target.value })} />
          </Field>
          <Field
            label="Instructions"
            hint="What the Expert is told before every session: its role, how to work, what to avoid."
            error={errorAt(errors, 'instructions')}
          >
            <textarea
              className="expert-instructions"
              rows={14}
              spellCheck
              value={form.instructions}
              onChange={(e) => update({ instructions: e.target.value })}
            />
          </Field>
          <ModelFields form={form} errors={errors} update={update} />
          <fieldset className="expert-tools">
            <legend>Tools</legend>
            {ALL_TOOLS.map((tool) => (
              <div key={tool} className="expert-tool-item">
                <label className="expert-tool">
                  <input
                    type="checkbox"
                    checked={form.tools.includes(tool)}
                    onChange={(e) =>
                      update({
                        tools: e.target.checked
                          ? ALL_TOOLS.filter((t) => t === tool || form.tools.includes(t))
                          : form.tools.filter((t) => t !== tool),
                      })
                    }
                  />
                  <span>
                    <code>{tool}</code> <span className="expert-tool-line">{TOOL_DESCRIPTIONS[tool]}</span>
                  </span>
                </label>
                {form.tools.includes(tool) && (
                  <label className="expert-tool-approval">
                    <input
                      type="checkbox"
                      aria-label={`Ask me before each use of ${tool}`}
                      checked={asksBefore(form, tool)}
                      onChange={(e) =>
                        update({ approval: withApproval(form, tool, e.target.checked).approval })
                      }
                    />{' '}
                    Ask me before each use
                  </label>
                )}
              </div>
            ))}
          </fieldset>
          {form.mcpServers?.length ? <McpServerList servers={form.mcpServers} /> : null}
          <Field
            label="Default Environment"
            hint="Where its sessions run unless one is chosen when starting."
            error={errorAt(errors, 'defaultEnvironmentId')}
          >
            <select
              value={form.defaultEnvironmentId ?? ''}
              onChange={(e) => update({ defaultEnvironmentId: e.target.value || null })}
            >
              <option value="">None (the session chooses)</option>
              {environments.map((env) => (
                <option key={env.id} value={env.id}>
                  {env.name}
                </option>
              ))}
            </select>
          </Field>
          <Field
            label="Who can use it"
            hint={isAdmin ? undefined : 'Only admins can share an Expert with the whole organisation.'}
            error={errorAt(errors, 'scope')}
          >
            <select
              value={form.scope}
              onChange={(e) => update({ scope: e.target.value as ExpertForm['scope'] })}
            >
              <option value="personal">Personal: only you</option>
              <option value="organisation" disabled={!isAdmin && form.scope !== 'organisation'}>
                Organisation: everyone in {account.organisation.name}
              </option>
            </select>
          </Field>
        </fieldset>
        {reason && <p className="expert-row-unavailable">It cannot run now: {reason}</p>}
        {formLevel(errors) && (
          <p className="field-error" role="alert">
            {formLevel(errors)}
          </p>
        )}
        {notice && (
          <p className="muted" role="status">
            {notice}
          </p>
        )}
        <div className="expert-editor-actions">
          {!readOnly && (
            <button type="submit" disabled={busy}>
              {busy ? 'Saving…' : isNew ? 'Create Expert' : 'Save changes'}
            </button>
          )}
          {!readOnly && changed && (
            <button type="button" className="secondary" onClick={discard} disabled={busy}>
              Discard changes
            </button>
          )}
          {expert && (
            <button type="button" className="secondary" onClick={() => onDuplicate(expert)}>
              Duplicate
            </button>
          )}
        </div>
      </form>
    </section>
  );
}

function ModelFields({
  form,
  errors,
  update,
}: {
  form: ExpertForm;
  errors: FieldErrors;
  update: (patch: Partial<ExpertForm>) => void;
}) {
  return (
    <div className="expert-model">
      <Field label="Model provider" error={errorAt(errors, 'model.provider')}>
        <select
          value={form.provider}
          onChange={(e) => update({ provider: e.target.value as ExpertForm['provider'] })}
        >
          {ModelProvider.options.map((p) => (
            <option key={p} value={p}>
              {PROVIDER_LABELS[p]}
            </option>
          ))}
        </select>
      </Field>
      {form.provider === 'shell' ? (
        <p className="field-hint expert-shell-hint">
          No model: each message runs as a shell command in the Environment, and its output is the reply.
        </p>
      ) : (
        <Field label="Model name" error={errorAt(errors, 'model.name')}>
          <input
            value={form.modelName}
            onChange={(e) => update({ modelName: e.target.value })}
            placeholder={form.provider === 'anthropic' ? 'claude-sonnet-4-5' : 'gpt-4o'}
          />
        </Field>
      )}
      {form.provider === 'openai' && (
        <Field
          label="Base URL"
          hint="Where the OpenAI-compatible API lives, e.g. http://localhost:11434/v1. Empty for the runner’s own."
          error={errorAt(errors, 'model.baseUrl')}
        >
          <input
            type="url"
            value={form.baseUrl}
            onChange={(e) => update({ baseUrl: e.target.value })}
            placeholder="https://api.openai.com/v1"
          />
        </Field>
      )}
    </div>
  );
}

/** What the form says above its buttons: only what no field says already. */
function formLevel(errors: FieldErrors): string | undefined {
  const fields = Object.keys(errors).filter((k) => k !== '');
  return fields.length ? 'Check the fields marked above.' : errors[''];
}

/** The MCP servers the Expert lists, as its capabilities say (set through the API for now). */
function McpServerList({ servers }: { servers: readonly McpServer[] }) {
  return (
    <section className="expert-tools" aria-labelledby="expert-mcp-heading">
      <h3 id="expert-mcp-heading">MCP servers</h3>
      <p className="muted">
        Their tools are offered as <code>server__tool</code> beside the ones above.
      </p>
      <ul aria-label="MCP servers">
        {servers.map((server) => (
          <li key={server.name}>
            <code>{server.name}</code>{' '}
            {server.transport === 'stdio'
              ? `runs in the Environment: ${[server.command, ...server.args].join(' ')}`
              : `at ${server.url}`}
            {secretsNote(server)}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Which of the owner's secrets a server takes its headers or variables from (names only). */
function secretsNote(server: McpServer): string {
  const names = Object.values((server.transport === 'stdio' ? server.env : server.headers) ?? {});
  return names.length ? ` (with the secrets ${names.join(', ')})` : '';
}
