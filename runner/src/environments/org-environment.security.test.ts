// The reproduction as members try it, on the real server and a runner on the
// real engine: an organisation Environment whose setup script writes
// $NPM_TOKEN into /etc/npmrc. One member with a private NPM_TOKEN starts a
// session (and tries a BASH_ENV secret first); a second member then starts
// one from the same snapshot and reads the file.
import type { Environment, Expert, SessionResponse } from '@orrery/shared';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_IMAGE, requireDocker } from './test-support.js';
import {
  startRunner,
  startServerProcess,
  watchSession,
  type InProcessRunner,
  type ServerProcess,
} from '../testing/stack.js';

let server: ServerProcess;
let runner: InProcessRunner;
let environment: Environment;
let shellExpert: Expert;
const NPM_TOKEN = `npm_${randomBytes(12).toString('hex')}`;
const PASSWORD = 'a long enough password 42';

async function member(name: string): Promise<string> {
  const admin = await server.login();
  const email = `${name.toLowerCase()}@example.com`;
  const made = await server.api(admin, 'POST', '/api/users', { email, name, password: PASSWORD });
  expect(made.status).toBe(201);
  return server.login(email, PASSWORD);
}

/** Sends a shell command as a new session of the member's and returns the reply. */
async function runAs(token: string, command: string): Promise<string> {
  const created = await server.api<SessionResponse>(token, 'POST', '/api/sessions', {
    expertId: shellExpert.id,
    environmentId: environment.id,
    prompt: command,
  });
  expect(created.status).toBe(201);
  const watch = watchSession(server, token, created.body.session.id);
  try {
    const reply = await watch.until('the reply', (s) =>
      s.transcript.find((e) => e.kind === 'agent' && e.done),
    );
    return reply.kind === 'agent' ? reply.text : '';
  } finally {
    watch.close();
  }
}

beforeAll(async () => {
  await requireDocker();
  server = await startServerProcess();
  runner = await startRunner(server);
  const admin = await server.login();
  const made = await server.api<{ environment: Environment }>(admin, 'POST', '/api/environments', {
    name: `npm-${randomBytes(3).toString('hex')}`,
    image: BASE_IMAGE,
    scope: 'organisation',
    setupScript: 'echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > /etc/npmrc',
  });
  expect(made.status).toBe(201);
  environment = made.body.environment;
  const experts = await server.api<{ experts: Expert[] }>(admin, 'GET', '/api/experts');
  shellExpert = experts.body.experts.find((e) => e.name === 'Shell')!;
});

afterAll(async () => {
  await runner?.stop();
  await server?.stop(); // with the installation's snapshots
});

describe('an organisation Environment used by two members', () => {
  let bea: string;
  let cy: string;

  beforeAll(async () => {
    bea = await member('Bea');
    cy = await member('Cy');
  });

  it('refuses the member’s BASH_ENV secret that would run as root in the build', async () => {
    const refused = await server.api<{ error: { fields: Record<string, string> } }>(
      bea,
      'PUT',
      '/api/secrets/private/BASH_ENV',
      { value: '$(cat /proc/1/environ > /etc/stolen)' },
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields.name).toMatch(/^BASH_ENV can't be used as a secret name/);
  });

  it('keeps the first member’s secrets out of the snapshot the second member’s session starts from', async () => {
    const stored = await server.api(bea, 'PUT', '/api/secrets/private/NPM_TOKEN', { value: NPM_TOKEN });
    expect(stored.status).toBe(200);

    // Bea's session builds the snapshot; her own commands still get her token.
    expect(await runAs(bea, 'test -n "$NPM_TOKEN" && echo "token present"')).toContain('token present');
    const seen = await runAs(cy, 'cat /etc/npmrc; cat /etc/stolen 2>/dev/null || echo "nothing stolen"');
    expect(seen).toContain('//registry.npmjs.org/:_authToken=\n');
    expect(seen).toContain('nothing stolen');
    expect(seen).not.toContain(NPM_TOKEN);
  });
});
