// The page an invitation link opens when signed out: which organisation
// invited which email, and a form for the invitee's name and password (twice),
// checked with the server's own schema. Accepting signs them in.
import { AcceptInvitationRequest, type InvitationPreviewResponse } from '@orrery/shared';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { StoredAccount } from '../../platform/common/platform.js';
import { ApiClient, normaliseServerUrl } from '../api/api-client.js';
import { describeError } from '../api/api-error.js';
import { Field } from '../settings/common/Field.js';
import { checkWith, errorsOfFailure, type FieldErrors } from '../settings/common/form-errors.js';

export interface AcceptInvitationProps {
  /** The server that made the link: the page's own when the server serves the app. */
  serverUrl: string;
  token: string;
  onSignedIn: (account: StoredAccount) => Promise<void>;
  /** Leaves the link for the ordinary sign-in form. */
  onSignInInstead: () => void;
}

type Lookup =
  | { state: 'loading' }
  | { state: 'ready'; invitation: InvitationPreviewResponse }
  | { state: 'unusable'; message: string };

export function AcceptInvitation({ serverUrl, token, onSignedIn, onSignInInstead }: AcceptInvitationProps) {
  const [lookup, setLookup] = useState<Lookup>({ state: 'loading' });

  useEffect(() => {
    let cancelled = false;
    const load = async () => {
      try {
        const invitation = await ApiClient.lookupInvitation(normaliseServerUrl(serverUrl), token);
        if (!cancelled) setLookup({ state: 'ready', invitation });
      } catch (error) {
        if (!cancelled) setLookup({ state: 'unusable', message: describeError(error) });
      }
    };
    void load();
    return () => {
      cancelled = true;
    };
  }, [serverUrl, token]);

  if (lookup.state === 'loading') return <div className="splash" aria-busy="true" />;
  if (lookup.state === 'unusable')
    return (
      <main className="sign-in">
        <div className="card" role="group" aria-labelledby="invite-title">
          <h1 id="invite-title">This invitation cannot be used</h1>
          <p className="error" role="alert">
            {lookup.message}
          </p>
          <button type="button" onClick={onSignInInstead}>
            Go to sign-in
          </button>
        </div>
      </main>
    );
  return (
    <AcceptForm
      token={token}
      invitation={lookup.invitation}
      onSignInInstead={onSignInInstead}
      onAccept={async (name, password) => {
        const url = normaliseServerUrl(serverUrl);
        const res = await ApiClient.acceptInvitation(url, { token, name, password });
        await onSignedIn({
          serverUrl: url,
          token: res.token,
          user: res.user,
          organisation: res.organisation,
        });
      }}
    />
  );
}

export interface AcceptFormProps {
  token: string;
  invitation: InvitationPreviewResponse;
  /** Accepts on the server and signs in; a refusal is thrown and shown by its fields. */
  onAccept: (name: string, password: string) => Promise<void>;
  onSignInInstead: () => void;
}

export function AcceptForm({ token, invitation, onAccept, onSignInInstead }: AcceptFormProps) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  // After a refused try, the keyboard goes to the first field that says what to change.
  const focusFirstError = () =>
    requestAnimationFrame(() => form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());

  function check(): FieldErrors {
    const found = checkWith(AcceptInvitationRequest, { token, name, password });
    if (!found.password && password !== repeat) found.repeat = 'The two passwords are not the same.';
    return found;
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found = check();
    setErrors(found);
    if (Object.keys(found).length) return focusFirstError();
    setBusy(true);
    try {
      await onAccept(name.trim(), password);
    } catch (error) {
      setErrors(errorsOfFailure(error));
      setBusy(false);
      focusFirstError();
    }
  }

  const clear = (key: string) => setErrors(({ [key]: _, '': __, ...rest }) => rest);
  return (
    <main className="sign-in">
      <form
        ref={form}
        className="card"
        onSubmit={(e) => void submit(e)}
        noValidate
        aria-labelledby="invite-title"
      >
        <div className="brand" aria-hidden="true">
          ◎
        </div>
        <h1 id="invite-title">Join {invitation.organisation.name}</h1>
        <p className="notice">
          You were invited to {invitation.organisation.name} on Orrery as {article(invitation.role)}. Choose
          your name and a password to finish.
        </p>
        <div className="field">
          <label htmlFor="invite-email">Email</label>
          <input id="invite-email" value={invitation.email} readOnly autoComplete="username" />
        </div>
        <Field label="Your name" error={errors.name}>
          <input
            value={name}
            autoComplete="name"
            onChange={(e) => {
              setName(e.target.value);
              clear('name');
            }}
          />
        </Field>
        <Field label="Password" hint="At least 10 characters." error={errors.password}>
          <input
            type="password"
            value={password}
            autoComplete="new-password"
            onChange={(e) => {
              setPassword(e.target.value);
              clear('password');
            }}
          />
        </Field>
        <Field label="Password again" error={errors.repeat}>
          <input
            type="password"
            value={repeat}
            autoComplete="new-password"
            onChange={(e) => {
              setRepeat(e.target.value);
              clear('repeat');
            }}
          />
        </Field>
        {errors[''] && (
          <p className="error" role="alert">
            {errors['']}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Joining…' : `Join ${invitation.organisation.name}`}
        </button>
        <button type="button" className="link-button" onClick={onSignInInstead}>
          I have an account: sign in instead
        </button>
      </form>
    </main>
  );
}

function article(role: 'admin' | 'member'): string {
  return role === 'admin' ? 'an admin' : 'a member';
}
