// Repository credentials: write-only secrets bound to one git host. A member
// keeps private ones and may not touch the organisation's; no answer carries
// a value; an Environment may name only a credential its saver can use, for
// the repository's own host; and a runner receives a value only for a
// repository on the credential's host, so no one can send an organisation
// credential to a host they control.
import type {
  Environment,
  RepositoryCredentialSummary,
  SessionContext,
  SessionResponse,
} from '@orrery/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type Person, type TestServer } from '../test-support.js';

let t: TestServer;
let member: Person;
let teammate: Person;
const ORG_TOKEN = 'ghp_org-deploy-7f3a9c1e5b';
const MY_TOKEN = 'ghp_private-4d2b8e6a0c';

type Answer = {
  error?: { code: string; message: string; fields?: Record<string, string> };
  credential?: RepositoryCredentialSummary;
  environment?: Environment;
};

beforeAll(async () => {
  t = await startTestServer();
  member = await t.person('Bea');
  teammate = await t.person('Cal');
});

afterAll(async () => {
  await t.close();
});

const put = (who: Person, scope: string, name: string, body: Record<string, string>) =>
  t.api<Answer>(who.token, 'PUT', `/api/repository-credentials/${scope}/${name}`, body);
const list = async (who: Person) =>
  (
    await t.api<{ credentials: RepositoryCredentialSummary[] }>(
      who.token,
      'GET',
      '/api/repository-credentials',
    )
  ).body.credentials;
const saveEnvironment = (who: Person, name: string, url: string, credential: string) =>
  t.api<Answer>(who.token, 'POST', '/api/environments', {
    name,
    image: 'orrery/env-base:bookworm',
    scope: 'personal',
    repositories: [{ url, credential }],
  });

async function contextOn(owner: Person, environmentId: string): Promise<SessionContext> {
  const experts = await t.api<{ experts: { id: string }[] }>(owner.token, 'GET', '/api/experts');
  const session = (
    await t.api<SessionResponse>(owner.token, 'POST', '/api/sessions', {
      expertId: experts.body.experts[0]!.id,
      environmentId,
      prompt: 'hi',
    })
  ).body.session;
  return (
    await t.api<SessionContext>(await t.serviceToken(), 'GET', `/api/runner/sessions/${session.id}/context`)
  ).body;
}

describe('repository credentials', () => {
  it('are write-only: listed by name, scope, host and kind, never with their value', async () => {
    const org = await put(t.admin, 'shared', 'ORG_DEPLOY', {
      host: 'Git.Example.com:8443',
      kind: 'https-token',
      value: ORG_TOKEN,
    });
    expect(org.status).toBe(200);
    expect(org.body.credential).toMatchObject({
      name: 'ORG_DEPLOY',
      scope: 'shared',
      host: 'git.example.com:8443',
    });
    expect(
      (await put(member, 'private', 'MINE', { host: 'github.com', kind: 'https-token', value: MY_TOKEN }))
        .status,
    ).toBe(200);

    const seen = await list(member);
    expect(seen.map((c) => [c.name, c.scope, c.host, c.kind])).toEqual([
      ['MINE', 'private', 'github.com', 'https-token'],
      ['ORG_DEPLOY', 'shared', 'git.example.com:8443', 'https-token'],
    ]);
    expect(JSON.stringify([seen, org.body])).not.toMatch(/ghp_/);
    expect((await list(teammate)).map((c) => c.name)).toEqual(['ORG_DEPLOY']);
  });

  it('shared ones are the admins’ to change; a member is refused', async () => {
    const refused = await put(member, 'shared', 'ORG_DEPLOY', {
      host: 'evil.test',
      kind: 'https-token',
      value: 'x',
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error?.message).toBe(
      'Only an admin of your organisation may change shared repository credentials.',
    );
    expect(
      (await t.api(member.token, 'DELETE', '/api/repository-credentials/shared/ORG_DEPLOY')).status,
    ).toBe(403);
    expect((await list(member)).find((c) => c.name === 'ORG_DEPLOY')?.host).toBe('git.example.com:8443');
  });

  it('refuse a value that does not fit its kind, next to the field', async () => {
    const key = await put(member, 'private', 'KEY', {
      host: 'github.com',
      kind: 'ssh-key',
      value: 'not a key',
    });
    expect(key.status).toBe(400);
    expect(key.body.error?.fields?.value).toMatch(/must be an SSH private key/);
    const host = await put(member, 'private', 'KEY', {
      host: 'https://github.com',
      kind: 'https-token',
      value: 't',
    });
    expect(host.status).toBe(400);
    expect(host.body.error?.fields?.host).toBe('must be a host name, optionally with :port');
  });

  it('an Environment may name only a credential its saver has, for the repository’s own host', async () => {
    const unknown = await saveEnvironment(member, 'unknown cred', 'https://github.com/acme/app.git', 'NOPE');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error?.fields?.['repositories.0.credential']).toBe(
      'There is no repository credential named NOPE for you; add it under Repository credentials, or pick one that exists.',
    );
    // Cal cannot name Bea's private credential.
    const others = await saveEnvironment(teammate, 'not mine', 'https://github.com/acme/app.git', 'MINE');
    expect(others.body.error?.fields?.['repositories.0.credential']).toMatch(
      /no repository credential named MINE/,
    );

    // The attack: the organisation's credential, pointed at a host the member controls.
    const elsewhere = await saveEnvironment(member, 'exfil', 'https://attacker.test/x.git', 'ORG_DEPLOY');
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error?.fields?.['repositories.0.credential']).toBe(
      'ORG_DEPLOY is for git.example.com:8443, but this repository is on attacker.test; pick a credential for attacker.test, or change the URL.',
    );
    const ok = await saveEnvironment(
      member,
      'fine',
      'https://git.example.com:8443/acme/app.git',
      'ORG_DEPLOY',
    );
    expect(ok.status).toBe(201);
    const patched = await t.api<Answer>(
      member.token,
      'PATCH',
      `/api/environments/${ok.body.environment!.id}`,
      {
        repositories: [{ url: 'https://attacker.test:8443/acme/app.git', credential: 'ORG_DEPLOY' }],
      },
    );
    expect(patched.status).toBe(400);
    expect(patched.body.error?.fields?.['repositories.0.credential']).toMatch(
      /this repository is on attacker.test:8443/,
    );
  });

  it('reach a runner only for repositories on the credential’s host', async () => {
    const saved = await saveEnvironment(
      member,
      'runner ctx',
      'https://git.example.com:8443/acme/app.git',
      'ORG_DEPLOY',
    );
    const envId = saved.body.environment!.id;
    expect((await contextOn(member, envId)).repositoryCredentials).toEqual({
      ORG_DEPLOY: { host: 'git.example.com:8443', kind: 'https-token', value: ORG_TOKEN },
    });
    // The admin moves the credential to another host: the saved Environment no longer gets it.
    await put(t.admin, 'shared', 'ORG_DEPLOY', {
      host: 'git.other.test',
      kind: 'https-token',
      value: ORG_TOKEN,
    });
    expect((await contextOn(member, envId)).repositoryCredentials).toEqual({});
  });
});
