// The organisation's name: admins rename it (checked with the server's own
// schema), members read it.
import { RenameOrganisationRequest } from '@orrery/shared';
import { useEffect, useState, type FormEvent } from 'react';
import { Field } from '../common/Field.js';
import { checkWith, errorsOfFailure, type FieldErrors } from '../common/form-errors.js';
import { teammateDrafts } from './drafts.js';

export function OrganisationName({
  name,
  canRename,
  onRename,
}: {
  name: string;
  canRename: boolean;
  onRename: (name: string) => Promise<string>;
}) {
  const [draft, setDraftState] = useState(teammateDrafts.organisationName ?? name);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  // A newer name from the server replaces the box's text unless someone is editing it.
  useEffect(() => {
    if (teammateDrafts.organisationName === null) setDraftState(name);
  }, [name]);
  const setDraft = (value: string) => {
    teammateDrafts.organisationName = value;
    setDraftState(value);
    setErrors({});
    setSaved(null);
  };

  if (!canRename)
    return (
      <p className="organisation-name">
        Organisation: <strong>{name}</strong>
      </p>
    );

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found = checkWith(RenameOrganisationRequest, { name: draft });
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    try {
      const renamed = await onRename(draft);
      teammateDrafts.organisationName = null;
      setDraftState(renamed);
      setSaved(`Renamed to ${renamed}.`);
    } catch (error) {
      setErrors(errorsOfFailure(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="organisation-form" onSubmit={(e) => void submit(e)} noValidate>
      <Field label="Organisation name" error={errors.name ?? errors['']}>
        <input value={draft} autoComplete="organization" onChange={(e) => setDraft(e.target.value)} />
      </Field>
      <button type="submit" className="secondary" disabled={busy || draft.trim() === name}>
        {busy ? 'Saving…' : 'Rename'}
      </button>
      {saved && (
        <p className="muted" role="status">
          {saved}
        </p>
      )}
    </form>
  );
}
