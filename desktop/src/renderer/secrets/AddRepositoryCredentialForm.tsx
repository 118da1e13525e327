// Adding a repository credential: its name (what an Environment's repository
// names), the one git host it is sent to, its kind (an HTTPS token or an SSH
// private key), its value, and who may use it. Name, host and kind survive
// navigation as a draft; the value never leaves its box (see ValueField).
import {
  PutRepositoryCredentialRequest,
  forgeOfHost,
  type Forge,
  SecretName,
  type RepositoryCredentialKind,
  type RepositoryCredentialSummary,
  type SecretScope,
} from '@orrery/shared';
import { useId, useRef, useState, type FormEvent } from 'react';
import { Field } from '../settings/common/Field.js';
import { checkWith, errorsOfFailure, type FieldErrors } from '../settings/common/form-errors.js';
import { ValueField } from './ValueField.js';

export interface AddRepositoryCredentialFormProps {
  isAdmin: boolean;
  onSave: (
    scope: SecretScope,
    name: string,
    body: PutRepositoryCredentialRequest,
  ) => Promise<RepositoryCredentialSummary>;
}

interface Draft {
  name: string;
  host: string;
  kind: RepositoryCredentialKind;
  scope: SecretScope;
  /** Who takes pull requests for the host; null until chosen, following what the host says of itself. */
  forge?: Forge | 'none' | null;
}

const EMPTY: Draft = { name: '', host: '', kind: 'https-token', scope: 'private', forge: null };

export const FORGE_LABELS: Record<Forge | 'none', string> = {
  github: 'GitHub',
  gitlab: 'GitLab',
  none: 'None',
};

function forgeOf(form: Draft): Forge | 'none' {
  return form.forge ?? forgeOfHost(form.host.trim()) ?? 'none';
}
// Kept across navigation within the app; never the value.
let draft: Draft = EMPTY;

export function AddRepositoryCredentialForm({ isAdmin, onSave }: AddRepositoryCredentialFormProps) {
  const id = useId();
  const valueRef = useRef<HTMLTextAreaElement>(null);
  const [form, setFormState] = useState<Draft>(draft);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [valueKey, setValueKey] = useState(0);

  const setForm = (patch: Partial<Draft>) => {
    const next = { ...form, ...patch };
    draft = next;
    setFormState(next);
    setSaved(null);
    setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !(k in patch))));
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(null);
    const value = valueRef.current?.value ?? '';
    const forge = forgeOf(form);
    const body = { host: form.host, kind: form.kind, value, forge: forge === 'none' ? null : forge };
    const found: FieldErrors = { ...checkWith(PutRepositoryCredentialRequest, body) };
    const name = checkWith(SecretName, form.name)[''];
    if (name) found.name = name;
    if (form.scope === 'shared' && !isAdmin)
      found.scope = 'Only admins can add shared repository credentials.';
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    try {
      const credential = await onSave(form.scope, form.name, PutRepositoryCredentialRequest.parse(body));
      setSaved(`Saved ${credential.name} for ${credential.host}. Its value cannot be shown again.`);
      draft = EMPTY;
      setFormState(EMPTY);
      setValueKey((k) => k + 1);
    } catch (error) {
      setErrors(errorsOfFailure(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="secret-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Add a repository credential</h2>
      <Field
        label="Name"
        error={errors.name}
        hint="What an Environment’s repository names, e.g. GITHUB_DEPLOY."
      >
        <input
          value={form.name}
          placeholder="GITHUB_DEPLOY"
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          onChange={(e) => setForm({ name: e.target.value })}
        />
      </Field>
      <Field
        label="Host"
        error={errors.host}
        hint="The one git host it is sent to, e.g. github.com or git.example.com:8443."
      >
        <input
          value={form.host}
          placeholder="github.com"
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          onChange={(e) => setForm({ host: e.target.value })}
        />
      </Field>
      <Field
        label="Pull requests"
        error={errors.forge}
        hint="Where Open pull request goes for this host; set from the host when it says (github.com, gitlab.com)."
      >
        <select value={forgeOf(form)} onChange={(e) => setForm({ forge: e.target.value as Forge | 'none' })}>
          <option value="github">{FORGE_LABELS.github}</option>
          <option value="gitlab">{FORGE_LABELS.gitlab}</option>
          <option value="none">{FORGE_LABELS.none}</option>
        </select>
      </Field>
      <fieldset className="secret-scope">
        <legend>Kind</legend>
        <label>
          <input
            type="radio"
            name={`${id}-kind`}
            checked={form.kind === 'https-token'}
            onChange={() => setForm({ kind: 'https-token' })}
          />{' '}
          HTTPS token — for https:// URLs (a token, or user:token)
        </label>
        <label>
          <input
            type="radio"
            name={`${id}-kind`}
            checked={form.kind === 'ssh-key'}
            onChange={() => setForm({ kind: 'ssh-key' })}
          />{' '}
          SSH private key — for git@host:path URLs (no passphrase)
        </label>
      </fieldset>
      <ValueField
        key={valueKey}
        inputRef={valueRef}
        label="Value"
        error={errors.value ?? null}
        onCheck={() => errors.value && setErrors(({ value: _gone, ...rest }) => rest)}
      />
      <fieldset className="secret-scope">
        <legend>Who may use it</legend>
        <label>
          <input
            type="radio"
            name={`${id}-scope`}
            checked={form.scope === 'private'}
            onChange={() => setForm({ scope: 'private' })}
          />{' '}
          Private — only your Environments’ builds
        </label>
        <label className={isAdmin ? undefined : 'disabled'}>
          <input
            type="radio"
            name={`${id}-scope`}
            checked={form.scope === 'shared'}
            disabled={!isAdmin}
            aria-describedby={isAdmin ? undefined : `${id}-shared-reason`}
            onChange={() => setForm({ scope: 'shared' })}
          />{' '}
          Shared — anyone in the organisation may name it
        </label>
        {!isAdmin && (
          <p id={`${id}-shared-reason`} className="field-help">
            Managed by admins: only admins can add shared repository credentials.
          </p>
        )}
      </fieldset>
      <div className="secret-form-actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Add credential'}
        </button>
        {errors[''] && (
          <p className="field-error" role="alert">
            {errors['']}
          </p>
        )}
        {saved && (
          <p className="muted" role="status">
            {saved}
          </p>
        )}
      </div>
    </form>
  );
}
