// Deleting an Environment, after saying what happens to what uses it (the
// server keeps a deleted definition for the sessions already on it, and an
// Expert whose default it was starts new sessions without an Environment).
import type { Environment } from '@orrery/shared';
import { useEffect, useRef, useState } from 'react';
import { describeError } from '../../api/api-error.js';
import { useServices } from '../../app/services-context.js';

export function DeleteEnvironment({
  environment,
  onDeleted,
}: {
  environment: Environment;
  onDeleted: () => void;
}) {
  const { api } = useServices();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (asking) cancel.current?.focus();
  }, [asking]);

  const close = () => {
    setAsking(false);
    requestAnimationFrame(() => opener.current?.focus());
  };
  const remove = async () => {
    setBusy(true);
    setFailure(null);
    try {
      await api.deleteEnvironment(environment.id);
      onDeleted();
    } catch (error) {
      setFailure(describeError(error));
      setBusy(false);
    }
  };

  if (!asking)
    return (
      <button
        ref={opener}
        type="button"
        className="secondary danger"
        onClick={() => {
          setFailure(null);
          setAsking(true);
        }}
      >
        Delete Environment
      </button>
    );
  return (
    <div
      className="env-confirm"
      role="group"
      aria-label={`Confirm deleting ${environment.name}`}
      onKeyDown={(e) => {
        if (e.key === 'Escape') close();
      }}
    >
      <p>
        Delete {environment.name}? Sessions already started on it keep running on it as it is now. New
        sessions can no longer choose it, and Experts that start on it by default start their new sessions
        without an Environment until they are given another.
      </p>
      {failure && (
        <p className="field-error" role="alert">
          {failure}
        </p>
      )}
      <div className="env-confirm-buttons">
        <button type="button" className="danger" disabled={busy} onClick={() => void remove()}>
          {busy ? 'Deleting…' : 'Delete'}
        </button>
        <button ref={cancel} type="button" className="secondary" onClick={close}>
          Cancel
        </button>
      </div>
    </div>
  );
}
