// Inviting someone: their email and role, checked with the server's own
// schema, then the one-time link to send them, with a Copy button and when
// it stops working. The link is shown here only: the server keeps a hash.
import {
  CreateInvitationRequest,
  invitationLink,
  type CreatedInvitationResponse,
  type Role,
} from '@orrery/shared';
import { useRef, useState, type FormEvent } from 'react';
import { Field } from '../common/Field.js';
import { checkWith, errorsOfFailure, type FieldErrors } from '../common/form-errors.js';
import { teammateDrafts } from './drafts.js';

export interface InviteFormProps {
  serverUrl: string;
  organisationName: string;
  onInvite: (email: string, role: Role) => Promise<CreatedInvitationResponse>;
}

export function InviteForm({ serverUrl, organisationName, onInvite }: InviteFormProps) {
  const [email, setEmailState] = useState(teammateDrafts.inviteEmail);
  const [role, setRoleState] = useState<Role>(teammateDrafts.inviteRole);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [made, setMade] = useState(teammateDrafts.lastLink);
  const emailRef = useRef<HTMLInputElement>(null);

  const setEmail = (value: string) => {
    teammateDrafts.inviteEmail = value;
    setEmailState(value);
    setErrors({});
  };
  const setRole = (value: Role) => {
    teammateDrafts.inviteRole = value;
    setRoleState(value);
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found = checkWith(CreateInvitationRequest, { email, role });
    setErrors(found);
    if (Object.keys(found).length) return emailRef.current?.focus();
    setBusy(true);
    try {
      const created = await onInvite(email, role);
      const link = { link: invitationLink(serverUrl, created.token), created };
      teammateDrafts.lastLink = link;
      setMade(link);
      setEmail('');
      setRole('member');
    } catch (error) {
      const failure = errorsOfFailure(error);
      setErrors(failure);
      if (failure.email) emailRef.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="invite">
      <form
        className="invite-form"
        onSubmit={(e) => void submit(e)}
        noValidate
        aria-labelledby="invite-heading"
      >
        <h3 id="invite-heading">Invite a teammate</h3>
        <div className="invite-fields">
          <Field label="Email" error={errors.email}>
            <input
              ref={emailRef}
              type="email"
              value={email}
              placeholder="grace@example.com"
              autoComplete="off"
              onChange={(e) => setEmail(e.target.value)}
            />
          </Field>
          <Field label="Role" error={errors.role}>
            <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
              <option value="member">Member</option>
              <option value="admin">Admin</option>
            </select>
          </Field>
          <button type="submit" disabled={busy}>
            {busy ? 'Inviting…' : 'Invite'}
          </button>
        </div>
        <p className="field-hint">
          Admins manage teammates, shared secrets and organisation Experts and Environments; members use them.
        </p>
        {errors[''] && !errors.email && (
          <p className="field-error" role="alert">
            {errors['']}
          </p>
        )}
      </form>
      {made && (
        <InvitationLink
          link={made.link}
          created={made.created}
          organisationName={organisationName}
          onDismiss={() => {
            teammateDrafts.lastLink = null;
            setMade(null);
            emailRef.current?.focus();
          }}
        />
      )}
    </div>
  );
}

/** The link just made, to copy and send; it is not shown again once dismissed. */
export function InvitationLink({
  link,
  created,
  organisationName,
  onDismiss,
}: {
  link: string;
  created: CreatedInvitationResponse;
  organisationName: string;
  onDismiss: () => void;
}) {
  const [copied, setCopied] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const expires = new Date(created.invitation.expiresAt);

  async function copy() {
    try {
      await navigator.clipboard.writeText(link);
      setCopied('Copied. Send it to them yourself: Orrery does not send email.');
    } catch {
      // Without clipboard access, the link is selected for Ctrl+C / ⌘C.
      input.current?.select();
      setCopied('Selected: press Ctrl+C (⌘C on a Mac) to copy it.');
    }
  }

  return (
    <section className="invite-link" aria-label={`Invitation link for ${created.invitation.email}`}>
      <p>
        Send this link to <strong>{created.invitation.email}</strong>. It lets them join {organisationName} as{' '}
        {created.invitation.role === 'admin' ? 'an admin' : 'a member'}, once, until{' '}
        <time dateTime={expires.toISOString()}>{expires.toLocaleString()}</time>.
      </p>
      <div className="invite-link-row">
        <input
          ref={input}
          readOnly
          value={link}
          aria-label="Invitation link"
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" onClick={() => void copy()}>
          Copy link
        </button>
      </div>
      <p className="field-hint">
        This link is shown only now; if it is lost, invite them again for a new one.
      </p>
      {copied && (
        <p className="muted" role="status">
          {copied}
        </p>
      )}
      <button type="button" className="secondary small" onClick={onDismiss}>
        Done
      </button>
    </section>
  );
}
