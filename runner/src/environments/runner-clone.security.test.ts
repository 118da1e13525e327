// Attack: a member writes an Environment whose repository is on a host they
// control and names the organisation's credential for another host, hoping
// the runner sends it along (directly, or after a redirect from the real
// host). The runner uses a credential only for its own host: neither the
// attacker's host nor a redirect target ever receives the token.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHttpServer, type GitHttpServer } from '../testing/git-http-server.js';
import { cloneOnRunner } from './runner-clone.js';

const ORG_TOKEN = 'tok-org-only-for-host-a-8c2d';
let hostA: GitHttpServer;
let hostB: GitHttpServer;
let redirector: Server;
let redirectorHost: string;
const timeoutMs = 60_000;

beforeAll(async () => {
  hostA = await startGitHttpServer({ token: ORG_TOKEN });
  // The attacker's host asks for a login, to collect whatever is sent.
  hostB = await startGitHttpServer({ token: 'whatever' });
  await hostA.createRepository('app', { 'README.md': 'a\n' });
  await hostB.createRepository('app', { 'README.md': 'b\n' });
  // A host the credential is for, which redirects every request to host B.
  redirector = createServer((req, res) => {
    res.writeHead(302, { Location: `${hostB.url}${req.url ?? '/'}` }).end();
  });
  await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
  redirectorHost = `127.0.0.1:${(redirector.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await hostA.close();
  await hostB.close();
  await new Promise((resolve) => redirector.close(resolve));
});

const sentToB = () => hostB.requests.filter((r) => r.authorization !== undefined);

describe('a repository credential goes only to its own host', () => {
  it('naming host A’s credential on a host B repository sends nothing to B', async () => {
    const error = await cloneOnRunner(
      { url: hostB.repoUrl('app'), credential: 'ORG_DEPLOY' },
      { credentials: { ORG_DEPLOY: { host: hostA.host, kind: 'https-token', value: ORG_TOKEN } }, timeoutMs },
    ).then(
      () => undefined,
      (e: Error) => e.message,
    );
    expect(hostB.requests.length).toBeGreaterThan(0);
    expect(sentToB()).toEqual([]);
    expect(error).toContain('authentication failed');
    expect(error).toContain('The credential ORG_DEPLOY was not available to this session');
    expect(error).not.toContain(ORG_TOKEN);
  });

  it('a redirect from the credential’s host to host B does not carry it along', async () => {
    const before = hostB.requests.length;
    const error = await cloneOnRunner(
      { url: `http://${redirectorHost}/app.git`, credential: 'ORG_DEPLOY' },
      {
        credentials: { ORG_DEPLOY: { host: redirectorHost, kind: 'https-token', value: ORG_TOKEN } },
        timeoutMs,
      },
    ).then(
      () => undefined,
      (e: Error) => e.message,
    );
    expect(hostB.requests.length).toBeGreaterThan(before);
    expect(hostB.requests.map((r) => r.authorization ?? '').join()).not.toContain(
      Buffer.from(ORG_TOKEN).toString('base64').slice(0, 12),
    );
    expect(JSON.stringify(hostB.requests)).not.toContain(ORG_TOKEN);
    expect(error).toMatch(/authentication failed/);
  });

  it('the token is in no git command line and no file the clone leaves', async () => {
    // Every git the runner starts goes through this shim, which writes down its arguments.
    const shim = mkdtempSync(path.join(tmpdir(), 'orrery-git-shim-'));
    const calls = path.join(shim, 'calls');
    writeFileSync(
      path.join(shim, 'git'),
      `#!/bin/sh\nprintf '%s\\n' "$*" >> ${calls}\nexec /usr/bin/git "$@"\n`,
      { mode: 0o755 },
    );
    const saved = process.env.PATH;
    process.env.PATH = `${shim}:${saved ?? ''}`;
    try {
      const bundle = await cloneOnRunner(
        { url: hostA.repoUrl('app'), credential: 'ORG_DEPLOY' },
        {
          credentials: { ORG_DEPLOY: { host: hostA.host, kind: 'https-token', value: ORG_TOKEN } },
          timeoutMs,
        },
      );
      expect(bundle.length).toBeGreaterThan(0);
      expect(bundle.includes(Buffer.from(ORG_TOKEN))).toBe(false);
      const argv = readFileSync(calls, 'utf8');
      expect(argv).toContain(`clone --bare --quiet -- ${hostA.repoUrl('app')}`);
      expect(argv).not.toContain(ORG_TOKEN);
      // The token went to host A alone, once it asked.
      expect(hostA.requests.some((r) => r.allowed && r.authorization?.startsWith('Basic '))).toBe(true);
    } finally {
      process.env.PATH = saved;
      rmSync(shim, { recursive: true, force: true });
    }
  });
});
