// The invitations admins sent: pending ones (with Revoke), then those that
// expired or were accepted, so an admin sees who still has to join.
import type { Invitation } from '@orrery/shared';
import { useState } from 'react';
import { describeError } from '../../api/api-error.js';
import { relativeTime } from '../../common/time.js';

export function InvitationList({
  invitations,
  onRevoke,
}: {
  invitations: Invitation[];
  onRevoke: (id: string) => Promise<void>;
}) {
  if (!invitations.length) return <p className="empty-hint">No invitations yet.</p>;
  return (
    <ul className="member-list" aria-label="Invitations">
      {invitations.map((invitation) => (
        <InvitationRow key={invitation.id} invitation={invitation} onRevoke={onRevoke} />
      ))}
    </ul>
  );
}

function InvitationRow({
  invitation,
  onRevoke,
}: {
  invitation: Invitation;
  onRevoke: (id: string) => Promise<void>;
}) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const role = invitation.role === 'admin' ? 'Admin' : 'Member';
  return (
    <li className="member-row" aria-label={`Invitation for ${invitation.email}`}>
      <div className="member-main">
        <div className="member-title">
          <span className="member-name">{invitation.email}</span>
          <span className={`status-badge ${invitation.status}`}>{STATUS[invitation.status]}</span>
        </div>
        <p className="member-meta">
          {role} · invited by {invitation.invitedBy} {relativeTime(invitation.createdAt)} · {when(invitation)}
        </p>
      </div>
      {invitation.status === 'pending' && (
        <div className="member-actions">
          <button
            type="button"
            className="secondary small danger"
            disabled={busy}
            aria-label={`Revoke the invitation for ${invitation.email}`}
            onClick={() => {
              setBusy(true);
              setFailure(null);
              onRevoke(invitation.id).catch((error: unknown) => {
                setFailure(describeError(error));
                setBusy(false);
              });
            }}
          >
            {busy ? 'Revoking…' : 'Revoke'}
          </button>
        </div>
      )}
      {failure && (
        <p className="field-error member-note" role="alert">
          {failure}
        </p>
      )}
    </li>
  );
}

const STATUS = { pending: 'Pending', expired: 'Expired', accepted: 'Accepted' } as const;

function when(invitation: Invitation): string {
  if (invitation.status === 'accepted' && invitation.acceptedAt !== null)
    return `joined ${relativeTime(invitation.acceptedAt)}`;
  const date = new Date(invitation.expiresAt).toLocaleDateString(undefined, {
    day: 'numeric',
    month: 'short',
  });
  return invitation.status === 'expired' ? `expired ${date}` : `link works until ${date}`;
}
