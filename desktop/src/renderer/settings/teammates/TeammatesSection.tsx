// Settings → Teammates: everyone in the organisation with role and when they
// were last active. Admins invite (one-time links), revoke invitations,
// change roles, deactivate and reassign sessions, and rename the
// organisation; members see the same list read-only. The server decides.
import { useEffect, useState } from 'react';
import { useServices } from '../../app/services-context.js';
import { ManagedNote } from '../common/ManagedNote.js';
import type { SectionProps } from '../sections.js';
import { InvitationList } from './InvitationList.js';
import { InviteForm } from './InviteForm.js';
import { MemberRow } from './MemberRow.js';
import { OrganisationName } from './OrganisationName.js';
import { useTeammates, type Teammates } from './use-teammates.js';

export function TeammatesSection(_props: SectionProps) {
  const { account, api } = useServices();
  const isAdmin = account.user.role === 'admin';
  const teammates = useTeammates(isAdmin);
  const [organisationName, setOrganisationName] = useState(account.organisation.name);
  const { state } = teammates;
  // The name the app signed in with may be older than a rename (here or on another device).
  useEffect(() => {
    let cancelled = false;
    api.me().then(
      (me) => !cancelled && setOrganisationName(me.organisation.name),
      () => {},
    );
    return () => {
      cancelled = true;
    };
  }, [api]);

  return (
    <section className="settings-section teammates" aria-labelledby="settings-section-heading">
      <h2 id="settings-section-heading">Teammates</h2>
      <OrganisationName
        name={organisationName}
        canRename={isAdmin}
        onRename={async (name) => {
          const { organisation } = await api.renameOrganisation(name);
          setOrganisationName(organisation.name);
          return organisation.name;
        }}
      />
      {!isAdmin && <ManagedNote what="The list of teammates" />}
      {state.status === 'loading' && <p className="muted">Loading teammates…</p>}
      {state.status === 'error' && (
        <div className="inline-error" role="alert">
          <p>{state.message}</p>
          <button type="button" className="secondary small" onClick={teammates.retry}>
            Try again
          </button>
        </div>
      )}
      {state.status === 'ready' && (
        <>
          {isAdmin && (
            <InviteForm
              serverUrl={account.serverUrl}
              organisationName={organisationName}
              onInvite={teammates.invite}
            />
          )}
          <People teammates={teammates} meId={account.user.id} isAdmin={isAdmin} />
          {isAdmin && (
            <div className="teammates-group">
              <h3 id="invitations-heading">Invitations</h3>
              <InvitationList invitations={state.invitations} onRevoke={teammates.revokeInvitation} />
            </div>
          )}
        </>
      )}
    </section>
  );
}

function People({ teammates, meId, isAdmin }: { teammates: Teammates; meId: string; isAdmin: boolean }) {
  if (teammates.state.status !== 'ready') return null;
  const { members } = teammates.state;
  const active = members.filter((m) => m.deactivatedAt === null);
  return (
    <div className="teammates-group">
      <h3>{members.length === 1 ? '1 person' : `${members.length} people`}</h3>
      <ul className="member-list" aria-label="People">
        {members.map((member) => (
          <MemberRow
            key={member.id}
            member={member}
            isMe={member.id === meId}
            canManage={isAdmin}
            others={active.filter((m) => m.id !== member.id)}
            onChangeRole={teammates.changeRole}
            onDeactivate={teammates.deactivate}
            onReactivate={teammates.reactivate}
            onReassign={teammates.reassignSessions}
          />
        ))}
      </ul>
    </div>
  );
}
