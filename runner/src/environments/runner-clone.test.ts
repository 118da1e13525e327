// Cloning on the runner's side against a real git host over loopback HTTP:
// each failure a person can fix gets a message that names the repository and
// what to change, never the credential.
import { readdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHttpServer, type GitHttpServer } from '../testing/git-http-server.js';
import { cloneOnRunner, originUrl } from './runner-clone.js';

const TOKEN = 'tok-clone-5e1f0a';
let host: GitHttpServer;
const timeoutMs = 60_000;
const token = (value: string) => ({ DEPLOY: { host: host.host, kind: 'https-token' as const, value } });

beforeAll(async () => {
  host = await startGitHttpServer({ token: TOKEN });
  await host.createRepository('app', { 'README.md': '# app\n' });
});

afterAll(async () => {
  await host.close();
});

/** A port that was just free: nothing listens on it. */
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => '',
    (error: Error) => error.message,
  );

describe('cloning on the runner', () => {
  it('gives a bundle of the repository with the token, user:token too', async () => {
    const bundle = await cloneOnRunner(
      { url: host.repoUrl('app'), credential: 'DEPLOY' },
      { credentials: token(TOKEN), timeoutMs },
    );
    expect(bundle.subarray(0, 20).toString()).toMatch(/^# v[23] git bundle/);
    const withUser = await cloneOnRunner(
      { url: host.repoUrl('app'), credential: 'DEPLOY' },
      { credentials: token(`deploy-bot:${TOKEN}`), timeoutMs },
    );
    expect(withUser.length).toBeGreaterThan(0);
  });

  it('without a credential: authentication failed, and which credential to name', async () => {
    expect(await failure(cloneOnRunner({ url: host.repoUrl('app') }, { credentials: {}, timeoutMs }))).toBe(
      `Cloning ${host.repoUrl('app')} failed: authentication failed. ${host.host} asks for a login; name a repository credential for ${host.host} on this repository.`,
    );
  });

  it('a repository that is not there: repository not found', async () => {
    const url = `${host.url}/missing.git`;
    expect(
      await failure(cloneOnRunner({ url, credential: 'DEPLOY' }, { credentials: token(TOKEN), timeoutMs })),
    ).toBe(`Cloning ${url} failed: repository not found. Check the URL and that DEPLOY may read it.`);
  });

  it('a host that does not answer: cannot be reached, naming the host', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/app.git`;
    expect(await failure(cloneOnRunner({ url }, { credentials: {}, timeoutMs }))).toMatch(
      new RegExp(
        `^Cloning ${url.replace(/[.]/g, '\\.')} failed: the host 127\\.0\\.0\\.1:${port} cannot be reached from the runner \\(.*\\)\\. Check the URL, or the runner's network\\.$`,
      ),
    );
  });

  it('an SSH key is used only with an SSH URL, and through a key file that is gone afterwards', async () => {
    const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key\n-----END OPENSSH PRIVATE KEY-----';
    const ssh = { DEPLOY_KEY: { host: host.host, kind: 'ssh-key' as const, value: key } };
    expect(
      await failure(
        cloneOnRunner(
          { url: host.repoUrl('app'), credential: 'DEPLOY_KEY' },
          { credentials: ssh, timeoutMs },
        ),
      ),
    ).toBe(
      `Cloning ${host.repoUrl('app')} failed: DEPLOY_KEY is an SSH key; use the repository's SSH URL (git@host:path or ssh://…).`,
    );
    // No sshd here: the port refuses, so ssh (with the key file) gets as far as connecting.
    const port = await freePort();
    const url = `ssh://git@127.0.0.1:${port}/app.git`;
    const sshKey = { DEPLOY_KEY: { host: `127.0.0.1:${port}`, kind: 'ssh-key' as const, value: key } };
    const before = new Set(await readdir(tmpdir()));
    expect(
      await failure(cloneOnRunner({ url, credential: 'DEPLOY_KEY' }, { credentials: sshKey, timeoutMs })),
    ).toMatch(
      /^Cloning ssh:\/\/\*\*\*@127\.0\.0\.1:\d+\/app\.git failed: the host 127\.0\.0\.1:\d+ cannot be reached from the runner \(.*Connection refused.*\)/,
    );
    const left = (await readdir(tmpdir())).filter((f) => f.startsWith('orrery-clone-') && !before.has(f));
    expect(left).toEqual([]);
  });

  it('keeps no user name or password in the origin it leaves in the workspace', () => {
    expect(originUrl('https://bot:secret@git.example.com/a.git')).toBe('https://git.example.com/a.git');
    expect(originUrl('git@github.com:acme/app.git')).toBe('git@github.com:acme/app.git');
  });
});
