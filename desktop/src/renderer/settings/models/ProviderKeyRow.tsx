// One provider's stored API key: whether it is set, by whom and when (never
// the key), and for admins set / replace / remove. What is typed into the key
// box stays in this component only: a key is never written to storage.
import { PROVIDER_LABELS, PutModelKeyRequest, type ModelKeySummary } from '@orrery/shared';
import { useState, type FormEvent } from 'react';
import { describeError } from '../../api/api-error.js';
import { useServices } from '../../app/services-context.js';
import { Field } from '../common/Field.js';
import { checkWith, errorsOfFailure, type FieldErrors } from '../common/form-errors.js';

type Mode = 'idle' | 'edit' | 'confirm-remove';

export function ProviderKeyRow({
  summary,
  isAdmin,
  onChanged,
}: {
  summary: ModelKeySummary;
  isAdmin: boolean;
  onChanged: (summary: ModelKeySummary) => void;
}) {
  const { api } = useServices();
  const [mode, setMode] = useState<Mode>('idle');
  const [value, setValue] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const label = PROVIDER_LABELS[summary.provider];

  const close = () => {
    setMode('idle');
    setValue('');
    setErrors({});
  };

  async function save(e: FormEvent) {
    e.preventDefault();
    const problems = checkWith(PutModelKeyRequest, { value });
    setErrors(problems);
    if (Object.keys(problems).length) return;
    setBusy(true);
    try {
      onChanged(await api.putModelKey(summary.provider, value));
      close();
      setNotice(`Saved the ${label} key. It cannot be shown again.`);
    } catch (error) {
      setErrors(errorsOfFailure(error));
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    setBusy(true);
    try {
      await api.deleteModelKey(summary.provider);
      onChanged({ ...summary, set: false, updatedBy: null, updatedAt: null });
      close();
      setNotice(`Removed the ${label} key.`);
    } catch (error) {
      setErrors({ '': `The ${label} key was not removed: ${describeError(error)}` });
    } finally {
      setBusy(false);
    }
  }

  return (
    <li
      className="expert-row"
      aria-label={`${label} API key`}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && mode !== 'idle' && !busy) {
          e.stopPropagation();
          close();
        }
      }}
    >
      <div className="expert-row-main">
        <div className="expert-row-title">
          <span className="expert-row-name">{label}</span>
          <span className={`scope-badge ${summary.set ? 'shared' : 'private'}`}>
            {summary.set ? 'Key set' : 'No key'}
          </span>
        </div>
        <p className="expert-row-meta">
          {summary.set && summary.updatedAt !== null
            ? `Set by ${summary.updatedBy ?? 'an admin'} on ${new Date(summary.updatedAt).toLocaleDateString(undefined, { dateStyle: 'medium' })}`
            : 'No key is stored; runners use their own, if they have one.'}
        </p>
      </div>
      {isAdmin && mode === 'idle' && (
        <div className="expert-row-actions">
          <button type="button" className="secondary small" onClick={() => setMode('edit')}>
            {summary.set ? 'Replace' : 'Set key'}
          </button>
          {summary.set && (
            <button type="button" className="secondary small" onClick={() => setMode('confirm-remove')}>
              Remove
            </button>
          )}
        </div>
      )}
      {mode === 'edit' && (
        <form
          className="expert-confirm"
          onSubmit={(e) => void save(e)}
          noValidate
          aria-label={`${label} key`}
        >
          <Field
            label={`${label} API key`}
            hint="Paste it as the provider shows it."
            error={errors.value ?? errors['']}
          >
            <input
              type="password"
              autoComplete="off"
              spellCheck={false}
              autoFocus
              value={value}
              onChange={(e) => setValue(e.target.value)}
            />
          </Field>
          <button type="submit" className="small" disabled={busy}>
            {busy ? 'Saving…' : 'Save key'}
          </button>
          <button type="button" className="secondary small" onClick={close} disabled={busy}>
            Cancel
          </button>
        </form>
      )}
      {mode === 'confirm-remove' && (
        <div className="expert-confirm" role="group" aria-label={`Remove the ${label} key?`}>
          <p>Remove the {label} key? Experts using it stop running unless a runner has its own key.</p>
          <button
            type="button"
            className="danger small"
            disabled={busy}
            autoFocus
            onClick={() => void remove()}
          >
            {busy ? 'Removing…' : `Remove the ${label} key`}
          </button>
          <button type="button" className="secondary small" disabled={busy} onClick={close}>
            Cancel
          </button>
        </div>
      )}
      {mode !== 'edit' && errors[''] && (
        <p className="field-error" role="alert">
          {errors['']}
        </p>
      )}
      {notice && (
        <p className="muted expert-confirm-notice" role="status">
          {notice}
        </p>
      )}
    </li>
  );
}
