// A webhook's optional filter (a dotted path and the value it must equal) and
// a box to paste a sample payload into, answered by the server's own matcher.
import { passesFilter, valueAt } from '@orrery/shared';
import { useState } from 'react';
import { Field } from '../common/Field.js';
import { filterValue } from './trigger-draft.js';

export interface FilterValue {
  path: string;
  equals: string;
}

export interface FilterFieldsProps {
  value: FilterValue;
  onChange: (value: FilterValue) => void;
  errors: { path?: string | undefined; equals?: string | undefined };
  readOnly?: boolean;
}

export function FilterFields({ value, onChange, errors, readOnly = false }: FilterFieldsProps) {
  const [sample, setSample] = useState('');
  const set = (patch: Partial<FilterValue>) => onChange({ ...value, ...patch });
  return (
    <fieldset className="trigger-filter">
      <legend>Payload filter (optional)</legend>
      <p className="field-hint">
        Only events whose payload has this value start a session; the rest are logged as filtered.
      </p>
      <div className="trigger-filter-row">
        <Field label="Path" error={errors.path} hint="Dotted, e.g. action or pull_request.state.">
          <input
            value={value.path}
            readOnly={readOnly}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => set({ path: e.target.value })}
          />
        </Field>
        <Field
          label="Equals"
          error={errors.equals}
          hint='Text, or a number, true, false, null, or "quoted" text.'
        >
          <input
            value={value.equals}
            readOnly={readOnly}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => set({ equals: e.target.value })}
          />
        </Field>
      </div>
      <Field
        label="Test with a sample payload"
        hint="Paste a JSON payload to see whether it would start a session."
      >
        <textarea
          className="mono"
          rows={4}
          value={sample}
          spellCheck={false}
          onChange={(e) => setSample(e.target.value)}
        />
      </Field>
      {sample.trim() && <FilterVerdict sample={sample} filter={value} />}
    </fieldset>
  );
}

function FilterVerdict({ sample, filter }: { sample: string; filter: FilterValue }) {
  let payload: unknown;
  try {
    payload = JSON.parse(sample);
  } catch (error) {
    return (
      <p className="filter-verdict bad" role="status">
        The sample is not valid JSON: {error instanceof Error ? error.message : String(error)}
      </p>
    );
  }
  const path = filter.path.trim();
  if (!path) {
    return (
      <p className="filter-verdict good" role="status">
        Matches: with no filter, every event starts a session.
      </p>
    );
  }
  const equals = filterValue(filter.equals);
  if (passesFilter(payload, { path, equals })) {
    return (
      <p className="filter-verdict good" role="status">
        Matches: {path} is {JSON.stringify(equals)}, so this event would start a session.
      </p>
    );
  }
  const at = valueAt(payload, path);
  return (
    <p className="filter-verdict bad" role="status">
      Does not match: {at.found ? `${path} is ${JSON.stringify(at.value)}` : `the payload has no ${path}`},
      not {JSON.stringify(equals)}. This event would be logged as filtered.
    </p>
  );
}
