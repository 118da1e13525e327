import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dockerOptionsFor, engineConfigFromEnv, engineConfigsFromEnv } from './engines.js';
import { knownKeysFor } from './known-hosts.js';

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function certDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'orrery-certs-'));
  made.push(dir);
  for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(path.join(dir, f), `${f} contents`);
  return dir;
}

describe('engine addresses', () => {
  it('uses the local socket when DOCKER_HOST is unset, and a unix:// path when given', () => {
    expect(dockerOptionsFor(engineConfigFromEnv({}))).toMatchObject({
      socketPath: '/var/run/docker.sock',
      address: 'unix:///var/run/docker.sock',
    });
    expect(dockerOptionsFor(engineConfigFromEnv({ DOCKER_HOST: 'unix:///tmp/d.sock' }))).toMatchObject({
      socketPath: '/tmp/d.sock',
      host: undefined,
    });
  });

  it('speaks plain HTTP to tcp:// without TLS settings', () => {
    expect(dockerOptionsFor(engineConfigFromEnv({ DOCKER_HOST: 'tcp://10.0.0.5:2375' }))).toMatchObject({
      host: '10.0.0.5',
      port: '2375',
      protocol: 'http',
      socketPath: undefined,
    });
  });

  it('speaks TLS with the certificates of DOCKER_CERT_PATH when DOCKER_TLS_VERIFY is set', () => {
    const dir = certDir();
    const options = dockerOptionsFor(
      engineConfigFromEnv({
        DOCKER_HOST: 'tcp://build.example:2376',
        DOCKER_CERT_PATH: dir,
        DOCKER_TLS_VERIFY: '1',
      }),
    );
    expect(options).toMatchObject({ host: 'build.example', port: '2376', protocol: 'https' });
    expect(String(options.ca)).toBe('ca.pem contents');
    expect(String(options.cert)).toBe('cert.pem contents');
    expect((options.key as Buffer).toString()).toBe('key.pem contents');
  });

  it('names an engine from DOCKER_HOST after its address, and the local socket "local"', () => {
    expect(engineConfigFromEnv({}).name).toBe('local');
    expect(engineConfigFromEnv({ DOCKER_HOST: 'unix:///var/run/docker.sock' }).name).toBe('local');
    expect(engineConfigFromEnv({ DOCKER_HOST: 'tcp://build-host:2376' }).name).toBe('build-host:2376');
    expect(engineConfigFromEnv({ DOCKER_HOST: 'ssh://deploy@gpu-box' }).name).toBe('gpu-box');
    expect(engineConfigFromEnv({ DOCKER_HOST: 'tcp://build-host:2376' }, 'named').name).toBe('named');
  });

  it('says which certificate file is missing', () => {
    expect(() =>
      dockerOptionsFor({ name: 'far', host: 'tcp://far:2376', tlsVerify: true, certPath: '/nonexistent' }),
    ).toThrow('Engine "far": cannot read /nonexistent/ca.pem for TLS');
  });

  it('reaches ssh:// engines as the given user, checking the host key', () => {
    const options = dockerOptionsFor({
      name: 'ssh',
      host: 'ssh://deploy@gpu-box:2222',
      sshKeyPath: undefined,
    });
    expect(options).toMatchObject({ protocol: 'ssh', host: 'gpu-box', port: '2222', username: 'deploy' });
    expect(options.address).toBe('ssh://deploy@gpu-box:2222');
    expect(typeof (options as { sshOptions: { hostVerifier: unknown } }).sshOptions.hostVerifier).toBe(
      'function',
    );
  });

  it('rejects addresses it cannot use with a message naming the engine', () => {
    expect(() => dockerOptionsFor({ name: 'x', host: 'ftp://nope' })).toThrow(
      'Engine "x": unsupported address ftp://nope; use unix://, tcp:// or ssh://',
    );
  });

  it('reads several engines from ORRERY_ENGINES and refuses duplicates', () => {
    const engines = engineConfigsFromEnv({
      ORRERY_ENGINES: JSON.stringify([
        { name: 'a', host: 'unix:///a.sock' },
        { name: 'b', host: 'tcp://b:2375', networkMode: 'bridge', maxContainers: 4 },
      ]),
    });
    expect(engines.map((e) => e.name)).toEqual(['a', 'b']);
    expect(() => engineConfigsFromEnv({ ORRERY_ENGINES: '[{"name":"a"},{"name":"a"}]' })).toThrow(
      'ORRERY_ENGINES has two engines named "a"',
    );
    expect(() => engineConfigsFromEnv({ ORRERY_ENGINES: '{' })).toThrow(
      'ORRERY_ENGINES must be a JSON array',
    );
  });
});

describe('known_hosts', () => {
  it('finds plain, port-qualified and hashed entries for a host', () => {
    const salt = Buffer.from('0123456789abcdef0123');
    const hashed = createHmac('sha1', salt).update('[hashed.example]:2222').digest('base64');
    const text = [
      '# comment',
      'plain.example,10.0.0.1 ssh-ed25519 AAAAplain',
      '[plain.example]:2222 ssh-ed25519 AAAAport',
      `|1|${salt.toString('base64')}|${hashed} ssh-ed25519 AAAAhashed`,
      '@revoked plain.example ssh-ed25519 AAAArevoked',
    ].join('\n');
    expect(knownKeysFor(text, 'plain.example', 22)).toEqual(['AAAAplain']);
    expect(knownKeysFor(text, '10.0.0.1', 22)).toEqual(['AAAAplain']);
    expect(knownKeysFor(text, 'plain.example', 2222)).toEqual(['AAAAport']);
    expect(knownKeysFor(text, 'hashed.example', 2222)).toEqual(['AAAAhashed']);
    expect(knownKeysFor(text, 'other.example', 22)).toEqual([]);
  });
});
