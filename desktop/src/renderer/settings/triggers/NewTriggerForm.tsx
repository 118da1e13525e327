// Making a trigger: webhook or schedule, checked as it is typed with the
// server's own schema and cron reading, its draft kept if the save fails or
// the person leaves. A new webhook's secret is shown once, here.
import { CreateTriggerRequest, type Trigger, type TriggerResponse } from '@orrery/shared';
import { useEffect, useState, type FormEvent } from 'react';
import { useServices } from '../../app/services-context.js';
import { Field } from '../common/Field.js';
import { checkWith, errorsOfFailure, type FieldErrors } from '../common/form-errors.js';
import { FilterFields } from './FilterFields.js';
import { ScheduleFields } from './ScheduleFields.js';
import { draftFor, filterValue, keepDraft, type TriggerDraft } from './trigger-draft.js';
import { WebhookSecret, samplePayload } from './WebhookSecret.js';

export function requestOf(draft: TriggerDraft): unknown {
  const common = { name: draft.name, autoArchive: draft.autoArchive };
  if (draft.kind === 'webhook') {
    const path = draft.filterPath.trim();
    return {
      kind: 'webhook',
      ...common,
      filter: path ? { path, equals: filterValue(draft.filterEquals) } : null,
    };
  }
  return { kind: 'schedule', ...common, cron: draft.cron, timezone: draft.timezone, prompt: draft.prompt };
}

export function NewTriggerForm({
  expertId,
  onCreated,
}: {
  expertId: string;
  onCreated: (t: Trigger) => void;
}) {
  const { api } = useServices();
  const [draft, setDraft] = useState(() => draftFor(expertId));
  const [touched, setTouched] = useState(false);
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [made, setMade] = useState<TriggerResponse | null>(null);

  useEffect(() => setDraft(draftFor(expertId)), [expertId]);
  const change = (patch: Partial<TriggerDraft>) => {
    const next = { ...draft, ...patch };
    setDraft(next);
    keepDraft(expertId, next);
    setServerErrors({});
  };

  const request = requestOf(draft);
  const errors = { ...(touched ? checkWith(CreateTriggerRequest, request) : {}), ...serverErrors };

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    const parsed = CreateTriggerRequest.safeParse(request);
    if (!parsed.success) return;
    setBusy(true);
    try {
      const res = await api.createTrigger(expertId, parsed.data);
      keepDraft(expertId, null);
      setDraft(draftFor(expertId));
      setTouched(false);
      onCreated(res.trigger);
      if (res.webhook) setMade(res);
    } catch (error) {
      setServerErrors(errorsOfFailure(error));
    } finally {
      setBusy(false);
    }
  }

  if (made?.webhook && made.trigger.kind === 'webhook') {
    return (
      <WebhookSecret
        name={made.trigger.name}
        url={made.webhook.url}
        secret={made.webhook.secret}
        sample={samplePayload(made.trigger.filter)}
        onDone={() => setMade(null)}
      />
    );
  }

  return (
    <form
      className="trigger-form"
      aria-labelledby="new-trigger-heading"
      onSubmit={(e) => void submit(e)}
      noValidate
    >
      <h3 id="new-trigger-heading">New trigger</h3>
      <fieldset className="trigger-kind">
        <legend>Kind</legend>
        {(['webhook', 'schedule'] as const).map((kind) => (
          <label key={kind}>
            <input
              type="radio"
              name="trigger-kind"
              checked={draft.kind === kind}
              onChange={() => change({ kind })}
            />{' '}
            {kind === 'webhook'
              ? 'Webhook: a URL other services post events to'
              : 'Schedule: runs at set times'}
          </label>
        ))}
      </fieldset>
      <Field label="Name" error={errors.name}>
        <input value={draft.name} autoComplete="off" onChange={(e) => change({ name: e.target.value })} />
      </Field>
      {draft.kind === 'webhook' ? (
        <FilterFields
          value={{ path: draft.filterPath, equals: draft.filterEquals }}
          onChange={(f) => change({ filterPath: f.path, filterEquals: f.equals })}
          errors={{ path: errors['filter.path'], equals: errors['filter.equals'] }}
        />
      ) : (
        <ScheduleFields
          value={{ cron: draft.cron, timezone: draft.timezone, prompt: draft.prompt }}
          onChange={(v) => change(v)}
          errors={{
            cron: errors.cron,
            timezone: errors.timezone,
            prompt: touched ? errors.prompt : undefined,
          }}
        />
      )}
      <label className="checkbox-row">
        <input
          type="checkbox"
          checked={draft.autoArchive}
          onChange={(e) => change({ autoArchive: e.target.checked })}
        />{' '}
        Archive each session when the agent finishes
      </label>
      {errors[''] && (
        <p className="field-error" role="alert">
          {errors['']}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {busy ? 'Creating…' : draft.kind === 'webhook' ? 'Create webhook' : 'Create schedule'}
      </button>
    </form>
  );
}
