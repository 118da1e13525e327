// An Environment's variables: name and value rows. Names are checked as they
// are typed with the shared rules (env-names), which say why a name is refused.
import type { FieldErrors } from '../common/form-errors.js';
import { rowKey, type VariableRow } from './environment-draft.js';

export function VariablesField({
  rows,
  onChange,
  errors,
  disabled,
}: {
  rows: VariableRow[];
  onChange: (rows: VariableRow[]) => void;
  errors: FieldErrors;
  disabled: boolean;
}) {
  const change = (index: number, patch: Partial<VariableRow>) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  const add = () => {
    const row = { key: rowKey(), name: '', value: '' };
    onChange([...rows, row]);
    requestAnimationFrame(() =>
      document.querySelector<HTMLInputElement>(`[data-variable-name="${row.key}"]`)?.focus(),
    );
  };

  return (
    <fieldset className="env-group" aria-describedby="env-variables-hint">
      <legend>Variables</legend>
      <p id="env-variables-hint" className="field-hint">
        Set in every session of this Environment. Anyone who starts a session with it can read them: put
        tokens and passwords in Secrets instead.
      </p>
      {rows.length === 0 && <p className="empty-hint">No variables.</p>}
      <ul className="env-rows">
        {rows.map((row, i) => {
          const error = errors[`variables.${row.key}`];
          const label = row.name.trim() || `variable ${i + 1}`;
          const errorId = `var-${row.key}-error`;
          return (
            <li key={row.key} className={`env-row variable-row${error ? ' has-error' : ''}`}>
              <input
                type="text"
                className="variable-name"
                data-variable-name={row.key}
                aria-label={`Name of variable ${i + 1}`}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? errorId : undefined}
                placeholder="NAME"
                spellCheck={false}
                autoCapitalize="off"
                value={row.name}
                disabled={disabled}
                onChange={(e) => change(i, { name: e.target.value })}
              />
              <input
                type="text"
                className="variable-value"
                aria-label={`Value of ${label}`}
                placeholder="value"
                spellCheck={false}
                value={row.value}
                disabled={disabled}
                onChange={(e) => change(i, { value: e.target.value })}
              />
              {!disabled && (
                <button
                  type="button"
                  className="secondary small danger"
                  aria-label={`Remove ${label}`}
                  onClick={() => onChange(rows.filter((_, j) => j !== i))}
                >
                  Remove
                </button>
              )}
              {error && (
                <p id={errorId} className="field-error">
                  {error}
                </p>
              )}
            </li>
          );
        })}
      </ul>
      {!disabled && (
        <button type="button" className="secondary small" onClick={add}>
          Add variable
        </button>
      )}
    </fieldset>
  );
}
