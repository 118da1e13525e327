// Your own account: name, password and sign-ins, and what nobody else may do to them.
import { SyncCloseCode, userDocName, type LoginResponse, type SignInsResponse } from '@orrery/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, connect, closeCode, synced, startTestServer, type TestServer } from '../test-support.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

/** Signs in over the real route, as a browser with that User-Agent would. */
async function signIn(email: string, password: string, userAgent = FIREFOX): Promise<LoginResponse> {
  const res = await fetch(`${t.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': userAgent },
    body: JSON.stringify({ email, password }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as LoginResponse;
}

const meStatus = async (token: string) => (await t.api(token, 'GET', '/api/me')).status;

describe('your name', () => {
  it('changes, and a blank one is refused next to the field', async () => {
    const alice = await t.person('Alice');
    const renamed = await t.client(alice.token).account.update({ name: '  Alice Liddell ' });
    expect(renamed.user.name).toBe('Alice Liddell');
    expect((await t.client(alice.token).auth.me()).user.name).toBe('Alice Liddell');

    const blank = await t.api<{ error: { fields: Record<string, string> } }>(
      alice.token,
      'PATCH',
      '/api/me',
      {
        name: '  ',
      },
    );
    expect(blank.status).toBe(400);
    expect(blank.body.error.fields.name).toBe('is required');
  });
});

describe('sign-ins', () => {
  it('lists each device with its browser, when it was made and which one is this', async () => {
    const bob = await t.person('Bob');
    const laptop = await signIn(bob.user.email, PASSWORD, FIREFOX);
    const phone = await signIn(bob.user.email, PASSWORD, SAFARI);
    const { signIns } = await t.client(phone.token).account.signIns();
    expect(signIns).toHaveLength(3);
    expect(signIns.filter((x) => x.current).map((x) => x.userAgent)).toEqual([SAFARI]);
    expect(signIns.map((x) => x.userAgent)).toContain(FIREFOX);
    expect(signIns.every((x) => x.createdAt > 0 && x.lastUsedAt !== null)).toBe(true);
    expect(JSON.stringify(signIns)).not.toContain(laptop.token);
  });

  it('ends one sign-in of yours, closing its sync socket at once', async () => {
    const carol = await t.person('Carol');
    const other = await signIn(carol.user.email, PASSWORD);
    const provider = connect(t, userDocName(carol.user.id), other.token);
    await synced(provider);
    const closed = closeCode(provider);
    const { signIns } = await t.client(carol.token).account.signIns();
    const target = signIns.find((x) => !x.current && x.userAgent === FIREFOX)!;
    await t.client(carol.token).account.signOut(target.id);
    expect(await meStatus(other.token)).toBe(401);
    expect(await meStatus(carol.token)).toBe(200);
    expect(await closed).toBe(SyncCloseCode.accessRevoked);
    provider.destroy();
  });

  it("refuses to end someone else's sign-in, answering as if it did not exist", async () => {
    const dave = await t.person('Dave');
    const eve = await t.person('Eve', { role: 'admin' });
    const { signIns } = await t.client(dave.token).account.signIns();
    const res = await t.api<{ error: { code: string } }>(
      eve.token,
      'DELETE',
      `/api/me/sign-ins/${signIns[0]!.id}`,
    );
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect(await meStatus(dave.token)).toBe(200);

    // Nor does signing out of one's own others reach anyone else.
    await t.client(eve.token).account.signOutOthers();
    expect(await meStatus(dave.token)).toBe(200);
  });

  it('signs out of every other device and keeps this one', async () => {
    const fay = await t.person('Fay');
    const a = await signIn(fay.user.email, PASSWORD);
    const b = await signIn(fay.user.email, PASSWORD, SAFARI);
    expect((await t.client(b.token).account.signOutOthers()).signedOut).toBe(2);
    expect(await meStatus(a.token)).toBe(401);
    expect(await meStatus(fay.token)).toBe(401);
    expect(await meStatus(b.token)).toBe(200);
    const left = await t.api<SignInsResponse>(b.token, 'GET', '/api/me/sign-ins');
    expect(left.body.signIns.map((x) => x.current)).toEqual([true]);
  });

  it('is for people: a runner token is refused', async () => {
    const res = await t.api(await t.serviceToken(), 'GET', '/api/me/sign-ins');
    expect(res.status).toBe(403);
  });
});

describe('password change', () => {
  it('needs the current password, said next to that field', async () => {
    const gus = await t.person('Gus');
    const res = await t.api<{ error: { fields: Record<string, string> } }>(
      gus.token,
      'POST',
      '/api/me/password',
      {
        currentPassword: 'not my password',
        newPassword: 'a brand new passphrase',
      },
    );
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toEqual({ currentPassword: 'is not your current password' });
    const login = await fetch(`${t.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: gus.user.email, password: 'a brand new passphrase' }),
    });
    expect(login.status).toBe(401);
  });

  it('holds a new password to the same rules as everywhere', async () => {
    const hal = await t.person('Hal');
    const res = await t.api<{ error: { fields: Record<string, string> } }>(
      hal.token,
      'POST',
      '/api/me/password',
      {
        currentPassword: PASSWORD,
        newPassword: 'short',
      },
    );
    expect(res.status).toBe(400);
    expect(res.body.error.fields.newPassword).toBe('must be at least 10 characters');
  });

  it('ends the other sign-ins and keeps this one; the new password signs in, the old does not', async () => {
    const ida = await t.person('Ida');
    const elsewhere = await signIn(ida.user.email, PASSWORD);
    await t.client(ida.token).account.changePassword({
      currentPassword: PASSWORD,
      newPassword: 'correct horse battery staple',
    });
    expect(await meStatus(elsewhere.token)).toBe(401);
    expect(await meStatus(ida.token)).toBe(200);
    await signIn(ida.user.email, 'correct horse battery staple');
    const old = await fetch(`${t.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: ida.user.email, password: PASSWORD }),
    });
    expect(old.status).toBe(401);
  });

  it('is throttled like sign-in, so a stolen token cannot guess the password', async () => {
    const jo = await t.person('Jo');
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await t.api(jo.token, 'POST', '/api/me/password', {
        currentPassword: `guess number ${i}`,
        newPassword: 'a brand new passphrase',
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(400));
    expect(statuses.slice(10)).toEqual([429, 429]);
    // Even the right password waits now.
    const right = await t.api(jo.token, 'POST', '/api/me/password', {
      currentPassword: PASSWORD,
      newPassword: 'a brand new passphrase',
    });
    expect(right.status).toBe(429);
  });
});
