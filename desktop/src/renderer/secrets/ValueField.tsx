// The value box for a secret: masked until asked, never prefilled, and
// uncontrolled, so the typed value lives in this one DOM element only (no
// React state, store, draft or cache holds it). The parent reads it through
// the ref at the moment it saves, and clears it afterwards.
import { useId, useState, type RefObject } from 'react';
import { SECRET_VALUE_MAX_BYTES } from '@orrery/shared';
import { valueProblem } from './secret-name.js';

export interface ValueFieldProps {
  inputRef: RefObject<HTMLTextAreaElement | null>;
  label: string;
  /** A problem to show under the box (from checking it or from the server). */
  error: string | null;
  /** Told whether the box holds something valid, and what is wrong if not, on every change. */
  onCheck: (problem: string | null) => void;
  autoFocus?: boolean;
  disabled?: boolean;
}

export function ValueField({ inputRef, label, error, onCheck, autoFocus, disabled }: ValueFieldProps) {
  const id = useId();
  const [shown, setShown] = useState(false);
  return (
    <div className="secret-field">
      <div className="secret-field-label">
        <label htmlFor={id}>{label}</label>
        <button
          type="button"
          className="link-button"
          aria-pressed={shown}
          aria-controls={id}
          onClick={() => setShown(!shown)}
        >
          {shown ? 'Hide value' : 'Show value'}
        </button>
      </div>
      <textarea
        id={id}
        ref={inputRef}
        className={`secret-value${shown ? '' : ' masked'}`}
        rows={2}
        defaultValue=""
        autoFocus={autoFocus}
        disabled={disabled}
        autoComplete="off"
        autoCorrect="off"
        autoCapitalize="off"
        spellCheck={false}
        // Password managers: this is not a login form.
        data-1p-ignore=""
        data-lpignore="true"
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-help`}
        onInput={(e) => onCheck(valueProblem(e.currentTarget.value))}
      />
      <p
        id={`${id}-help`}
        className={error ? 'field-error' : 'field-help'}
        role={error ? 'alert' : undefined}
      >
        {error ?? `Up to ${SECRET_VALUE_MAX_BYTES / 1024} KB; several lines are kept as typed.`}
      </p>
    </div>
  );
}
