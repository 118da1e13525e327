// The egress rule against the addresses an Expert's or Environment's author
// would try, to make the runner connect somewhere an administrator did not allow.
import { describe, expect, it } from 'vitest';
import { EgressPolicy, egressListsFromEnv, type EgressError } from './policy.js';

const OPENAI = 'https://api.openai.com/v1';

describe('model base URLs', () => {
  const byDefault = EgressPolicy.of().with('model', [OPENAI]);

  it('allows the official endpoint and what is under it', () => {
    expect(byDefault.allows('model', OPENAI)).toBe(true);
    expect(byDefault.allows('model', `${OPENAI}/`)).toBe(true);
    expect(byDefault.allows('model', `${OPENAI}/chat/completions`)).toBe(true);
  });

  it.each([
    ['a loopback server', 'http://127.0.0.1:11434/v1'],
    ['localhost', 'http://localhost:8080/v1'],
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data'],
    ['a private address', 'http://10.0.0.5/v1'],
    ['a numeric form of loopback', 'http://2130706433/v1'],
    ['a look-alike host', 'https://api.openai.com.attacker.example/v1'],
    ['the official host as a user name', 'https://api.openai.com@127.0.0.1/v1'],
    ['the official host behind a fragment', 'http://127.0.0.1/#@api.openai.com/v1'],
    ['another port', 'https://api.openai.com:8443/v1'],
    ['plain http', 'http://api.openai.com/v1'],
    ['a sibling path', 'https://api.openai.com/v10'],
    ['a path that climbs out', 'https://api.openai.com/v1/../admin'],
    ['credentials in the URL', 'https://user:pw@api.openai.com/v1'],
    ['another scheme', 'file:///etc/passwd'],
    ['no URL at all', 'not a url'],
  ])('refuses %s', (_what, url) => {
    expect(byDefault.allows('model', url)).toBe(false);
  });

  it('allows what an administrator lists, by scheme, host, port and path prefix', () => {
    const policy = EgressPolicy.of({ model: ['http://127.0.0.1:11434/v1', 'models.internal.example'] });
    expect(policy.allows('model', 'http://127.0.0.1:11434/v1')).toBe(true);
    expect(policy.allows('model', 'http://127.0.0.1:11434/v1/chat')).toBe(true);
    expect(policy.allows('model', 'https://models.internal.example/anything')).toBe(true);
    expect(policy.allows('model', 'http://127.0.0.1:11435/v1')).toBe(false);
    expect(policy.allows('model', 'http://127.0.0.1:11434/other')).toBe(false);
    expect(policy.allows('model', 'http://localhost:11434/v1')).toBe(false);
  });

  it('says who named the place and what an administrator can do', () => {
    expect(() => byDefault.check('model', 'http://127.0.0.1:9/v1', 'the Expert "Mine"')).toThrow(
      /model server http:\/\/127\.0\.0\.1:9\/v1 that the Expert "Mine" names.*ORRERY_MODEL_BASE_URLS/,
    );
  });

  it('hides credentials in the message', () => {
    let message = '';
    try {
      byDefault.check('model', 'https://me:hunter2@evil.example/v1', 'the Expert "Mine"');
    } catch (error) {
      message = (error as EgressError).message;
    }
    expect(message).toContain('https://***@evil.example/v1');
    expect(message).not.toContain('hunter2');
  });
});

describe('git remotes', () => {
  const byDefault = EgressPolicy.of();

  it.each([
    'https://github.com/team/app.git',
    'git@github.com:team/app.git',
    'ssh://git@github.com/team/app.git',
    'https://gitlab.com/team/app.git',
  ])('allows the public forge %s by default', (url) => {
    expect(byDefault.allows('git', url)).toBe(true);
  });

  it.each([
    ['a host on the runner’s network', 'https://git.internal.example/team/app.git'],
    ['loopback over ssh', 'git@127.0.0.1:team/app.git'],
    ['the metadata address', 'http://169.254.169.254/latest'],
    ['a look-alike host', 'https://github.com.attacker.example/team/app.git'],
    ['the forge as a user name', 'https://github.com@127.0.0.1/team/app.git'],
    ['git’s ext transport', 'ext::sh -c touch% /tmp/pwned'],
    ['git’s fd transport', 'fd::3'],
    ['a file URL', 'file:///srv/secret-repo'],
  ])('refuses %s', (_what, url) => {
    expect(byDefault.allows('git', url)).toBe(false);
  });

  it('follows ORRERY_GIT_HOSTS when an administrator sets it (replacing the default)', () => {
    const lists = egressListsFromEnv({ ORRERY_GIT_HOSTS: 'git.internal.example, 127.0.0.1' });
    const policy = EgressPolicy.of(lists);
    expect(policy.allows('git', 'https://git.internal.example/team/app.git')).toBe(true);
    expect(policy.allows('git', 'git@127.0.0.1:team/app.git')).toBe(true);
    expect(policy.allows('git', 'https://github.com/team/app.git')).toBe(false);
  });
});

describe('MCP servers (kept for when they exist)', () => {
  it('allows none until an administrator lists them', () => {
    expect(EgressPolicy.of().allows('mcp', 'https://mcp.example.com/sse')).toBe(false);
    const listed = EgressPolicy.of(egressListsFromEnv({ ORRERY_MCP_URLS: 'https://mcp.example.com' }));
    expect(listed.allows('mcp', 'https://mcp.example.com/sse')).toBe(true);
  });
});

describe('the administrator’s lists', () => {
  it('refuses an entry it cannot read, naming the variable', () => {
    expect(() => EgressPolicy.of(egressListsFromEnv({ ORRERY_MODEL_BASE_URLS: 'ftp://x.example' }))).toThrow(
      /ORRERY_MODEL_BASE_URLS: "ftp:\/\/x\.example" is not a URL the runner can use/,
    );
  });
});
