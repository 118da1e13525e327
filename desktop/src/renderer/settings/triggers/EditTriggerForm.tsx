// Changing a trigger's name and what it does: a schedule's cron, zone and
// prompt, or a webhook's filter. Checked with the server's update schema as
// typed; the server's own answer is shown by the field it names.
import { UpdateTriggerRequest, type Trigger } from '@orrery/shared';
import { useState, type FormEvent } from 'react';
import { useServices } from '../../app/services-context.js';
import { Field } from '../common/Field.js';
import { checkWith, errorsOfFailure, type FieldErrors } from '../common/form-errors.js';
import { FilterFields, type FilterValue } from './FilterFields.js';
import { ScheduleFields, type ScheduleValue } from './ScheduleFields.js';
import { filterText, filterValue } from './trigger-draft.js';

export interface EditTriggerFormProps {
  trigger: Trigger;
  onSaved: (trigger: Trigger) => void;
  onCancel: () => void;
}

export function EditTriggerForm({ trigger, onSaved, onCancel }: EditTriggerFormProps) {
  const { api } = useServices();
  const [name, setName] = useState(trigger.name);
  const [schedule, setSchedule] = useState<ScheduleValue>(
    trigger.kind === 'schedule'
      ? { cron: trigger.cron, timezone: trigger.timezone, prompt: trigger.prompt }
      : { cron: '', timezone: 'UTC', prompt: '' },
  );
  const [filter, setFilter] = useState<FilterValue>(
    trigger.kind === 'webhook' && trigger.filter
      ? { path: trigger.filter.path, equals: filterText(trigger.filter.equals) }
      : { path: '', equals: '' },
  );
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);

  const path = filter.path.trim();
  const patch =
    trigger.kind === 'schedule'
      ? { name, ...schedule }
      : { name, filter: path ? { path, equals: filterValue(filter.equals) } : null };
  const errors = { ...checkWith(UpdateTriggerRequest, patch), ...serverErrors };

  async function save(e: FormEvent) {
    e.preventDefault();
    const parsed = UpdateTriggerRequest.safeParse(patch);
    if (!parsed.success) return;
    setBusy(true);
    try {
      onSaved((await api.updateTrigger(trigger.id, parsed.data)).trigger);
    } catch (error) {
      setServerErrors(errorsOfFailure(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="trigger-edit"
      aria-label={`Edit ${trigger.name}`}
      noValidate
      onSubmit={(e) => void save(e)}
      onKeyDown={(e) => e.key === 'Escape' && !busy && onCancel()}
    >
      <Field label="Name" error={errors.name}>
        <input
          value={name}
          autoComplete="off"
          onChange={(e) => {
            setName(e.target.value);
            setServerErrors({});
          }}
        />
      </Field>
      {trigger.kind === 'schedule' ? (
        <ScheduleFields
          value={schedule}
          onChange={(v) => {
            setSchedule(v);
            setServerErrors({});
          }}
          errors={{ cron: errors.cron, timezone: errors.timezone, prompt: errors.prompt }}
        />
      ) : (
        <FilterFields
          value={filter}
          onChange={(v) => {
            setFilter(v);
            setServerErrors({});
          }}
          errors={{ path: errors['filter.path'], equals: errors['filter.equals'] }}
        />
      )}
      {errors[''] && (
        <p className="field-error" role="alert">
          {errors['']}
        </p>
      )}
      <div className="trigger-edit-actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save changes'}
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
