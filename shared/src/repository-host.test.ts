import { describe, expect, it } from 'vitest';
import { repositoryHost } from './repository-host.js';

describe('the host of a repository URL', () => {
  it('is host[:port] in lower case, the default port left out', () => {
    expect(repositoryHost('https://GitHub.com/acme/app.git')).toBe('github.com');
    expect(repositoryHost('https://x-access-token:t@git.example.com:8443/a.git')).toBe(
      'git.example.com:8443',
    );
    expect(repositoryHost('https://github.com:443/a.git')).toBe('github.com');
    expect(repositoryHost('http://127.0.0.1:4123/app.git')).toBe('127.0.0.1:4123');
    expect(repositoryHost('ssh://git@gitlab.com:2222/a.git')).toBe('gitlab.com:2222');
    expect(repositoryHost('git@github.com:acme/app.git')).toBe('github.com');
  });

  it('is none for a local path or a URL git would not fetch over the network', () => {
    expect(repositoryHost('/srv/repos/app')).toBeUndefined();
    expect(repositoryHost('file:///srv/repos/app')).toBeUndefined();
    expect(repositoryHost('ext::sh -c evil')).toBeUndefined();
    // A user part cannot smuggle another host in.
    expect(repositoryHost('https://github.com@attacker.test/a.git')).toBe('attacker.test');
  });
});
