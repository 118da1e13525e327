// Attack: a member who may only use an organisation Environment stores a
// private secret named BASH_ENV whose value is $(…), so that bash runs it
// (as root, in a snapshot build) before any command. The server refuses such
// names for secrets and Environment variables, drops rows stored before the
// rule from sessions, and gives runners the installation id they label
// snapshots with.
import type { Environment, SessionContext, SessionResponse } from '@orrery/shared';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSTALLATION_ID_FILE, loadInstallationId } from '../installation.js';
import { startTestServer, type Person, type TestServer } from '../test-support.js';

let t: TestServer;
let member: Person;
const PAYLOAD = '$(id > /etc/pwned)';

type ErrorBody = { error?: { message: string; fields?: Record<string, string> } };

beforeAll(async () => {
  t = await startTestServer();
  member = await t.person('Mallory');
});

afterAll(async () => {
  await t.close();
});

const put = (who: Person, scope: string, name: string, value: string) =>
  t.api<ErrorBody>(who.token, 'PUT', `/api/secrets/${scope}/${name}`, { value });
const names = async (who: Person) =>
  (await t.api<{ secrets: { name: string }[] }>(who.token, 'GET', '/api/secrets')).body.secrets.map(
    (s) => s.name,
  );

async function contextOf(owner: Person): Promise<SessionContext> {
  const experts = await t.api<{ experts: { id: string }[] }>(owner.token, 'GET', '/api/experts');
  const session = (
    await t.api<SessionResponse>(owner.token, 'POST', '/api/sessions', {
      expertId: experts.body.experts[0]!.id,
      prompt: 'hi',
    })
  ).body.session;
  return (
    await t.api<SessionContext>(await t.serviceToken(), 'GET', `/api/runner/sessions/${session.id}/context`)
  ).body;
}

describe('secret names that run code', () => {
  it('a private BASH_ENV is refused with a reason, and nothing is stored', async () => {
    const res = await put(member, 'private', 'BASH_ENV', PAYLOAD);
    expect(res.status).toBe(400);
    expect(res.body.error?.fields?.name).toBe(
      "BASH_ENV can't be used as a secret name: bash runs the file it names at start-up. Pick another name.",
    );
    expect(await names(member)).not.toContain('BASH_ENV');
  });

  it('the loader’s and prompt variables are refused too, shared ones included', async () => {
    for (const [who, scope, name] of [
      [member, 'private', 'LD_PRELOAD'],
      [member, 'private', 'PROMPT_COMMAND'],
      [t.admin, 'shared', 'LD_LIBRARY_PATH'],
      [t.admin, 'shared', 'BASH_FUNC_GIT'],
    ] as const) {
      const res = await put(who, scope, name, PAYLOAD);
      expect(res.status, name).toBe(400);
      expect(res.body.error?.fields?.name, name).toMatch(
        new RegExp(`^${name} can't be used as a secret name`),
      );
    }
  });

  it('a secret may not override PATH, HOME or SHELL', async () => {
    for (const name of ['PATH', 'HOME', 'SHELL']) {
      const res = await put(member, 'private', name, '/tmp/evil');
      expect(res.status, name).toBe(400);
      expect(res.body.error?.fields?.name, name).toMatch(
        new RegExp(`^${name} can't be used as a secret name`),
      );
    }
  });

  it('a row stored before the rule is left out of sessions, yet still listed so its owner can remove it', async () => {
    // As an older server would have stored it.
    await t.services.secrets.put(member.user, 'private', 'BASH_ENV', PAYLOAD);
    await t.services.secrets.put(member.user, 'private', 'NPM_TOKEN', 'npm-token-value-123');
    const context = await contextOf(member);
    expect(context.secrets).toEqual({ NPM_TOKEN: 'npm-token-value-123' });
    expect(await names(member)).toContain('BASH_ENV');
    expect((await t.api(member.token, 'DELETE', '/api/secrets/private/BASH_ENV')).status).toBe(204);
  });
});

describe('Environment variable names that run code', () => {
  const create = (variables: Record<string, string>) =>
    t.api<ErrorBody & { environment?: Environment }>(member.token, 'POST', '/api/environments', {
      name: `mine-${Math.random().toString(36).slice(2, 8)}`,
      image: 'orrery/env-base:bookworm',
      scope: 'personal',
      variables,
    });

  it('are refused when an Environment is created or changed; PATH stays the author’s to set', async () => {
    const refused = await create({ LD_PRELOAD: '/workspace/evil.so' });
    expect(refused.status).toBe(400);
    expect(refused.body.error?.fields?.['variables.LD_PRELOAD']).toMatch(
      /^LD_PRELOAD can't be used as a variable name: the dynamic loader/,
    );

    const made = await create({ PATH: '/opt/tools/bin:/usr/bin:/bin' });
    expect(made.status).toBe(201);
    const id = made.body.environment!.id;
    const patched = await t.api<ErrorBody>(member.token, 'PATCH', `/api/environments/${id}`, {
      variables: { BASH_ENV: PAYLOAD },
    });
    expect(patched.status).toBe(400);
    expect(patched.body.error?.fields?.['variables.BASH_ENV']).toMatch(/bash runs the file it names/);
    const stored = await t.api<{ environment: Environment }>(member.token, 'GET', `/api/environments/${id}`);
    expect(stored.body.environment.variables).toEqual({ PATH: '/opt/tools/bin:/usr/bin:/bin' });
  });
});

describe('the installation id', () => {
  it('reaches runners in every context: random, kept in the data folder for this user only', async () => {
    const context = await contextOf(member);
    expect(context.installationId).toMatch(/^[a-f0-9]{32}$/);
    expect(loadInstallationId(t.dir)).toBe(context.installationId);
    expect(statSync(path.join(t.dir, INSTALLATION_ID_FILE)).mode & 0o777).toBe(0o600);
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'orrery-other-install-'));
    try {
      expect(loadInstallationId(elsewhere)).not.toBe(context.installationId);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
