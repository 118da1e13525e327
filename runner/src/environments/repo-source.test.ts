import { describe, expect, it } from 'vitest';
import { displayUrl, folderFor, localPathOf, urlCredentials } from './repo-source.js';

describe('repository sources', () => {
  it('hides credentials in URLs shown to people', () => {
    expect(displayUrl('https://bot:ghp_secret@github.com/team/app.git')).toBe(
      'https://***@github.com/team/app.git',
    );
    expect(displayUrl('https://github.com/team/app.git')).toBe('https://github.com/team/app.git');
    expect(displayUrl('/srv/repos/app')).toBe('/srv/repos/app');
  });

  it('finds the credentials written into a URL, to keep them out of build logs', () => {
    expect(urlCredentials('https://bot:ghp_secret@github.com/team/app.git')).toEqual(['ghp_secret']);
    expect(urlCredentials('https://ghp_token@github.com/team/app.git')).toEqual(['ghp_token']);
    expect(urlCredentials('https://github.com/team/app.git')).toEqual([]);
    expect(urlCredentials('git@github.com:team/app.git')).toEqual([]);
  });

  it('clones into the given folder, else one named after the URL', () => {
    expect(folderFor({ url: 'https://github.com/team/app.git' })).toBe('app');
    expect(folderFor({ url: 'git@github.com:team/tool.git' })).toBe('tool');
    expect(folderFor({ url: '/srv/repos/lib/' })).toBe('lib');
    expect(folderFor({ url: 'https://github.com/team/app.git', path: 'web' })).toBe('web');
    expect(() => folderFor({ url: 'https://host/.git' })).toThrow('give the repository a path');
  });

  it('tells local repositories (copied in as bundles) from remote ones (cloned in the container)', () => {
    expect(localPathOf('/srv/repos/app')).toBe('/srv/repos/app');
    expect(localPathOf('file:///srv/repos/app')).toBe('/srv/repos/app');
    expect(localPathOf('https://github.com/team/app.git')).toBeUndefined();
    // Names no local path: refused like any path outside the allowed folders.
    expect(localPathOf('file://elsewhere/srv/repos/app')).toBe('');
  });
});
