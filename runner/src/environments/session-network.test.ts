// The network an "internet" session gets on an engine an administrator set up
// for it: its own, labelled, with inter-container traffic off, gone with it.
// No container joins these networks here (this machine's engines keep
// containers off networks); the engine's answers about the networks are checked.
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, engineConfigFromEnv, type Engine } from './engines.js';
import { EnvironmentError } from './errors.js';
import { LABEL } from './naming.js';
import {
  prepareSessionNetwork,
  pruneSessionNetworks,
  removeSessionNetwork,
  sessionNetworkName,
} from './session-network.js';
import { requireDocker, uniqueScope } from './test-support.js';

const scope = uniqueScope('snet');
let docker: Docker;
let firewalled: Engine;

beforeAll(async () => {
  docker = await requireDocker();
  firewalled = createEngine({ name: 'local', internet: 'firewalled' });
});

afterAll(async () => {
  const left = await docker.listNetworks({ filters: { label: [`${LABEL.scope}=${scope}`] } });
  for (const n of left) await docker.getNetwork(n.Id).remove();
});

async function inspect(name: string) {
  return (await docker.getNetwork(name).inspect()) as {
    Driver: string;
    Internal: boolean;
    Labels: Record<string, string>;
    Options: Record<string, string>;
  };
}

describe('a session that asks for the internet', () => {
  it('gets a bridge network of its own, labelled, with inter-container traffic off', async () => {
    const a = await prepareSessionNetwork(firewalled, scope, 's1', `orrery-${scope}-s1`, 'internet');
    const b = await prepareSessionNetwork(firewalled, scope, 's2', `orrery-${scope}-s2`, 'internet');
    expect(a).toEqual({ networkMode: sessionNetworkName(`orrery-${scope}-s1`) });
    expect(b.networkMode).not.toBe(a.networkMode);
    const info = await inspect(a.networkMode);
    expect(info.Driver).toBe('bridge');
    expect(info.Options['com.docker.network.bridge.enable_icc']).toBe('false');
    expect(info.Labels).toMatchObject({
      [LABEL.scope]: scope,
      [LABEL.role]: 'session-network',
      [LABEL.session]: 's1',
    });
    // Asked again (a restart of the same session) it is the same network.
    expect(await prepareSessionNetwork(firewalled, scope, 's1', `orrery-${scope}-s1`, 'internet')).toEqual(a);
    await removeSessionNetwork(firewalled, `orrery-${scope}-s1`);
    await expect(docker.getNetwork(a.networkMode).inspect()).rejects.toMatchObject({ statusCode: 404 });
    // Removing what is gone is fine.
    await removeSessionNetwork(firewalled, `orrery-${scope}-s1`);
  });

  it('is not handed a network of that name made by someone else', async () => {
    const name = sessionNetworkName(`orrery-${scope}-s3`);
    await docker.createNetwork({ Name: name, Labels: { [LABEL.scope]: scope, other: 'yes' } });
    await expect(
      prepareSessionNetwork(firewalled, scope, 's3', `orrery-${scope}-s3`, 'internet'),
    ).rejects.toBeInstanceOf(EnvironmentError);
  });

  it('runs without a network, and says why, where the engine is not set up for it', async () => {
    const plain = createEngine(engineConfigFromEnv({}));
    const off = await prepareSessionNetwork(plain, scope, 's4', `orrery-${scope}-s4`, 'internet');
    expect(off.networkMode).toBe('none');
    expect(off.offline).toMatch(/ORRERY_DOCKER_INTERNET=firewalled/);
    const none = createEngine({ name: 'local', networkMode: 'none', internet: 'firewalled' });
    expect((await prepareSessionNetwork(none, scope, 's4', 'c', 'internet')).offline).toMatch(
      /ORRERY_DOCKER_NETWORK=none/,
    );
  });

  it('never gets a network when the Environment asks for none', async () => {
    expect(await prepareSessionNetwork(firewalled, scope, 's5', 'c', 'none')).toEqual({
      networkMode: 'none',
    });
    expect(await prepareSessionNetwork(firewalled, scope, 's5', 'c', undefined)).toEqual({
      networkMode: 'none',
    });
  });

  it('leftover networks of sessions without a container are pruned', async () => {
    const kept = await prepareSessionNetwork(firewalled, scope, 'k1', `orrery-${scope}-k1`, 'internet');
    const left = await prepareSessionNetwork(firewalled, scope, 'l1', `orrery-${scope}-l1`, 'internet');
    await pruneSessionNetworks(firewalled, scope, (id) => id === 'k1');
    expect((await inspect(kept.networkMode)).Labels[LABEL.session]).toBe('k1');
    await expect(docker.getNetwork(left.networkMode).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe('the engine setting', () => {
  it('accepts only "off" or "firewalled"', () => {
    expect(engineConfigFromEnv({ ORRERY_DOCKER_INTERNET: 'firewalled' }).internet).toBe('firewalled');
    expect(() => engineConfigFromEnv({ ORRERY_DOCKER_INTERNET: 'yes' })).toThrow(
      /ORRERY_DOCKER_INTERNET must be "off" or "firewalled"/,
    );
  });
});
