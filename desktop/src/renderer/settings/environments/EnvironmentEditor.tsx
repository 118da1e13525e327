// Creating or editing one Environment. Checked as it is typed with the
// server's own schema; a failed save shows the server's answer beside the
// field it names. The draft lives in a module-level store, so leaving the
// page or a refused save loses nothing.
import type { Environment } from '@orrery/shared';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../api/api-error.js';
import { settingsHref } from '../../app/router.js';
import { useServices } from '../../app/services-context.js';
import { CODE_EDITOR_KEYS, CodeEditor } from '../common/CodeEditor.js';
import { Field } from '../common/Field.js';
import { errorsOfFailure, type FieldErrors } from '../common/form-errors.js';
import { ManagedNote } from '../common/ManagedNote.js';
import { BuildPanel } from './BuildPanel.js';
import { DeleteEnvironment } from './DeleteEnvironment.js';
import { DurationField } from './DurationField.js';
import {
  DURATION_LIMITS,
  checkDraft,
  draftOf,
  dropDraft,
  inputOf,
  keepDraft,
  newDraft,
  storedDraft,
  variableErrors,
  type EnvironmentDraft,
} from './environment-draft.js';
import { RepositoriesField } from './RepositoriesField.js';
import { ScopeAndNetwork } from './ScopeAndNetwork.js';
import { useRepositoryCredentials } from './use-repository-credentials.js';
import { VariablesField } from './VariablesField.js';

