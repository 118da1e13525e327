// Who may use the Environment and what its sessions may reach, each choice
// with a sentence on what it means.
import type { EnvironmentNetwork, Scope } from '@orrery/shared';
import type { FieldErrors } from '../common/form-errors.js';
import type { EnvironmentDraft } from './environment-draft.js';

export function ScopeAndNetwork({
  draft,
  isAdmin,
  organisationName,
  errors,
  disabled,
  onNetwork,
  onScope,
}: {
  draft: EnvironmentDraft;
  isAdmin: boolean;
  organisationName: string;
  errors: FieldErrors;
  disabled: boolean;
  onNetwork: (network: EnvironmentNetwork) => void;
  onScope: (scope: Scope) => void;
}) {
  // An organisation Environment kept by a member (made before the rule) stays choosable as it is.
  const organisationLocked = !isAdmin && draft.scope !== 'organisation';
  return (
    <>
      <fieldset className="env-group env-choice" disabled={disabled}>
        <legend>Network</legend>
        <Choice
          name="env-network"
          checked={draft.network === 'none'}
          onChange={() => onNetwork('none')}
          label="None"
          help="Sessions reach nothing outside their own machine: safest, and enough once dependencies are installed by the setup script."
        />
        <Choice
          name="env-network"
          checked={draft.network === 'internet'}
          onChange={() => onNetwork('internet')}
          label="Internet"
          help="Sessions reach the internet on a network of their own, away from other sessions and from this server's machine."
        />
        {errors.network && <p className="field-error">{errors.network}</p>}
      </fieldset>
      <fieldset className="env-group env-choice" disabled={disabled}>
        <legend>Who can use it</legend>
        <Choice
          name="env-scope"
          checked={draft.scope === 'personal'}
          onChange={() => onScope('personal')}
          label="Only me"
          help="Personal: only you see it and start sessions on it."
        />
        <Choice
          name="env-scope"
          checked={draft.scope === 'organisation'}
          onChange={() => onScope('organisation')}
          label={`Everyone in ${organisationName}`}
          help={
            organisationLocked
              ? 'Only admins can make an Environment for the whole organisation.'
              : 'Organisation: everyone can start sessions on it; only admins change it.'
          }
          disabled={organisationLocked}
        />
        {errors.scope && <p className="field-error">{errors.scope}</p>}
      </fieldset>
    </>
  );
}

function Choice({
  name,
  checked,
  onChange,
  label,
  help,
  disabled,
}: {
  name: string;
  checked: boolean;
  onChange: () => void;
  label: string;
  help: string;
  disabled?: boolean;
}) {
  const helpId = `${name}-${label.replace(/\W+/g, '-')}-help`;
  return (
    <div className={`env-radio${disabled ? ' disabled' : ''}`}>
      <label>
        <input
          type="radio"
          name={name}
          checked={checked}
          onChange={onChange}
          disabled={disabled}
          aria-describedby={helpId}
        />
        {label}
      </label>
      <p id={helpId} className="field-hint">
        {help}
      </p>
    </div>
  );
}
