// Attacks on Enhance prompt, on the real server process, a real runner and
// the real Docker engine: teammates asking to enhance in someone else's
// session (or on Home, hoping for the file tree of someone else's session),
// secret values coming back after a runner restart, and prompts and results
// left in the server's database.
import Database from 'better-sqlite3';
import type { EnhanceResponse, Expert, SessionResponse } from '@orrery/shared';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../environments/test-support.js';
import {
  type InProcessRunner,
  type ServerProcess,
  shellExpert,
  startRunner,
  startServerProcess,
  watchSession,
} from '../testing/stack.js';

const TOKEN = 'tok-4f1e9a7c2b8d-enhance';
const MEMBER_PASSWORD = 'member password 1';

let server: ServerProcess;
let runner: InProcessRunner;
let owner: string;
let shell: Expert;
let sessionId: string;

async function teammate(name: string): Promise<{ id: string; token: string }> {
  const email = `${name.toLowerCase()}@example.com`;
  const created = await server.api<{ user: { id: string } }>(owner, 'POST', '/api/users', {
    email,
    name,
    password: MEMBER_PASSWORD,
  });
  expect(created.status).toBe(201);
  return { id: created.body.user.id, token: await server.login(email, MEMBER_PASSWORD) };
}

const enhance = (token: string, request: { text: string; sessionId?: string; expertId?: string }) =>
  server.api<EnhanceResponse & { error?: { code: string; message: string } }>(
    token,
    'POST',
    '/api/enhance',
    request,
  );

/** Everything the jobs table holds about enhance jobs, as one string. */
function storedEnhanceJobs(): { text: string; withContent: number } {
  const db = new Database(path.join(server.dataDir, 'orrery.sqlite'), { readonly: true });
  try {
    const rows = db.prepare(`SELECT * FROM jobs WHERE kind = 'enhance'`).all() as {
      payload: string | null;
      result: string | null;
    }[];
    return {
      text: JSON.stringify(rows),
      withContent: rows.filter((r) => r.payload !== null || r.result !== null).length,
    };
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  await requireDocker();
  server = await startServerProcess();
  owner = await server.login();
  runner = await startRunner(server);
  shell = await shellExpert(server, owner);
  expect((await server.api(owner, 'PUT', '/api/secrets/private/API_TOKEN', { value: TOKEN })).status).toBe(
    200,
  );
  // The owner's workspace: files named after the token and a README that quotes it.
  const created = await server.api<SessionResponse>(owner, 'POST', '/api/sessions', {
    expertId: shell.id,
    visibility: 'shared',
    prompt:
      'mkdir -p src/vault && echo x > src/vault/ledger.ts && touch "src/vault/$API_TOKEN.key" "src/vault/ledger.$API_TOKEN.bak" && printf "# Vault\\n\\nKeeps the ledger; the deploy token is $API_TOKEN for now.\\n\\n## Ledger rotation with $API_TOKEN\\n" > README.md && echo made',
  });
  sessionId = created.body.session.id;
  const watch = watchSession(server, owner, sessionId);
  try {
    await watch.until(
      'the command to finish',
      (s) => s.turn.state === 'idle' && s.transcript.some((e) => e.kind === 'agent' && e.done),
    );
  } finally {
    watch.close();
  }
}, 180_000);

afterAll(async () => {
  await runner?.stop();
  await server?.stop();
});

describe('enhance prompt', () => {
  it("gives the owner a rewrite grounded in the workspace, with the owner's secret taken out", async () => {
    const res = await enhance(owner, { text: 'fix the vault ledger', sessionId });
    expect(res.status).toBe(200);
    expect(res.body.text).toContain('src/vault/ledger.ts');
    expect(res.body.text).toContain('src/vault/ledger.[redacted].bak');
    expect(res.body.text).toContain('“Ledger rotation with [redacted]”');
    expect(res.body.text).not.toContain(TOKEN);
  });

  it('refuses a member of a shared session, and a viewer, and tells them nothing from inside it', async () => {
    const bea = await teammate('Bea');
    const asMember = await enhance(bea.token, { text: 'fix the vault ledger', sessionId });
    expect(asMember.status).toBe(403);
    expect(asMember.body.error).toEqual({
      code: 'forbidden',
      message: 'Only people who may send messages in this session can enhance prompts in it.',
    });
    expect(JSON.stringify(asMember.body)).not.toContain('ledger.ts');

    const cal = await teammate('Cal');
    expect(
      (await server.api(owner, 'PUT', `/api/sessions/${sessionId}/visibility`, { visibility: 'private' }))
        .status,
    ).toBe(200);
    expect((await server.api(owner, 'PUT', `/api/sessions/${sessionId}/grants/${cal.id}`)).status).toBe(204);
    const asViewer = await enhance(cal.token, { text: 'fix the vault ledger', sessionId });
    expect(asViewer.status).toBe(403);
    expect(JSON.stringify(asViewer.body)).not.toContain('ledger.ts');
    await server.api(owner, 'PUT', `/api/sessions/${sessionId}/visibility`, { visibility: 'shared' });
  });

  it("does not ground a teammate's rewrite on Home in the owner's workspace", async () => {
    const dan = await teammate('Dan');
    const res = await enhance(dan.token, { text: 'fix the vault ledger', expertId: shell.id });
    expect(res.status).toBe(200);
    expect(res.body.text).not.toContain('ledger.ts');
    expect(res.body.text).not.toContain('Keeps the ledger');
  });

  it('keeps secret values out after the runner restarts and adopts the running container', async () => {
    const { scope, stateDir } = runner;
    await runner.detach();
    runner = await startRunner(server, { scope, stateDir });
    expect(runner.manager.status(sessionId)).toBe('running');
    const res = await enhance(owner, { text: 'fix the vault ledger', sessionId });
    expect(res.status).toBe(200);
    expect(res.body.text).toContain('src/vault/ledger.ts');
    expect(res.body.text).not.toContain(TOKEN);
  });

  it("keeps neither prompts nor results in the server's database once answered", async () => {
    const stored = storedEnhanceJobs();
    expect(stored.withContent).toBe(0);
    expect(stored.text).not.toContain(TOKEN);
    expect(stored.text).not.toContain('ledger.ts');
    expect(stored.text).not.toContain('fix the vault ledger');
  });
});
