// A member's Environment names a "remote repository" on the runner's own
// network (loopback, a metadata address, an internal host) or a git transport
// that runs commands. The runner refuses it before any build starts, with a
// message that says what an administrator can do; allowed hosts still build.
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL } from './naming.js';
import {
  makeManager,
  removeScope,
  requireDocker,
  testDefinition,
  uniqueScope,
  type TestManager,
} from './test-support.js';

const scope = uniqueScope('gitegress');
let docker: Docker;
let t: TestManager;

beforeAll(async () => {
  docker = await requireDocker();
  t = makeManager({ scope });
  await t.manager.start();
});
afterAll(async () => {
  await t?.manager.close();
  if (docker) await removeScope(docker, scope);
});

describe('a remote repository the runner may not fetch from', () => {
  it.each([
    ['the runner’s loopback', 'http://127.0.0.1:8787/api/whatever.git'],
    ['the metadata address', 'http://169.254.169.254/latest/meta-data.git'],
    ['an internal host over ssh', 'git@git.internal.example:team/secret.git'],
    ['a look-alike forge', 'https://github.com.attacker.example/team/app.git'],
    ['git’s ext transport', 'ext::sh -c id'],
  ])('is refused before any build: %s', async (_what, url) => {
    const sessionId = `g-${Math.random().toString(36).slice(2, 8)}`;
    const definition = testDefinition({ id: 'env-git', name: 'Mine', repositories: [{ url, path: 'app' }] });
    await expect(t.manager.ensureRunning(sessionId, definition)).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(
        /does not connect to the git host .* that the Environment "Mine" names.*ORRERY_GIT_HOSTS/,
      ) as string,
    });
    const builds = await docker.listContainers({
      all: true,
      filters: { label: [`${LABEL.scope}=${scope}`] },
    });
    expect(builds).toEqual([]);
  });
});
