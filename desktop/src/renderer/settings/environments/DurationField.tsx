// A length of time in the units people think in: an amount and minutes,
// hours or days. The form turns it into the milliseconds the server keeps.
import { useId } from 'react';
import { msOf, type Duration, type DurationUnit } from './environment-draft.js';

const UNITS: DurationUnit[] = ['minutes', 'hours', 'days'];

export function DurationField({
  label,
  hint,
  error,
  value,
  onChange,
  disabled,
}: {
  label: string;
  hint: string;
  error?: string | undefined;
  value: Duration;
  onChange: (value: Duration) => void;
  disabled?: boolean;
}) {
  const id = useId();
  const describedBy = [`${id}-hint`, error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const ms = msOf(value);
  return (
    <div className={`field duration-field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <div className="duration-inputs">
        <input
          id={id}
          type="text"
          inputMode="decimal"
          value={value.amount}
          disabled={disabled}
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
          onChange={(e) => onChange({ ...value, amount: e.target.value })}
        />
        <select
          aria-label={`${label} unit`}
          value={value.unit}
          disabled={disabled}
          onChange={(e) => onChange({ ...value, unit: e.target.value as DurationUnit })}
        >
          {UNITS.map((unit) => (
            <option key={unit} value={unit}>
              {unit}
            </option>
          ))}
        </select>
        {!error && Number.isFinite(ms) && <span className="duration-total">{spoken(ms)}</span>}
      </div>
      <p id={`${id}-hint`} className="field-hint">
        {hint}
      </p>
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

/** "1 h 30 min": what the amount and unit come to, when that is not obvious. */
function spoken(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const parts = [days && `${days} d`, hours && `${hours} h`, rest && `${rest} min`].filter(Boolean);
  return parts.length > 1 ? `= ${parts.join(' ')}` : '';
}
