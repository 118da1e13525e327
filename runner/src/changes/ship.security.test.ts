// Attacks on shipping. A member names the organisation's credential on a
// repository of a host they control, or a host redirects pushes or API calls
// elsewhere, hoping the token goes along; a container lies about what it
// hands out. The credential goes to its own host alone, over git and the
// forge APIs; it is in no argv, no file left behind, no message, no log line.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EgressPolicy } from '../egress/policy.js';
import { githubPeer, gitlabPeer, type ForgePeer } from '../testing/forge-peers.js';
import { startGitHttpServer, type GitHttpServer } from '../testing/git-http-server.js';
import { createShipper } from './ship.js';
import { failureOf, recordingLog, workspace, type Workspace } from './ship-test-support.js';

const ORG_TOKEN = 'tok-org-for-host-a-only-4b7e';
let hostA: GitHttpServer;
let hostB: GitHttpServer;
let peersB: ForgePeer[];
let redirector: Server;
let redirectorHost: string;
let ws: Workspace;
const { lines, log } = recordingLog();
const shipper = createShipper({ egress: EgressPolicy.of({ git: ['127.0.0.1'] }), timeoutMs: 60_000, log });
const credentialFor = (host: string, value = ORG_TOKEN) => ({ host, kind: 'https-token' as const, value });

beforeAll(async () => {
  hostA = await startGitHttpServer({ token: ORG_TOKEN });
  // The attacker's host asks for a login, to collect whatever is sent.
  hostB = await startGitHttpServer({ token: 'whatever' });
  await hostA.createRepository('acme/app', { 'README.md': 'a\n' });
  await hostB.createRepository('acme/app', { 'README.md': 'a\n' });
  peersB = [githubPeer(hostB, { token: 'whatever' }), gitlabPeer(hostB, { token: 'whatever' })];
  // A host the credential is for, which redirects every request (git's and the APIs') to host B.
  redirector = createServer((req, res) => {
    res.writeHead(307, { Location: `${hostB.url}${req.url ?? '/'}` }).end();
  });
  await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
  redirectorHost = `127.0.0.1:${(redirector.address() as AddressInfo).port}`;
  ws = await workspace(hostA, 'acme/app', ORG_TOKEN, 'orrery/change');
});

afterAll(async () => {
  await ws.close();
  await hostA.close();
  await hostB.close();
  await new Promise((resolve) => redirector.close(resolve));
});

/** Everything host B was sent that carries a credential, over git or its APIs. */
const sentToB = () => [
  ...hostB.requests.filter((r) => r.authorization !== undefined),
  ...peersB.flatMap((p) => p.requests.filter((r) => r.auth !== undefined)),
];

describe('a repository credential goes only to its own host', () => {
  it('host A’s credential on a host B repository: nothing reaches B with it, and no_credential', async () => {
    const { bundle, head } = await ws.commit('one.txt', '1\n', 'One');
    const url = hostB.repoUrl('acme/app');
    const error = await failureOf(
      shipper.push({
        repo: { path: '', url, credential: 'ORG_DEPLOY' },
        credential: credentialFor(hostA.host),
        bundle,
        head,
        branch: 'orrery/change',
        ours: null,
      }),
    );
    expect(hostB.requests.length).toBeGreaterThan(0);
    expect(sentToB()).toEqual([]);
    expect(error.code).toBe('no_credential');
    const pr = await failureOf(
      shipper.openPullRequest({
        repo: { path: '', url, credential: 'ORG_DEPLOY' },
        credential: credentialFor(hostA.host),
        forge: 'github',
        branch: 'orrery/change',
        base: 'main',
        title: 't',
        body: '',
      }),
    );
    expect(pr.code).toBe('no_credential');
    expect(sentToB()).toEqual([]);
  });

  it('a push redirected from the credential’s host to host B is not followed', async () => {
    const { bundle, head } = await ws.commit('two.txt', '2\n', 'Two');
    const before = hostB.requests.length;
    const error = await failureOf(
      shipper.push({
        repo: { path: '', url: `http://${redirectorHost}/acme/app.git`, credential: 'ORG_DEPLOY' },
        credential: credentialFor(redirectorHost),
        bundle,
        head,
        branch: 'orrery/change',
        ours: null,
      }),
    );
    expect(hostB.requests.length).toBe(before);
    expect(sentToB()).toEqual([]);
    expect(error.code).toBe('remote_error');
    expect(error.message).toContain('answered the push with a redirect');
  });

  for (const forge of ['github', 'gitlab'] as const) {
    it(`${forge}: an API call redirected to host B is not followed, so no token header goes along`, async () => {
      const before = peersB.map((p) => p.requests.length);
      const error = await failureOf(
        shipper.openPullRequest({
          repo: { path: '', url: `http://${redirectorHost}/acme/app.git`, credential: 'ORG_DEPLOY' },
          credential: credentialFor(redirectorHost),
          forge,
          branch: 'orrery/change',
          base: 'main',
          title: 'Redirected',
          body: '',
        }),
      );
      expect(peersB.map((p) => p.requests.length)).toEqual(before);
      expect(error.code).toBe('remote_error');
      expect(error.message).toContain('answered with a redirect; the runner does not follow it');
    });
  }
});

