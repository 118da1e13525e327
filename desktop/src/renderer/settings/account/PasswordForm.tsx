// Changing your password: the current one is required (the server checks it,
// counting wrong tries like sign-in), the new one follows the same rules as
// everywhere (the shared Password schema), typed twice. Passwords are kept in
// this form only, never in a draft store.
import { ChangePasswordRequest } from '@orrery/shared';
import { useState, type FormEvent } from 'react';
import { useServices } from '../../app/services-context.js';
import { Field } from '../common/Field.js';
import { checkWith, errorsOfFailure, type FieldErrors } from '../common/form-errors.js';

interface Draft {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}
const EMPTY: Draft = { currentPassword: '', newPassword: '', confirm: '' };

export function passwordProblems(draft: Draft): FieldErrors {
  const { confirm, ...request } = draft;
  const errors = checkWith(ChangePasswordRequest, request);
  if (!errors.newPassword && confirm !== draft.newPassword)
    errors.confirm = 'Type the same new password twice; these two differ.';
  return errors;
}

export function PasswordForm({ onChanged }: { onChanged: () => void }) {
  const { api } = useServices();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [errors, setErrors] = useState<FieldErrors>({});
  // Problems show once the person tries to save, then follow their typing.
  const [tried, setTried] = useState(false);
  const [saving, setSaving] = useState(false);
  const [done, setDone] = useState(false);

  const change = (key: keyof Draft, value: string) => {
    const next = { ...draft, [key]: value };
    setDraft(next);
    setDone(false);
    if (tried) setErrors(passwordProblems(next));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    const problems = passwordProblems(draft);
    setErrors(problems);
    if (Object.keys(problems).length) return;
    setSaving(true);
    try {
      await api.changePassword(draft.currentPassword, draft.newPassword);
      setDraft(EMPTY);
      setTried(false);
      setDone(true);
      onChanged();
    } catch (error) {
      // What was typed stays, so only the wrong part needs typing again.
      setErrors(errorsOfFailure(error));
    } finally {
      setSaving(false);
    }
  };

  const formError = errors[''] && !errors.currentPassword && !errors.newPassword ? errors[''] : null;
  return (
    <form
      className="account-card"
      onSubmit={(e) => void submit(e)}
      aria-labelledby="account-password-heading"
      noValidate
    >
      <h3 id="account-password-heading">Password</h3>
      <Field label="Current password" error={errors.currentPassword}>
        <input
          type="password"
          autoComplete="current-password"
          value={draft.currentPassword}
          onChange={(e) => change('currentPassword', e.target.value)}
        />
      </Field>
      <Field label="New password" hint="At least 10 characters." error={errors.newPassword}>
        <input
          type="password"
          autoComplete="new-password"
          value={draft.newPassword}
          onChange={(e) => change('newPassword', e.target.value)}
        />
      </Field>
      <Field label="New password again" error={errors.confirm}>
        <input
          type="password"
          autoComplete="new-password"
          value={draft.confirm}
          onChange={(e) => change('confirm', e.target.value)}
        />
      </Field>
      <div className="account-actions">
        <button type="submit" disabled={saving}>
          {saving ? 'Changing…' : 'Change password'}
        </button>
        {done && <p role="status">Password changed. Your other devices were signed out; this one stays.</p>}
        {formError && (
          <p className="field-error" role="alert">
            {formError}
          </p>
        )}
      </div>
      <p className="field-hint">Changing it signs you out on your other devices.</p>
    </form>
  );
}
