import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renewLocalRunnerToken } from './runner-token.js';
import { startTestServer, type TestServer } from './test-support.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

/** A sync server starting with its own data folder on the shared database. */
async function start(name: string): Promise<string> {
  const dataDir = path.join(t.dir, name);
  mkdirSync(dataDir, { recursive: true });
  return renewLocalRunnerToken({
    accounts: t.services.accounts,
    orgId: t.orgId,
    dataDir,
    closeToken: (id) => t.services.hub.closeToken(id),
  });
}
const claimStatus = async (token: string) =>
  (await t.api(token, 'POST', '/api/runner/claim', { runnerId: 'r', waitMs: 0 })).status;

describe('the local runner token', () => {
  it("is each server's own: a second server's start leaves the first one's runner working", async () => {
    const first = await start('a');
    expect(readFileSync(path.join(t.dir, 'a', 'runner.token'), 'utf8').trim()).toBe(first);
    expect(statSync(path.join(t.dir, 'a', 'runner.token')).mode & 0o777).toBe(0o600);
    const second = await start('b');
    expect(await claimStatus(first)).toBe(200);
    expect(await claimStatus(second)).toBe(200);

    // The first server restarts: its old token stops working, the other server's runner is untouched.
    const again = await start('a');
    expect(again).not.toBe(first);
    expect(await claimStatus(first)).toBe(401);
    expect(await claimStatus(again)).toBe(200);
    expect(await claimStatus(second)).toBe(200);
  });

  it('revokes the token an older release left in the file, whatever its name', async () => {
    const old = await t.serviceToken();
    mkdirSync(path.join(t.dir, 'c'), { recursive: true });
    writeFileSync(path.join(t.dir, 'c', 'runner.token'), `${old}\n`);
    const other = await t.serviceToken();
    const fresh = await start('c');
    expect(await claimStatus(old)).toBe(401);
    expect(await claimStatus(fresh)).toBe(200);
    expect(await claimStatus(other)).toBe(200);
  });
});
