// One secret in the list: its name, scope, who set it when, whether a private
// one overrides it, and (for those who may change it) replacing its value or
// deleting it after a confirmation.
import type { SecretScope, SecretSummary } from '@orrery/shared';
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useServices } from '../app/services-context.js';
import { relativeTime } from '../common/time.js';
import { describeSecretError, type SecretErrorText } from './secret-errors.js';
import { valueProblem } from './secret-name.js';
import { ValueField } from './ValueField.js';

export interface SecretRowProps {
  secret: SecretSummary;
  /** Whether this person may replace or delete it (their own, or any for admins). */
  canChange: boolean;
  /** A shared secret of the same name exists, which this private one wins over. */
  overridesShared: boolean;
  onSave: (scope: SecretScope, name: string, value: string) => Promise<SecretSummary>;
  onDelete: (scope: SecretScope, name: string) => Promise<void>;
}

type Mode = 'idle' | 'replace' | 'confirm-delete';

export function SecretRow({ secret, canChange, overridesShared, onSave, onDelete }: SecretRowProps) {
  const { account } = useServices();
  const [mode, setMode] = useState<Mode>('idle');
  const [failure, setFailure] = useState<SecretErrorText | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const actionsRef = useRef<HTMLDivElement>(null);
  const label = `${secret.name} (${secret.scope})`;

  const close = (focusButton: string | null) => {
    setMode('idle');
    setFailure(null);
    // Back to the button that opened the step, so keyboard users keep their place.
    if (focusButton)
      requestAnimationFrame(() =>
        actionsRef.current?.querySelector<HTMLButtonElement>(`[data-action="${focusButton}"]`)?.focus(),
      );
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && mode !== 'idle' && !busy) {
      e.stopPropagation();
      close(mode === 'replace' ? 'replace' : 'delete');
    }
  };

  async function remove() {
    setBusy(true);
    setFailure(null);
    try {
      await onDelete(secret.scope, secret.name);
    } catch (error) {
      setFailure(describeSecretError(error, 'delete', secret));
      setBusy(false);
    }
  }

  return (
    <li className="secret-row" aria-label={label} onKeyDown={onKeyDown}>
      <div className="secret-row-main">
        <div className="secret-row-title">
          <code className="secret-name">{secret.name}</code>
          <span className={`scope-badge ${secret.scope}`}>
            {secret.scope === 'private' ? 'Private' : 'Shared'}
          </span>
        </div>
        <p className="secret-row-meta">
          <span title={new Date(secret.updatedAt).toLocaleString()}>
            Updated {relativeTime(secret.updatedAt)}
          </span>{' '}
          by {secret.updatedById === account.user.id ? 'you' : secret.updatedBy}
          {secret.scope === 'shared' && !canChange && ' · managed by admins'}
        </p>
        {secret.overridden && (
          <p className="secret-row-note">
            You have a private {secret.name}: yours is used in your sessions, not this one.
          </p>
        )}
        {overridesShared && (
          <p className="secret-row-note">Used in your sessions instead of the shared {secret.name}.</p>
        )}
      </div>
      {canChange && mode === 'idle' && (
        <div className="secret-row-actions" ref={actionsRef}>
          <button
            type="button"
            className="secondary small"
            data-action="replace"
            aria-label={`Replace the value of ${label}`}
            onClick={() => {
              setNotice(null);
              setMode('replace');
            }}
          >
            Replace value
          </button>
          <button
            type="button"
            className="secondary small danger"
            data-action="delete"
            aria-label={`Delete ${label}`}
            onClick={() => {
              setNotice(null);
              setMode('confirm-delete');
            }}
          >
            Delete
          </button>
        </div>
      )}
      {mode === 'replace' && (
        <ReplaceValue
          secret={secret}
          onSave={onSave}
          onDone={(text) => {
            setNotice(text);
            close('replace');
          }}
          onCancel={() => close('replace')}
        />
      )}
      {mode === 'confirm-delete' && (
        <div className="secret-confirm" role="group" aria-label={`Confirm deleting ${label}`}>
          <p>
            Delete {secret.name}? Commands your sessions run from their next turn on no longer get it
            {overridesShared ? `; they get the shared ${secret.name} again.` : '.'}
          </p>
          <div className="secret-row-buttons">
            <button type="button" className="danger" disabled={busy} onClick={() => void remove()}>
              {busy ? 'Deleting…' : `Delete ${secret.name}`}
            </button>
            <button
              type="button"
              className="secondary"
              autoFocus
              disabled={busy}
              onClick={() => close('delete')}
            >
              Cancel
            </button>
          </div>
          {failure && (
            <p className="field-error" role="alert">
              {failure.text}
            </p>
          )}
        </div>
      )}
      {notice && (
        <p className="secret-row-notice muted" role="status">
          {notice}
        </p>
      )}
    </li>
  );
}

/** A new value for a secret that exists; the old one is never shown. */
function ReplaceValue({
  secret,
  onSave,
  onDone,
  onCancel,
}: {
  secret: SecretSummary;
  onSave: SecretRowProps['onSave'];
  onDone: (notice: string) => void;
  onCancel: () => void;
}) {
  const valueRef = useRef<HTMLTextAreaElement>(null);
  const [check, setCheck] = useState<string | null>('Enter the new value.');
  const [attempted, setAttempted] = useState(false);
  const [failure, setFailure] = useState<SecretErrorText | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => valueRef.current?.focus(), []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setAttempted(true);
    setFailure(null);
    const value = valueRef.current?.value ?? '';
    const problem = valueProblem(value);
    if (problem) {
      setCheck(problem === 'Enter the value.' ? 'Enter the new value.' : problem);
      return valueRef.current?.focus();
    }
    setBusy(true);
    try {
      await onSave(secret.scope, secret.name, value);
      if (valueRef.current) valueRef.current.value = '';
      onDone(`New value saved for ${secret.name}. It cannot be shown again.`);
    } catch (error) {
      setFailure(describeSecretError(error, 'save', secret));
      setBusy(false);
    }
  }

  const valueError = (failure?.field === 'value' && failure.text) || (attempted ? check : null) || null;
  return (
    <form className="secret-replace" onSubmit={(e) => void submit(e)} noValidate>
      <ValueField
        inputRef={valueRef}
        label={`New value for ${secret.name}`}
        error={valueError}
        disabled={busy}
        onCheck={(problem) => {
          setCheck(problem === 'Enter the value.' ? 'Enter the new value.' : problem);
          if (failure?.field === 'value') setFailure(null);
        }}
      />
      <p className="field-note">Replaces the current value, which is not shown.</p>
      <div className="secret-row-buttons">
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save new value'}
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={onCancel}>
          Cancel
        </button>
      </div>
      {failure && !failure.field && (
        <p className="field-error" role="alert">
          {failure.text}
        </p>
      )}
    </form>
  );
}