describe('the token stays out of everything but the request to its host', () => {
  it('no git command line holds it, and no file is left behind', async () => {
    const shim = mkdtempSync(path.join(tmpdir(), 'orrery-git-shim-'));
    const calls = path.join(shim, 'calls');
    writeFileSync(
      path.join(shim, 'git'),
      `#!/bin/sh\nprintf '%s\\n' "$*" >> ${calls}\nexec /usr/bin/git "$@"\n`,
      {
        mode: 0o755,
      },
    );
    const leftBefore = readdirSync(tmpdir()).filter((f) => f.startsWith('orrery-push-'));
    const saved = process.env.PATH;
    process.env.PATH = `${shim}:${saved ?? ''}`;
    try {
      const { bundle, head } = await ws.commit('three.txt', '3\n', 'Three', 'orrery/argv');
      await shipper.push({
        repo: { path: '', url: hostA.repoUrl('acme/app'), credential: 'ORG_DEPLOY' },
        credential: credentialFor(hostA.host, `deploy-bot:${ORG_TOKEN}`),
        bundle,
        head,
        branch: 'orrery/argv',
        ours: null,
      });
      expect(await hostA.branchTip('acme/app', 'orrery/argv')).toBe(head);
      const argv = readFileSync(calls, 'utf8');
      expect(argv).toContain(
        `push --porcelain --force-with-lease=refs/heads/orrery/argv: -- ${hostA.repoUrl('acme/app')}`,
      );
      expect(argv).not.toContain(ORG_TOKEN);
      expect(readdirSync(tmpdir()).filter((f) => f.startsWith('orrery-push-'))).toEqual(leftBefore);
    } finally {
      process.env.PATH = saved;
      rmSync(shim, { recursive: true, force: true });
    }
  });

  it('a refused token, and one written into the URL, appear in no message or log line', async () => {
    const { bundle, head } = await ws.commit('four.txt', '4\n', 'Four', 'orrery/four');
    const inUrl = hostA.repoUrl('acme/app').replace('http://', 'http://deploy:url-secret-8e1f@');
    const failures = [
      await failureOf(
        shipper.push({
          repo: { path: '', url: inUrl, credential: 'ORG_DEPLOY' },
          credential: credentialFor(hostA.host, 'deploy:tok-refused-61c0'),
          bundle,
          head,
          branch: 'orrery/four',
          ours: null,
        }),
      ),
      await failureOf(
        shipper.openPullRequest({
          repo: { path: '', url: inUrl, credential: 'ORG_DEPLOY' },
          credential: credentialFor(hostA.host, 'tok-refused-61c0'),
          forge: 'gitlab',
          branch: 'orrery/four',
          base: 'main',
          title: 't',
          body: '',
        }),
      ),
    ];
    expect(failures.map((f) => f.code)).toEqual(['auth_failed', 'auth_failed']);
    const everything = JSON.stringify([failures.map((f) => [f.message, String((f as Error).cause)]), lines]);
    for (const secret of ['tok-refused-61c0', 'url-secret-8e1f', ORG_TOKEN])
      expect(everything).not.toContain(secret);
  });
});

describe('what the container hands out is checked, not trusted', () => {
  it('a bundle whose branch is not the commit the container named is refused, and nothing is pushed', async () => {
    const { bundle } = await ws.commit('five.txt', '5\n', 'Five', 'orrery/five');
    const error = await failureOf(
      shipper.push({
        repo: { path: '', url: hostA.repoUrl('acme/app'), credential: 'ORG_DEPLOY' },
        credential: credentialFor(hostA.host),
        bundle,
        head: ws.base,
        branch: 'orrery/five',
        ours: null,
      }),
    );
    expect(error.code).toBe('invalid');
    expect(await hostA.branchTip('acme/app', 'orrery/five')).toBeNull();
  });

  it('only the named branch leaves the bundle: a main inside it stays out', async () => {
    const main = await hostA.branchTip('acme/app', 'main');
    await ws.commit('six.txt', '6\n', 'Six', 'main');
    const { bundle, head } = await ws.commit('seven.txt', '7\n', 'Seven', 'orrery/seven');
    const both = await ws.bundleOf(['main', 'orrery/seven']);
    expect(bundle.length).toBeGreaterThan(0);
    await shipper.push({
      repo: { path: '', url: hostA.repoUrl('acme/app'), credential: 'ORG_DEPLOY' },
      credential: credentialFor(hostA.host),
      bundle: both,
      head,
      branch: 'orrery/seven',
      ours: null,
    });
    expect(await hostA.branchTip('acme/app', 'orrery/seven')).toBe(head);
    expect(await hostA.branchTip('acme/app', 'main')).toBe(main);
  });
});
