// What someone typed in the Teammates section, kept while they visit other
// pages (module memory, for this window only): the invite form and the
// organisation's new name. The one-time link is kept too, until dismissed.
import type { CreatedInvitationResponse, Role } from '@orrery/shared';

export const teammateDrafts: {
  inviteEmail: string;
  inviteRole: Role;
  organisationName: string | null;
  lastLink: { link: string; created: CreatedInvitationResponse } | null;
} = { inviteEmail: '', inviteRole: 'member', organisationName: null, lastLink: null };
