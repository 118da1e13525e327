// The Teammates section's data: everyone in the organisation and, for
// admins, the invitations. Nothing is kept on the device; each change is
// applied to what is shown once the server has answered.
import type { Invitation, Member, Role } from '@orrery/shared';
import { useCallback, useEffect, useState } from 'react';
import { describeError } from '../../api/api-error.js';
import { useServices } from '../../app/services-context.js';

export type TeammatesState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; members: Member[]; invitations: Invitation[] };

export function useTeammates(isAdmin: boolean) {
  const { api } = useServices();
  const [state, setState] = useState<TeammatesState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let cancelled = false;
    setState({ status: 'loading' });
    Promise.all([api.members(), isAdmin ? api.invitations() : Promise.resolve({ invitations: [] })]).then(
      ([m, i]) => !cancelled && setState({ status: 'ready', members: m.members, invitations: i.invitations }),
      (error: unknown) => !cancelled && setState({ status: 'error', message: describeError(error) }),
    );
    return () => {
      cancelled = true;
    };
  }, [api, isAdmin, attempt]);

  const update = useCallback(
    (change: (s: Extract<TeammatesState, { status: 'ready' }>) => TeammatesState) => {
      setState((s) => (s.status === 'ready' ? change(s) : s));
    },
    [],
  );
  const replaceMember = useCallback(
    (member: Member) =>
      update((s) => ({ ...s, members: s.members.map((m) => (m.id === member.id ? member : m)) })),
    [update],
  );

  return {
    state,
    retry: () => setAttempt((n) => n + 1),
    invite: async (email: string, role: Role) => {
      const created = await api.invite(email, role);
      // A new link for the same email replaces the earlier one.
      update((s) => ({
        ...s,
        invitations: [
          created.invitation,
          ...s.invitations.filter((i) => !(i.email === created.invitation.email && i.status === 'pending')),
        ],
      }));
      return created;
    },
    revokeInvitation: async (id: string) => {
      await api.revokeInvitation(id);
      update((s) => ({ ...s, invitations: s.invitations.filter((i) => i.id !== id) }));
    },
    changeRole: async (id: string, role: Role) => replaceMember((await api.changeRole(id, role)).member),
    deactivate: async (id: string) => replaceMember((await api.deactivate(id)).member),
    reactivate: async (id: string) => replaceMember((await api.reactivate(id)).member),
    reassignSessions: async (id: string, toUserId: string) =>
      (await api.reassignSessions(id, toUserId)).moved,
  };
}

export type Teammates = ReturnType<typeof useTeammates>;
