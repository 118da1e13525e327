// Renaming and deleting a session (owners; the server refuses anyone else),
// asked for from the session's header or any of its menus. One of each at a
// time, shown over whatever page is open.
import { RenameSessionRequest, sessionDocName, type SessionListItem } from '@orrery/shared';
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { describeError } from '../api/api-error.js';
import { navigate, sessionIdOfHash } from '../app/router.js';
import { useServices } from '../app/services-context.js';
import { displayName } from '../common/display-name.js';
import { Field } from '../settings/common/Field.js';
import { checkWith, errorsOfFailure, type FieldErrors } from '../settings/common/form-errors.js';
import { useUi } from '../state/store.js';
import { useSessionList } from '../sync/use-session-list.js';

export function SessionDialogs() {
  const dialog = useUi((s) => s.sessionDialog);
  const close = useUi((s) => s.setSessionDialog);
  const { byId } = useSessionList();
  const session = dialog ? byId.get(dialog.sessionId) : undefined;
  if (!dialog || !session) return null;
  return dialog.kind === 'rename' ? (
    <RenameDialog key={session.id} session={session} onClose={() => close(null)} />
  ) : (
    <DeleteDialog key={session.id} session={session} onClose={() => close(null)} />
  );
}

export function ModalDialog({
  titleId,
  title,
  onClose,
  children,
}: {
  titleId: string;
  title: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    // showModal() focuses the first control (Close); the dialog's own first choice goes first.
    dialog?.querySelector<HTMLElement>('[data-autofocus]')?.focus();
  }, []);
  return (
    <dialog
      ref={ref}
      className="session-dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <div className="dialog-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </div>
      {children}
    </dialog>
  );
}

function RenameDialog({ session, onClose }: { session: SessionListItem; onClose: () => void }) {
  const { api, sessionList } = useServices();
  const [title, setTitle] = useState(session.title);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problems = checkWith(RenameSessionRequest, { title });
    setErrors(problems);
    if (Object.keys(problems).length) return;
    setSaving(true);
    try {
      const res = await api.renameSession(session.id, title);
      sessionList.upsert(res.session);
      onClose();
    } catch (error) {
      // The typed title stays in the box.
      setErrors(errorsOfFailure(error));
      setSaving(false);
    }
  };

  return (
    <ModalDialog titleId="rename-session-title" title="Rename session" onClose={onClose}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field label="Title" error={errors.title}>
          <input
            value={title}
            maxLength={300}
            data-autofocus
            onFocus={(e) => e.currentTarget.select()}
            onChange={(e) => {
              setTitle(e.target.value);
              if (errors.title) setErrors(checkWith(RenameSessionRequest, { title: e.target.value }));
            }}
          />
        </Field>
        {errors[''] && !errors.title && (
          <p className="field-error" role="alert">
            {errors['']}
          </p>
        )}
        <div className="dialog-actions">
          <button type="submit" disabled={saving}>
            {saving ? 'Renaming…' : 'Rename'}
          </button>
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

function DeleteDialog({ session, onClose }: { session: SessionListItem; onClose: () => void }) {
  const { api, sessionList, storage, sessionPrefetch, userDoc } = useServices();
  const showToast = useUi((s) => s.showToast);
  const [error, setError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const title = displayName(session.title) || 'Untitled session';

  const confirm = async () => {
    setDeleting(true);
    try {
      await api.deleteSession(session.id);
    } catch (failure) {
      setError(describeError(failure));
      setDeleting(false);
      return;
    }
    // Gone for everyone: nothing of it stays on this device either.
    if (sessionIdOfHash(location.hash) === session.id) navigate({ name: 'home' });
    sessionList.remove(session.id);
    userDoc.unpin(session.id);
    userDoc.forgetRecent(session.id);
    void storage.docs.remove(sessionDocName(session.id)).catch(() => {});
    void sessionPrefetch.forget(session.id).catch(() => {});
    onClose();
    showToast('info', `Deleted “${title}”.`);
  };

  return (
    <ModalDialog titleId="delete-session-title" title="Delete session?" onClose={onClose}>
      <p>
        <strong>{title}</strong> and its transcript, files and sharing are deleted for everyone who can open
        it. This cannot be undone.
      </p>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="danger" disabled={deleting} onClick={() => void confirm()}>
          {deleting ? 'Deleting…' : 'Delete session'}
        </button>
        <button type="button" className="secondary" data-autofocus onClick={onClose}>
          Cancel
        </button>
      </div>
    </ModalDialog>
  );
}
