// The schedule's fields: a five-field cron read back in plain words with its
// next three times in the viewer's zone (by the scheduler's own functions),
// the zone it runs in, and the prompt each run starts with.
import { cronFieldProblem, describeCron, isTimeZone, nextRuns } from '@orrery/shared';
import { useMemo } from 'react';
import { Field } from '../common/Field.js';
import { viewerTimeZone } from './trigger-draft.js';

export interface ScheduleValue {
  cron: string;
  timezone: string;
  prompt: string;
}

export interface ScheduleFieldsProps {
  value: ScheduleValue;
  onChange: (value: ScheduleValue) => void;
  /** The server's (or the schema's) word on a field, shown when the field itself has none. */
  errors: Partial<Record<keyof ScheduleValue, string>>;
  readOnly?: boolean;
}

function timeZones(current: string): string[] {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set(['UTC', current, viewerTimeZone(), ...all])];
}

const RUN_FORMAT = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
});

export function ScheduleFields({ value, onChange, errors, readOnly = false }: ScheduleFieldsProps) {
  const cronError = value.cron.trim() ? cronFieldProblem(value.cron) : 'Enter a schedule, e.g. 0 9 * * 1-5.';
  const zoneError = isTimeZone(value.timezone) ? null : `“${value.timezone}” is not a time zone.`;
  const zones = useMemo(() => timeZones(value.timezone), [value.timezone]);
  const reading = cronError ? null : describeCron(value.cron);
  const runs = cronError || zoneError ? [] : safeRuns(value.cron, value.timezone);
  const set = (patch: Partial<ScheduleValue>) => onChange({ ...value, ...patch });

  return (
    <>
      <Field
        label="Schedule (cron)"
        error={cronError ?? errors.cron}
        hint={
          reading ? (
            <span className="cron-reading">
              Runs {reading} ({value.timezone}).
            </span>
          ) : (
            'Five fields: minute hour day-of-month month weekday, e.g. */15 * * * * or 0 9 * * 1-5.'
          )
        }
      >
        <input
          className="cron-input"
          value={value.cron}
          readOnly={readOnly}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => set({ cron: e.target.value })}
        />
      </Field>
      {runs.length > 0 && (
        <div className="next-runs">
          <p className="field-hint">Next runs, in your time zone ({viewerTimeZone()}):</p>
          <ol aria-label="Next runs">
            {runs.map((t) => (
              <li key={t}>
                <time dateTime={new Date(t).toISOString()}>{RUN_FORMAT.format(t)}</time>
              </li>
            ))}
          </ol>
        </div>
      )}
      <Field
        label="Time zone"
        error={zoneError ?? errors.timezone}
        hint="The zone the schedule's times are in."
      >
        <select
          value={value.timezone}
          disabled={readOnly}
          onChange={(e) => set({ timezone: e.target.value })}
        >
          {zones.map((zone) => (
            <option key={zone} value={zone}>
              {zone}
            </option>
          ))}
        </select>
      </Field>
      <Field
        label="Prompt"
        error={errors.prompt}
        hint="The first message of each session the schedule starts."
      >
        <textarea
          rows={4}
          value={value.prompt}
          readOnly={readOnly}
          onChange={(e) => set({ prompt: e.target.value })}
        />
      </Field>
    </>
  );
}

function safeRuns(cron: string, timezone: string): number[] {
  try {
    return nextRuns(cron, timezone, Date.now(), 3);
  } catch {
    return [];
  }
}
