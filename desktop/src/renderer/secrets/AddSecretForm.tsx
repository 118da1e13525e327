// Adding a secret: its name (checked as it is typed, with an offer to turn
// "github-token" into GITHUB_TOKEN), its value, and whether it is private or
// shared. A name that exists in the chosen scope replaces that value.
import type { SecretScope, SecretSummary } from '@orrery/shared';
import { useId, useRef, useState, type FormEvent } from 'react';
import { describeSecretError, type SecretErrorText } from './secret-errors.js';
import { findSecret } from './secret-list.js';
import { nameProblem, toSecretName, valueProblem } from './secret-name.js';
import { ValueField } from './ValueField.js';

export interface AddSecretFormProps {
  secrets: SecretSummary[];
  isAdmin: boolean;
  organisationName: string;
  onSave: (scope: SecretScope, name: string, value: string) => Promise<SecretSummary>;
}

export function AddSecretForm({ secrets, isAdmin, organisationName, onSave }: AddSecretFormProps) {
  const id = useId();
  const nameRef = useRef<HTMLInputElement>(null);
  const valueRef = useRef<HTMLTextAreaElement>(null);
  const [name, setName] = useState('');
  const [scope, setScope] = useState<SecretScope>('private');
  const [valueCheck, setValueCheck] = useState<string | null>('Enter the value.');
  const [attempted, setAttempted] = useState(false);
  const [failure, setFailure] = useState<SecretErrorText | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  // A new value box after each save: empty, and masked again.
  const [valueKey, setValueKey] = useState(0);

  const nameCheck = nameProblem(name);
  const suggestion = name && nameCheck ? toSecretName(name) : null;
  const existing = nameCheck ? undefined : findSecret(secrets, scope, name);
  const other = nameCheck ? undefined : findSecret(secrets, scope === 'private' ? 'shared' : 'private', name);

  // Name problems show as soon as there is a name; an empty box only after trying to save.
  const nameError =
    (failure?.field === 'name' && failure.text) || (name || attempted ? nameCheck : null) || null;
  const valueError = (failure?.field === 'value' && failure.text) || (attempted ? valueCheck : null) || null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setAttempted(true);
    setFailure(null);
    setSaved(null);
    const value = valueRef.current?.value ?? '';
    if (nameCheck) return nameRef.current?.focus();
    const problem = valueProblem(value);
    if (problem) {
      setValueCheck(problem);
      return valueRef.current?.focus();
    }
    setBusy(true);
    try {
      const secret = await onSave(scope, name, value);
      setSaved(
        `${existing ? 'Replaced the value of' : 'Saved'} ${secret.name} (${secret.scope}). It cannot be shown again.`,
      );
      setName('');
      setAttempted(false);
      setValueCheck('Enter the value.');
      setValueKey((k) => k + 1);
      nameRef.current?.focus();
    } catch (error) {
      setFailure(describeSecretError(error, 'save', { scope, name }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="secret-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Add a secret</h3>
      <div className="secret-field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          ref={nameRef}
          className="secret-name-input"
          value={name}
          placeholder="GITHUB_TOKEN"
          autoComplete="off"
          autoCapitalize="characters"
          autoCorrect="off"
          spellCheck={false}
          aria-invalid={nameError ? true : undefined}
          aria-describedby={`${id}-name-help`}
          onChange={(e) => {
            setName(e.target.value);
            setFailure(null);
            setSaved(null);
          }}
        />
        <div id={`${id}-name-help`} className="secret-name-help">
          {nameError ? (
            <p className="field-error">{nameError}</p>
          ) : (
            <NameNote name={name} scope={scope} existing={existing} other={other} />
          )}
          {suggestion && (
            <button
              type="button"
              className="secondary small"
              onClick={() => {
                setName(suggestion);
                nameRef.current?.focus();
              }}
            >
              Use {suggestion}
            </button>
          )}
        </div>
      </div>

      <ValueField
        key={valueKey}
        inputRef={valueRef}
        label="Value"
        error={valueError}
        onCheck={(problem) => {
          setValueCheck(problem);
          if (failure?.field === 'value') setFailure(null);
        }}
      />

      <fieldset className="secret-scope">
        <legend>Who gets it</legend>
        <label>
          <input
            type="radio"
            name={`${id}-scope`}
            checked={scope === 'private'}
            onChange={() => setScope('private')}
          />{' '}
          Private — only your sessions
        </label>
        <label className={isAdmin ? undefined : 'disabled'}>
          <input
            type="radio"
            name={`${id}-scope`}
            checked={scope === 'shared'}
            disabled={!isAdmin}
            aria-describedby={isAdmin ? undefined : `${id}-shared-reason`}
            onChange={() => setScope('shared')}
          />{' '}
          Shared — every session in {organisationName}
        </label>
        {!isAdmin && (
          <p id={`${id}-shared-reason`} className="field-help">
            Only admins can add shared secrets.
          </p>
        )}
      </fieldset>

      <div className="secret-form-actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : existing ? 'Replace value' : 'Add secret'}
        </button>
        {failure && !failure.field && (
          <p className="field-error" role="alert">
            {failure.text}
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

/** What saving this name will do, when it meets a secret that exists. */
function NameNote({
  name,
  scope,
  existing,
  other,
}: {
  name: string;
  scope: SecretScope;
  existing: SecretSummary | undefined;
  other: SecretSummary | undefined;
}) {
  if (existing)
    return (
      <p className="field-note">
        A {scope} {name} exists. Replaces the current value.
      </p>
    );
  if (other && scope === 'private')
    return (
      <p className="field-help">A shared {name} exists: your private one will be used in your sessions.</p>
    );
  if (other && scope === 'shared')
    return <p className="field-help">You have a private {name}: your own sessions keep using that one.</p>;
  return <p className="field-help">Capital letters, digits and underscores, e.g. GITHUB_TOKEN.</p>;
}
