import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from './config.js';

describe('configuration from the environment', () => {
  it('has defaults', () => {
    expect(readConfig({})).toEqual({
      port: 8787,
      dataDir: '.orrery',
      dockerHost: undefined,
      localRepos: [],
    });
  });
  it('reads ORRERY_PORT, ORRERY_DATA_DIR and DOCKER_HOST', () => {
    expect(
      readConfig({
        ORRERY_PORT: '9000',
        ORRERY_DATA_DIR: '/var/lib/orrery',
        DOCKER_HOST: 'tcp://10.0.0.2:2376',
      }),
    ).toEqual({
      port: 9000,
      dataDir: '/var/lib/orrery',
      dockerHost: 'tcp://10.0.0.2:2376',
      localRepos: [],
    });
  });
  it('reads the folders local repositories may come from, and refuses relative ones', () => {
    expect(readConfig({ ORRERY_LOCAL_REPOS: '/srv/repos: /home/git/ :' }).localRepos).toEqual([
      '/srv/repos',
      '/home/git/',
    ]);
    expect(() => readConfig({ ORRERY_LOCAL_REPOS: '/srv/repos:repos' })).toThrow(
      /ORRERY_LOCAL_REPOS: "repos" is not an absolute path/,
    );
  });
  it('names the variable when a port is not a number', () => {
    expect(() => readConfig({ ORRERY_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => readConfig({ ORRERY_PORT: 'eighty' })).toThrow(/ORRERY_PORT: "eighty" is not a port number/);
  });
});
