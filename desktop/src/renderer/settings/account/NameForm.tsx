// Your name as teammates see it. The draft outlives leaving the page, so a
// half-typed name is still there on return.
import { UpdateMeRequest } from '@orrery/shared';
import { useState, type FormEvent } from 'react';
import { useServices } from '../../app/services-context.js';
import { Field } from '../common/Field.js';
import { checkWith, errorsOfFailure, type FieldErrors } from '../common/form-errors.js';

/** Drafts by user id, kept while the app is open. */
const drafts = new Map<string, string>();

export function NameForm() {
  const { account, api, updateUser } = useServices();
  const userId = account.user.id;
  const [name, setName] = useState(() => drafts.get(userId) ?? account.user.name);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);

  const change = (value: string) => {
    setName(value);
    drafts.set(userId, value);
    setSaved(false);
    if (Object.keys(errors).length) setErrors(checkWith(UpdateMeRequest, { name: value }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problems = checkWith(UpdateMeRequest, { name });
    setErrors(problems);
    if (Object.keys(problems).length) return;
    setSaving(true);
    try {
      const { user } = await api.updateMe(name);
      drafts.delete(userId);
      setName(user.name);
      await updateUser(user);
      setSaved(true);
    } catch (error) {
      setErrors(errorsOfFailure(error));
    } finally {
      setSaving(false);
    }
  };

  const unchanged = name.trim() === account.user.name;
  return (
    <form className="account-card" onSubmit={(e) => void submit(e)} aria-labelledby="account-name-heading">
      <h3 id="account-name-heading">Name</h3>
      <Field label="Your name" hint="How teammates see you in sessions and when sharing." error={errors.name}>
        <input value={name} autoComplete="name" maxLength={200} onChange={(e) => change(e.target.value)} />
      </Field>
      <div className="account-actions">
        <button type="submit" disabled={saving || unchanged}>
          {saving ? 'Saving…' : 'Save name'}
        </button>
        {saved && <p role="status">Saved.</p>}
        {errors[''] && !errors.name && (
          <p className="field-error" role="alert">
            {errors['']}
          </p>
        )}
      </div>
    </form>
  );
}