export function EnvironmentEditor({
  environment,
  onSaved,
  onDeleted,
}: {
  /** Null for a new one. */
  environment: Environment | null;
  onSaved: (saved: Environment) => void;
  onDeleted: () => void;
}) {
  const { api, account } = useServices();
  const key = environment?.id ?? 'new';
  const [draft, setDraft] = useState<EnvironmentDraft>(
    () => storedDraft(key) ?? (environment ? draftOf(environment) : newDraft()),
  );
  // Said when the form opens on changes kept from before, so they are not taken for what is saved.
  const [resumed, setResumed] = useState(() => storedDraft(key) !== undefined);
  const [touched, setTouched] = useState<Set<string>>(() => new Set());
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const credentials = useRepositoryCredentials();

  const me = account.user;
  const isAdmin = me.role === 'admin';
  const canChange =
    !environment || environment.ownerId === me.id || (environment.scope === 'organisation' && isAdmin);
  const readOnly = !canChange;

  const clientErrors = checkDraft(draft);
  const shown: FieldErrors = {};
  for (const [path, message] of Object.entries(serverErrors)) {
    if (!path.startsWith('variables.')) shown[path] = message;
  }
  Object.assign(shown, variableErrors(draft, serverErrors));
  for (const [path, message] of Object.entries(clientErrors)) {
    if (submitted || touched.has(topField(path))) shown[path] = message;
  }

  const update = <K extends keyof EnvironmentDraft>(
    field: K,
    value: EnvironmentDraft[K],
    path: string = field,
  ) => {
    const next = { ...draft, [field]: value };
    setDraft(next);
    keepDraft(key, next);
    setSaved(false);
    if (path) setTouched((t) => (t.has(path) ? t : new Set(t).add(path)));
    // What the server said about this field no longer holds once it is changed.
    setServerErrors((errors) => withoutField(errors, path));
  };

  useEffect(() => {
    if (!submitted) return;
    form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [submitted, serverErrors]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    setServerErrors({});
    if (Object.keys(clientErrors).length) {
      // Focus moves to the first field to fix (the effect above runs on this change).
      setServerErrors({ '': 'Fix the fields marked above, then save again.' });
      return;
    }
    setSaving(true);
    try {
      const body = inputOf(draft);
      const res = environment
        ? await api.updateEnvironment(environment.id, body)
        : await api.createEnvironment(body);
      dropDraft(key);
      setResumed(false);
      setSubmitted(false);
      setTouched(new Set());
      setSaved(true);
      onSaved(res.environment);
    } catch (error) {
      setServerErrors(failureErrors(error, draft));
    } finally {
      setSaving(false);
    }
  };

  const heading = environment ? environment.name : 'New Environment';
  return (
    <section className="settings-section env-editor" aria-labelledby="settings-section-heading">
      <p className="env-back">
        <a href={settingsHref('environments')}>← All Environments</a>
      </p>
      <h2 id="settings-section-heading">{heading}</h2>
      {readOnly && <ManagedNote what={`${environment.name}, an organisation Environment,`} />}
      {resumed && !readOnly && (
        <div className="env-resumed" role="note">
          <p>Your unsaved changes from before are back. Save them, or discard them to start again.</p>
          <button
            type="button"
            className="secondary small"
            onClick={() => {
              dropDraft(key);
              setDraft(environment ? draftOf(environment) : newDraft());
              setServerErrors({});
              setTouched(new Set());
              setSubmitted(false);
              setResumed(false);
            }}
          >
            Discard changes
          </button>
        </div>
      )}
      <form ref={form} onSubmit={(e) => void save(e)} noValidate aria-label={heading}>
        <fieldset className="env-fields" disabled={readOnly}>
          <Field
            label="Name"
            hint="Unique in your organisation; people pick it when they start a session."
            error={shown.name}
          >
            <input type="text" value={draft.name} onChange={(e) => update('name', e.target.value)} />
          </Field>
          <Field
            label="Image"
            hint="Any container image with bash and git, e.g. orrery/env-base:bookworm or ruby:3.4."
            error={shown.image}
          >
            <input
              type="text"
              value={draft.image}
              spellCheck={false}
              onChange={(e) => update('image', e.target.value)}
            />
          </Field>
        </fieldset>
        <RepositoriesField
          rows={draft.repositories}
          onChange={(rows) =>
            // A row added, removed or moved is not yet a row typed in: its empty URL waits for Save.
            update('repositories', rows, rows.length === draft.repositories.length ? 'repositories' : '')
          }
          errors={shown}
          credentials={credentials}
          disabled={readOnly}
        />
        <Field
          label="Setup script"
          hint={`Runs with bash in /workspace after the repositories are cloned, when the Environment is built (e.g. bundle install). ${readOnly ? '' : CODE_EDITOR_KEYS}`}
          error={shown.setupScript}
        >
          <CodeEditor
            value={draft.setupScript}
            readOnly={readOnly}
            onChange={(value) => update('setupScript', value)}
          />
        </Field>
        <VariablesField
          rows={draft.variables}
          onChange={(rows) => update('variables', rows)}
          errors={shown}
          disabled={readOnly}
        />
        <fieldset className="env-group env-times" disabled={readOnly}>
          <legend>Time limits</legend>
          <DurationField
            label="Idle timeout"
            hint={`A session's machine pauses after this long without activity, and wakes on the next message. ${DURATION_LIMITS.idleTimeoutMs}`}
            error={shown.idleTimeoutMs}
            value={draft.idleTimeout}
            onChange={(value) => update('idleTimeout', value, 'idleTimeoutMs')}
          />
          <DurationField
            label="Maximum run time"
            hint={`The longest a session's machine runs at a time before it is paused. ${DURATION_LIMITS.maxRunTimeMs}`}
            error={shown.maxRunTimeMs}
            value={draft.maxRunTime}
            onChange={(value) => update('maxRunTime', value, 'maxRunTimeMs')}
          />
          <DurationField
            label="Clean restart after"
            hint={`Paused this long, a session's machine is removed and the next message starts from a fresh copy (uncommitted changes are lost). ${DURATION_LIMITS.cleanRestartAfterMs}`}
            error={shown.cleanRestartAfterMs}
            value={draft.cleanRestartAfter}
            onChange={(value) => update('cleanRestartAfter', value, 'cleanRestartAfterMs')}
          />
        </fieldset>
        <ScopeAndNetwork
          draft={draft}
          isAdmin={isAdmin}
          organisationName={account.organisation.name}
          errors={shown}
          disabled={readOnly}
          onNetwork={(network) => update('network', network)}
          onScope={(scope) => update('scope', scope)}
        />
        {!readOnly && (
          <div className="env-actions">
            <button type="submit" disabled={saving}>
              {saving ? 'Saving…' : environment ? 'Save changes' : 'Create Environment'}
            </button>
            {saved && (
              <p className="muted" role="status">
                Saved.
              </p>
            )}
            {shown[''] && (
              <p className="field-error" role="alert">
                {shown['']}
              </p>
            )}
          </div>
        )}
      </form>
      {environment && <BuildPanel environment={environment} />}
      {environment && canChange && (
        <div className="env-danger">
          <DeleteEnvironment environment={environment} onDeleted={onDeleted} />
        </div>
      )}
    </section>
  );
}

/** The draft field a schema path belongs to: "repositories.0.url" → "repositories". */
function topField(path: string): string {
  return path.split('.')[0]!;
}

function withoutField(errors: FieldErrors, field: string): FieldErrors {
  const entries = Object.entries(errors).filter(([path]) => topField(path) !== field);
  return entries.length === Object.keys(errors).length ? errors : Object.fromEntries(entries);
}

/** The server's answer, beside the field it is about where it says or where only one field can be meant. */
function failureErrors(error: unknown, draft: EnvironmentDraft): FieldErrors {
  const errors = errorsOfFailure(error);
  if (error instanceof ApiError && error.code === 'forbidden' && draft.scope === 'organisation')
    errors.scope = errors[''] ?? error.message;
  return errors;
}
