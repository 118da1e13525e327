// Who may manage teammates: a member is refused every admin route (and
// nothing changed), an admin of another organisation reaches no one here,
// runners' service tokens reach none of it, and a deactivated person's old
// sign-in opens nothing, not even a socket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startTestServer, tryUpgrade, type Person, type TestServer } from '../test-support.js';
import { userDocName } from '@orrery/shared';

let t: TestServer;
let member: Person;
let target: Person;
let outsider: Person;

beforeAll(async () => {
  t = await startTestServer();
  member = await t.person('Mo');
  target = await t.person('Tia');
  const other = await t.services.accounts.createOrganisation('Elsewhere');
  outsider = await t.person('Oz', { orgId: other.id, role: 'admin' });
});
afterAll(() => t.close());

/** Every route only admins may use, with a body that would otherwise succeed. */
function adminRoutes(invitationId: string): [method: string, path: string, body?: unknown][] {
  return [
    ['GET', '/api/invitations'],
    ['POST', '/api/invitations', { email: 'new.person@example.com', role: 'admin' }],
    ['DELETE', `/api/invitations/${invitationId}`],
    ['PATCH', `/api/teammates/${target.user.id}`, { role: 'admin' }],
    ['PATCH', `/api/teammates/${member.user.id}`, { role: 'admin' }],
    ['POST', `/api/teammates/${target.user.id}/deactivate`],
    ['POST', `/api/teammates/${target.user.id}/reactivate`],
    ['POST', `/api/teammates/${target.user.id}/sessions/reassign`, { toUserId: member.user.id }],
    ['PATCH', '/api/organisation', { name: 'Taken over' }],
  ];
}

describe('managing teammates', () => {
  it('refuses a member every admin route, and changes nothing', async () => {
    const { invitation, token } = await t
      .client(t.admin.token)
      .invitations.create({ email: 'pending@example.com' });
    for (const [method, path, body] of adminRoutes(invitation.id)) {
      const res = await t.api<{ error: { code: string; message: string } }>(member.token, method, path, body);
      expect({ route: `${method} ${path}`, status: res.status }).toEqual({
        route: `${method} ${path}`,
        status: 403,
      });
      expect(res.body.error.message).toBe('Only an admin of your organisation may do this.');
    }
    const { members } = await t.client(t.admin.token).teammates.list();
    expect(members.find((m) => m.id === member.user.id)?.role).toBe('member');
    expect(members.find((m) => m.id === target.user.id)?.deactivatedAt).toBeNull();
    await expect(t.client(null).invitations.lookup(token)).resolves.toMatchObject({
      email: 'pending@example.com',
    });
    await expect(t.client(member.token).auth.me()).resolves.toMatchObject({
      organisation: { name: 'My organisation' },
    });
  });

  it('lets a member read the list, without anything an admin alone sees', async () => {
    const res = await t.client(member.token).teammates.list();
    expect(res.members.map((m) => m.id)).toEqual(expect.arrayContaining([member.user.id, target.user.id]));
    expect(JSON.stringify(res)).not.toMatch(/password|token/i);
  });

  it('lets an admin of another organisation reach no one here', async () => {
    const { invitation } = await t
      .client(t.admin.token)
      .invitations.create({ email: 'other.pending@example.com' });
    for (const [method, path, body] of adminRoutes(invitation.id).filter(([, p]) =>
      p.includes('/api/teammates/'),
    )) {
      const res = await t.api(outsider.token, method, path, body);
      expect({ route: `${method} ${path}`, status: res.status }).toEqual({
        route: `${method} ${path}`,
        status: 404,
      });
    }
    expect((await t.api(outsider.token, 'DELETE', `/api/invitations/${invitation.id}`)).status).toBe(404);
    const theirs = await t.client(outsider.token).teammates.list();
    expect(theirs.members.map((m) => m.id)).toEqual([outsider.user.id]);
    const invitations = await t.client(outsider.token).invitations.list();
    expect(invitations.invitations).toEqual([]);
    // Reassigning to someone of another organisation is refused too.
    await t.client(t.admin.token).teammates.deactivate(target.user.id);
    const res = await t.api(t.admin.token, 'POST', `/api/teammates/${target.user.id}/sessions/reassign`, {
      toUserId: outsider.user.id,
    });
    expect(res.status).toBe(404);
    await t.client(t.admin.token).teammates.reactivate(target.user.id);
  });

  it('refuses runners (service tokens) every teammate route', async () => {
    const service = await t.serviceToken();
    for (const [method, path, body] of [['GET', '/api/teammates'], ...adminRoutes('x')] as const) {
      expect((await t.api(service, method, path, body)).status).toBe(403);
    }
  });

  it("a deactivated person's old sign-in opens no socket and no route", async () => {
    const gone = await t.person('Gone');
    await t.client(t.admin.token).teammates.deactivate(gone.user.id);
    expect(await tryUpgrade(t, userDocName(gone.user.id), gone.token)).toBe(401);
    expect((await t.api(gone.token, 'GET', '/api/teammates')).status).toBe(401);
    const login = await t.api(null, 'POST', '/api/auth/login', {
      email: gone.user.email,
      password: PASSWORD,
    });
    expect(login.status).toBe(403);
    expect(JSON.stringify(login.body)).not.toContain('token');
  });
});
