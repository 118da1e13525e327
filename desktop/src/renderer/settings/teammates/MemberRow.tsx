// One person in the Teammates list: name, email, role, when last active.
// Admins change the role, deactivate (after confirming what it does),
// reactivate, and give a deactivated person's sessions to someone active.
import type { Member, Role } from '@orrery/shared';
import { useState } from 'react';
import { describeError } from '../../api/api-error.js';
import { relativeTime } from '../../common/time.js';

export interface MemberRowProps {
  member: Member;
  isMe: boolean;
  /** Whether the viewer may change people (an admin). */
  canManage: boolean;
  /** Who could take a deactivated person's sessions: the active people. */
  others: Member[];
  onChangeRole: (id: string, role: Role) => Promise<void>;
  onDeactivate: (id: string) => Promise<void>;
  onReactivate: (id: string) => Promise<void>;
  onReassign: (id: string, toUserId: string) => Promise<number>;
}

type Mode = 'idle' | 'confirm-deactivate' | 'reassign';

export function MemberRow(props: MemberRowProps) {
  const { member, isMe, canManage } = props;
  const [mode, setMode] = useState<Mode>('idle');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const deactivated = member.deactivatedAt !== null;

  const run = async (what: () => Promise<string | null>) => {
    setBusy(true);
    setFailure(null);
    setNotice(null);
    try {
      setNotice(await what());
      setMode('idle');
    } catch (error) {
      setFailure(describeError(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className={`member-row${deactivated ? ' deactivated' : ''}`} aria-label={member.name}>
      <div className="member-main">
        <div className="member-title">
          <span className="member-name">
            {member.name}
            {isMe && ' (you)'}
          </span>
          {deactivated && <span className="scope-badge">Deactivated</span>}
        </div>
        <p className="member-meta">
          {member.email} · {lastActive(member)}
        </p>
      </div>
      <div className="member-actions">
        {canManage && !deactivated ? (
          <select
            aria-label={`Role of ${member.name}`}
            value={member.role}
            disabled={busy}
            onChange={(e) => {
              const role = e.target.value as Role;
              void run(async () => {
                await props.onChangeRole(member.id, role);
                return `${member.name} is now ${role === 'admin' ? 'an admin' : 'a member'}.`;
              });
            }}
          >
            <option value="member">Member</option>
            <option value="admin">Admin</option>
          </select>
        ) : (
          <span className={`role-badge ${member.role}`}>{member.role === 'admin' ? 'Admin' : 'Member'}</span>
        )}
        {canManage && mode === 'idle' && !deactivated && (
          <button
            type="button"
            className="secondary small danger"
            aria-label={`Deactivate ${member.name}`}
            onClick={() => setMode('confirm-deactivate')}
          >
            Deactivate
          </button>
        )}
        {canManage && mode === 'idle' && deactivated && (
          <>
            <button
              type="button"
              className="secondary small"
              aria-label={`Reassign the sessions of ${member.name}`}
              onClick={() => setMode('reassign')}
            >
              Reassign sessions
            </button>
            <button
              type="button"
              className="secondary small"
              aria-label={`Reactivate ${member.name}`}
              disabled={busy}
              onClick={() =>
                void run(async () => {
                  await props.onReactivate(member.id);
                  return `${member.name} can sign in again.`;
                })
              }
            >
              Reactivate
            </button>
          </>
        )}
      </div>
      {mode === 'confirm-deactivate' && (
        <div className="member-step" role="group" aria-label={`Confirm deactivating ${member.name}`}>
          <p>
            Deactivate {isMe ? 'yourself' : member.name}? {isMe ? 'You are' : 'They are'} signed out on every
            device at once and cannot sign in again until an admin reactivates {isMe ? 'you' : 'them'}. Their
            sessions are kept; you can give them to someone else.
          </p>
          <div className="member-buttons">
            <button
              type="button"
              className="danger"
              disabled={busy}
              onClick={() =>
                void run(async () => {
                  await props.onDeactivate(member.id);
                  return `${member.name} was deactivated and signed out everywhere.`;
                })
              }
            >
              {busy ? 'Deactivating…' : `Deactivate ${member.name}`}
            </button>
            <button
              type="button"
              className="secondary"
              autoFocus
              disabled={busy}
              onClick={() => setMode('idle')}
            >
              Cancel
            </button>
          </div>
        </div>
      )}
      {mode === 'reassign' && (
        <Reassign
          member={member}
          others={props.others}
          busy={busy}
          onCancel={() => setMode('idle')}
          onReassign={(toUserId, toName) =>
            void run(async () => {
              const moved = await props.onReassign(member.id, toUserId);
              return moved === 0
                ? `${member.name} had no sessions to give.`
                : moved === 1
                  ? `1 session of ${member.name} now belongs to ${toName}.`
                  : `${moved} sessions of ${member.name} now belong to ${toName}.`;
            })
          }
        />
      )}
      {failure && (
        <p className="field-error member-note" role="alert">
          {failure}
        </p>
      )}
      {notice && (
        <p className="muted member-note" role="status">
          {notice}
        </p>
      )}
    </li>
  );
}

function Reassign({
  member,
  others,
  busy,
  onCancel,
  onReassign,
}: {
  member: Member;
  others: Member[];
  busy: boolean;
  onCancel: () => void;
  onReassign: (toUserId: string, toName: string) => void;
}) {
  const [to, setTo] = useState(others[0]?.id ?? '');
  const chosen = others.find((m) => m.id === to);
  return (
    <div className="member-step" role="group" aria-label={`Reassign the sessions of ${member.name}`}>
      <label>
        Give every session of {member.name} to
        <select value={to} autoFocus onChange={(e) => setTo(e.target.value)}>
          {others.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name} ({m.email})
            </option>
          ))}
        </select>
      </label>
      <p className="field-hint">They become the owner: they can write in them, share them and delete them.</p>
      <div className="member-buttons">
        <button
          type="button"
          disabled={busy || !chosen}
          onClick={() => chosen && onReassign(chosen.id, chosen.name)}
        >
          {busy ? 'Reassigning…' : 'Reassign sessions'}
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}

function lastActive(member: Member): string {
  if (member.deactivatedAt !== null) return `deactivated ${relativeTime(member.deactivatedAt)}`;
  if (member.lastActiveAt === null) return 'not active yet';
  return `active ${relativeTime(member.lastActiveAt)}`;
}
