// Teammates as admins manage them, over the real server: invitations (one
// link, used once, for seven days, revocable), roles with the last-admin rule,
// deactivation (signed out everywhere, live sockets closed, sign-in refused,
// gone from search) and giving a deactivated person's sessions to someone else.
import { INVITATION_TTL_MS, SyncCloseCode, invitationLink, userDocName } from '@orrery/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../auth/secrets.js';
import { PASSWORD, closeCode, connect, startTestServer, synced, type TestServer } from '../test-support.js';

let t: TestServer;
let now = Date.now();

beforeAll(async () => {
  t = await startTestServer({ clock: () => now });
});
afterAll(() => t.close());

const admin = () => t.client(t.admin.token);
let seq = 0;
const email = (name: string) => `${name}.${++seq}@example.com`;

async function invite(address: string, role: 'admin' | 'member' = 'member') {
  return admin().invitations.create({ email: address, role });
}

describe('invitations', () => {
  it('makes a one-time link that the invitee looks up, accepts with a name and password, and is signed in by', async () => {
    const address = email('ines');
    const { invitation, token } = await invite(address);
    expect(invitation).toMatchObject({
      email: address,
      role: 'member',
      status: 'pending',
      invitedBy: 'Admin',
    });
    expect(invitation.expiresAt - invitation.createdAt).toBe(INVITATION_TTL_MS);
    expect(invitationLink('http://orrery.example:8787/', token)).toBe(
      `http://orrery.example:8787/#/invite/${token}`,
    );

    // The invitee is not signed in.
    const stranger = t.client(null);
    const preview = await stranger.invitations.lookup(token);
    expect(preview).toEqual({
      organisation: { name: 'My organisation' },
      email: address,
      role: 'member',
      expiresAt: invitation.expiresAt,
    });

    const signedIn = await stranger.invitations.accept({ token, name: 'Ines', password: PASSWORD });
    expect(signedIn.user).toMatchObject({ email: address, name: 'Ines', role: 'member', orgId: t.orgId });
    const me = await t.client(signedIn.token).auth.me();
    expect(me.user.id).toBe(signedIn.user.id);
    // And they can sign in again with what they chose.
    await expect(stranger.auth.login({ email: address, password: PASSWORD })).resolves.toMatchObject({
      user: { id: signedIn.user.id },
    });

    // Once only.
    await expect(
      stranger.invitations.accept({ token, name: 'Mallory', password: PASSWORD }),
    ).rejects.toMatchObject({
      status: 409,
      message: 'This invitation has been used already. Sign in with the email it was sent to.',
    });
    await expect(stranger.invitations.lookup(token)).rejects.toMatchObject({ status: 409 });

    const { invitations } = await admin().invitations.list();
    expect(invitations.find((i) => i.id === invitation.id)).toMatchObject({ status: 'accepted' });
  });

  it('keeps only a hash of the token', async () => {
    const { invitation, token } = await invite(email('hashed'));
    const row = await t.database.db
      .selectFrom('invitations')
      .selectAll()
      .where('id', '=', invitation.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.token_hash).toEqual(hashToken(token));
  });

  it('accepted twice at the same moment makes one account', async () => {
    const { token } = await invite(email('race'));
    const stranger = t.client(null);
    const results = await Promise.allSettled([
      stranger.invitations.accept({ token, name: 'First', password: PASSWORD }),
      stranger.invitations.accept({ token, name: 'Second', password: PASSWORD }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
  });

  it('expires after seven days, and says so', async () => {
    const address = email('late');
    const { invitation, token } = await invite(address);
    now += INVITATION_TTL_MS + 1;
    try {
      const stranger = t.client(null);
      const expired = {
        status: 404,
        message:
          'This invitation has expired (links work for 7 days). Ask an admin of My organisation for a new invitation.',
      };
      await expect(stranger.invitations.lookup(token)).rejects.toMatchObject(expired);
      await expect(
        stranger.invitations.accept({ token, name: 'Late', password: PASSWORD }),
      ).rejects.toMatchObject(expired);
      const { invitations } = await admin().invitations.list();
      expect(invitations.find((i) => i.id === invitation.id)).toMatchObject({ status: 'expired' });
    } finally {
      now -= INVITATION_TTL_MS + 1;
    }
  });

  it('stops working when revoked, and when a new link is made for the same email', async () => {
    const address = email('withdrawn');
    const first = await invite(address);
    const second = await invite(address, 'admin');
    const stranger = t.client(null);
    await expect(stranger.invitations.lookup(first.token)).rejects.toThrow(
      'This invitation was withdrawn by an admin. Ask an admin of My organisation for a new invitation.',
    );
    await expect(stranger.invitations.lookup(second.token)).resolves.toMatchObject({ role: 'admin' });

    await admin().invitations.revoke(second.invitation.id);
    await expect(
      stranger.invitations.accept({ token: second.token, name: 'W', password: PASSWORD }),
    ).rejects.toMatchObject({
      status: 404,
    });
    const { invitations } = await admin().invitations.list();
    expect(invitations.map((i) => i.id)).not.toContain(second.invitation.id);
    // Revoking twice finds nothing to revoke.
    await expect(admin().invitations.revoke(second.invitation.id)).rejects.toMatchObject({ status: 404 });
  });

  it('refuses an email that is already a member, next to the field', async () => {
    const member = await t.person('Already');
    await expect(invite(member.user.email)).rejects.toMatchObject({
      status: 409,
      message: `${member.user.email} is already a member of My organisation.`,
      fields: { email: 'My organisation already has a member with this email.' },
    });
  });

  it('holds the invitee to the shared password rules, and says which field is wrong', async () => {
    const { token } = await invite(email('short'));
    await expect(
      t.client(null).invitations.accept({ token, name: ' ', password: 'short' }),
    ).rejects.toMatchObject({
      status: 400,
      fields: { password: 'must be at least 10 characters', name: 'is required' },
    });
    // Nothing was used up by the refusal.
    await expect(t.client(null).invitations.lookup(token)).resolves.toBeDefined();
  });

  it('says an unknown link is not valid', async () => {
    await expect(t.client(null).invitations.lookup('not-a-real-token')).rejects.toThrow(
      'This invitation link is not valid; check that it was copied whole. Ask an admin for a new invitation.',
    );
  });
});

describe('roles', () => {
  it('an admin changes roles, and the organisation never loses its last admin', async () => {
    const bea = await t.person('Bea');
    const { member } = await admin().teammates.changeRole(bea.user.id, 'admin');
    expect(member).toMatchObject({ id: bea.user.id, role: 'admin' });
    // Bea may now do what admins do.
    await expect(t.client(bea.token).invitations.list()).resolves.toBeDefined();

    await t.client(bea.token).teammates.changeRole(bea.user.id, 'member');
    // The first admin is the only one again: neither demoting nor deactivating them works.
    const lastAdmin = {
      status: 409,
      message:
        'Admin is the only admin of My organisation. Make someone else an admin first, so that My organisation keeps one.',
    };
    await expect(admin().teammates.changeRole(t.admin.user.id, 'member')).rejects.toMatchObject(lastAdmin);
    await expect(admin().teammates.deactivate(t.admin.user.id)).rejects.toMatchObject(lastAdmin);
    await expect(admin().auth.me()).resolves.toMatchObject({ user: { role: 'admin' } });
  });

  it('lists everyone with role and when they were last active, to the minute', async () => {
    const cy = await t.person('Cy');
    let listed = (await t.client(cy.token).teammates.list()).members.find((m) => m.id === cy.user.id)!;
    const first = listed.lastActiveAt;
    expect(first).toBe(now);
    expect(listed).toMatchObject({ name: 'Cy', role: 'member', deactivatedAt: null });

    // Used again within the minute: not written again. After it: written.
    now += 30_000;
    listed = (await t.client(cy.token).teammates.list()).members.find((m) => m.id === cy.user.id)!;
    expect(listed.lastActiveAt).toBe(first);
    now += 31_000;
    listed = (await t.client(cy.token).teammates.list()).members.find((m) => m.id === cy.user.id)!;
    expect(listed.lastActiveAt).toBe(now);
  });

  it('the admin renames the organisation', async () => {
    const { organisation } = await admin().organisation.rename('  Analytical Engines  ');
    expect(organisation.name).toBe('Analytical Engines');
    await expect(admin().auth.me()).resolves.toMatchObject({ organisation: { name: 'Analytical Engines' } });
    await expect(admin().organisation.rename('')).rejects.toMatchObject({
      status: 400,
      fields: { name: 'is required' },
    });
    await admin().organisation.rename('My organisation');
  });
});

describe('deactivation', () => {
  it('signs the person out everywhere, closes their live sockets, refuses sign-in and hides them from search', async () => {
    const dee = await t.person('Dee');
    const phone = await t.client(null).auth.login({ email: dee.user.email, password: PASSWORD });
    const provider = connect(t, userDocName(dee.user.id), phone.token);
    await synced(provider);
    const closed = closeCode(provider);

    const { member } = await admin().teammates.deactivate(dee.user.id);
    expect(member.deactivatedAt).toBe(now);
    expect(await closed).toBe(SyncCloseCode.accessRevoked);
    provider.destroy();

    for (const token of [dee.token, phone.token])
      await expect(t.client(token).auth.me()).rejects.toMatchObject({ status: 401 });
    await expect(
      t.client(null).auth.login({ email: dee.user.email, password: PASSWORD }),
    ).rejects.toMatchObject({
      status: 403,
      message:
        'Your account in My organisation was deactivated by an admin, so you cannot sign in. Ask an admin of My organisation to reactivate it.',
    });
    // A wrong password still gets the answer anyone gets.
    await expect(
      t.client(null).auth.login({ email: dee.user.email, password: 'not the password' }),
    ).rejects.toMatchObject({
      status: 401,
    });
    const { users } = await admin().users.search('Dee');
    expect(users.map((u) => u.id)).not.toContain(dee.user.id);
    // Listed still, as deactivated.
    const { members } = await admin().teammates.list();
    expect(members.find((m) => m.id === dee.user.id)?.deactivatedAt).toBe(now);

    await admin().teammates.reactivate(dee.user.id);
    await expect(
      t.client(null).auth.login({ email: dee.user.email, password: PASSWORD }),
    ).resolves.toBeDefined();
  });

  it("keeps their sessions, which an admin gives to someone else with the owner's access", async () => {
    const eve = await t.person('Eve');
    const finn = await t.person('Finn');
    const expert = (await t.client(eve.token).experts.list()).experts.find(
      (e) => e.model.provider === 'shell',
    )!;
    const { session } = await t.client(eve.token).sessions.create({
      expertId: expert.id,
      prompt: 'echo mine',
      visibility: 'private',
    });
    // Finn may watch it with a grant; once it is his, he owns it instead.
    await t.client(eve.token).grants.grant(session.id, finn.user.id);
    await admin().teammates.deactivate(eve.user.id);
    await expect(t.client(finn.token).sessions.get(session.id)).resolves.toMatchObject({
      session: { access: 'viewer' },
    });

    // Only a deactivated person's sessions are moved, and only to someone active.
    await expect(admin().teammates.reassignSessions(finn.user.id, eve.user.id)).rejects.toMatchObject({
      status: 400,
      message: 'Finn is active and owns their sessions. Deactivate them first.',
    });
    const { moved } = await admin().teammates.reassignSessions(eve.user.id, finn.user.id);
    expect(moved).toBe(1);

    await expect(t.client(finn.token).sessions.get(session.id)).resolves.toMatchObject({
      session: { access: 'owner', ownerId: finn.user.id, ownerName: 'Finn' },
    });
    await expect(t.client(finn.token).grants.list(session.id)).resolves.toEqual({ grants: [] });
    await expect(
      t.client(finn.token).sessions.sendMessage(session.id, { text: 'echo now mine' }),
    ).resolves.toMatchObject({ skipped: [] });
  });
});
