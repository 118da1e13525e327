// Attacks through the shared snapshot, on a real engine. A snapshot is built
// once and then serves everyone who uses the Environment, so whatever the
// build saw reached them all: the first builder's secrets (a setup script
// writing $NPM_TOKEN into /etc/npmrc), or a secret named BASH_ENV whose
// $(…) value bash ran as root. Builds now see the definition alone, in a
// hardened container with a time limit, and a snapshot is reused only by the
// installation that built it.
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL, snapshotHash, snapshotTag } from './naming.js';
import {
  BASE_IMAGE,
  cleanupDir,
  makeManager,
  removeScope,
  requireDocker,
  testDefinition,
  uniqueScope,
  type TestManager,
} from './test-support.js';
import type { BuildLogEntry, EnvironmentDefinition } from './types.js';

let docker: Docker;
let t: TestManager;
const logs: BuildLogEntry[] = [];
const scope = uniqueScope('snapsec');
const nonce = randomBytes(4).toString('hex');
const installation = `install-${nonce}`;
const images = new Set<string>();
const NPM_TOKEN = `npm_${randomBytes(12).toString('hex')}`;
/** Bash expands BASH_ENV before reading it: the $(…) runs in every shell that gets it. */
const BASH_ENV_PAYLOAD = '$(id -u >> /tmp/bash-env-ran)';

function definition(setupScript: string, overrides: Partial<EnvironmentDefinition> = {}) {
  const d = testDefinition({
    id: `env-snapsec-${nonce}`,
    installation,
    name: 'Shared',
    setupScript: `# ${nonce}\n${setupScript}`,
    ...overrides,
  });
  images.add(snapshotTag(snapshotHash(d)));
  return d;
}

async function run(session: string, command: string): Promise<string> {
  const r = await t.manager.exec(session, { command });
  expect(r.exitCode, r.stderr).toBe(0);
  return r.stdout;
}

const statusesOf = (session: string) => t.changes.filter((c) => c.sessionId === session).map((c) => c.status);

beforeAll(async () => {
  docker = await requireDocker();
  t = makeManager({ scope });
  t.manager.onBuildLog((entry) => logs.push(entry));
  await t.manager.start();
});

afterAll(async () => {
  await t?.manager.close();
  if (docker) {
    await removeScope(docker, scope);
    for (const image of images)
      await docker
        .getImage(image)
        .remove({ force: true })
        .catch(() => {});
  }
  if (t) cleanupDir(t.stateDir);
});

describe('a snapshot shared by an Environment’s users', () => {
  it('never holds the secrets of the member whose session built it', async () => {
    const d = definition('echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > /etc/npmrc');
    await t.manager.ensureRunning('first', d, { NPM_TOKEN });
    await t.manager.ensureRunning('second', d, {});
    expect(statusesOf('second')).not.toContain('building');

    expect(await run('second', 'cat /etc/npmrc')).toBe('//registry.npmjs.org/:_authToken=\n');
    const image = await docker.getImage(snapshotTag(snapshotHash(d))).inspect();
    expect(JSON.stringify(image)).not.toContain(NPM_TOKEN);
    // The owner's commands still get it, per command.
    expect(await run('first', `[ "$NPM_TOKEN" = ${NPM_TOKEN} ] && echo "the owner has it"`)).toBe(
      'the owner has it\n',
    );
    expect(JSON.stringify(logs)).not.toContain(NPM_TOKEN);
  });

  it('a BASH_ENV secret of $(…) runs nothing as root in the build, nor in its owner’s session', async () => {
    const d = definition('echo setting up');
    await t.manager.ensureRunning('poisoner', d, { BASH_ENV: BASH_ENV_PAYLOAD });
    await t.manager.ensureRunning('victim', d, {});

    const probe = 'cat /tmp/bash-env-ran 2>/dev/null || echo "nothing ran"';
    expect(await run('victim', probe)).toBe('nothing ran\n');
    expect(await run('poisoner', probe)).toBe('nothing ran\n');
  });

  it('the runner drops such names however they arrive (rows stored before the rule, per-command values)', async () => {
    const d = definition('echo setting up');
    const poisoned = { BASH_ENV: BASH_ENV_PAYLOAD, LD_PRELOAD: '/tmp/evil.so', PATH: '/tmp/evil' };
    await t.manager.ensureRunning('dropped', d, poisoned);
    await t.manager.ensureRunning('plain', d, {});
    const seen = 'printf "%s|%s|%s\\n" "${BASH_ENV-unset}" "${LD_PRELOAD-unset}" "$PATH"';
    const [droppedView, plainView] = [await run('dropped', seen), await run('plain', seen)];
    expect(droppedView).toBe(plainView);
    expect(droppedView).toMatch(/^unset\|unset\|\/.*\/usr\/bin/);
    const probe = 'cat /tmp/bash-env-ran 2>/dev/null || echo "nothing ran"';
    const perCommand = await t.manager.exec('plain', { command: probe, env: { ...poisoned } });
    expect(perCommand.stdout).toBe('nothing ran\n');
  });

  it('is built in a hardened container: no-new-privileges, the session limits, fewer capabilities', async () => {
    const d = definition(
      [
        'grep -E "^(NoNewPrivs|CapEff)" /proc/self/status',
        'echo "pids $(cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max)"',
        'echo "memory $(cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes)"',
        'echo probe-ready; while [ ! -e /tmp/inspected ]; do sleep 0.1; done; rm /tmp/inspected',
      ].join('\n'),
    );
    const hash = snapshotHash(d);
    let inspected: Docker.ContainerInspectInfo | undefined;
    const off = t.manager.onBuildLog((line) => {
      if (line.hash !== hash || !line.text.includes('probe-ready')) return;
      off();
      void (async () => {
        const [build] = await docker.listContainers({
          filters: { label: [`${LABEL.scope}=${scope}`, `${LABEL.role}=build`, `${LABEL.snapshot}=${hash}`] },
        });
        const container = docker.getContainer(build!.Id);
        inspected = await container.inspect();
        const exec = await container.exec({ Cmd: ['touch', '/tmp/inspected'], User: '0:0' });
        await exec.start({ Detach: true });
      })();
    });
    await t.manager.ensureRunning('hardened', d);

    const output = logs
      .filter((l) => l.hash === hash && l.stream === 'stdout')
      .map((l) => l.text)
      .join('');
    expect(output).toMatch(/NoNewPrivs:\s+1/);
    expect(output).toContain('pids 256\n');
    expect(output).toContain(`memory ${512 * 1024 * 1024}\n`);
    const capEff = BigInt(`0x${/CapEff:\s+([0-9a-f]+)/.exec(output)![1]}`);
    const NET_RAW = 13n;
    const MKNOD = 27n;
    expect((capEff >> NET_RAW) & 1n).toBe(0n);
    expect((capEff >> MKNOD) & 1n).toBe(0n);

    const host = inspected!.HostConfig;
    expect(host.SecurityOpt).toContain('no-new-privileges');
    expect(host).toMatchObject({
      Memory: 512 * 1024 * 1024,
      NanoCpus: 1e9,
      PidsLimit: 256,
      LogConfig: { Type: 'none' },
    });
    expect(host.CapDrop).toEqual(expect.arrayContaining(['NET_RAW', 'MKNOD', 'AUDIT_WRITE']));
  });

  it('stops a build that runs past the time limit', async () => {
    const quick = makeManager({ scope, config: { buildTimeoutMs: 8_000 } });
    try {
      const d = definition('sleep 600');
      await expect(quick.manager.ensureRunning('too-long', d)).rejects.toMatchObject({
        code: 'build_failed',
        message: expect.stringMatching(/failed \(the build ran longer than 8 s\)/) as string,
      });
    } finally {
      await quick.manager.close();
      cleanupDir(quick.stateDir);
    }
  }, 120_000);
});

describe('snapshots and installations', () => {
  it('are labelled with the installation that built them, and another installation builds its own', async () => {
    const mine = definition('echo mine > /etc/built-for');
    await t.manager.ensureRunning('mine', mine);
    const image = await docker.getImage(snapshotTag(snapshotHash(mine))).inspect();
    expect(image.Config.Labels?.[LABEL.installation]).toBe(installation);

    // No container uses it now: only its own installation may prune it.
    await t.manager.remove('mine');
    const theirs = { ...mine, installation: `other-${nonce}` };
    images.add(snapshotTag(snapshotHash(theirs)));
    await t.manager.ensureRunning('theirs', theirs);
    expect(statusesOf('theirs')).toContain('building');
    const other = await docker.getImage(snapshotTag(snapshotHash(theirs))).inspect();
    expect(other.Config.Labels?.[LABEL.installation]).toBe(`other-${nonce}`);
    expect(other.Id).not.toBe(image.Id);
    expect((await docker.getImage(snapshotTag(snapshotHash(mine))).inspect()).Id).toBe(image.Id);
  });

  it('an image under the snapshot’s tag made by someone else is not reused', async () => {
    const d = definition('echo genuine > /etc/built-for');
    const hash = snapshotHash(d);
    // Another installation on the engine (or anyone with its API) puts an image under the same tag.
    const planter = await docker.createContainer({
      Image: BASE_IMAGE,
      Cmd: ['bash', '-c', 'echo planted > /etc/built-for'],
      User: '0:0',
      HostConfig: { NetworkMode: 'none' },
      Labels: { [LABEL.scope]: scope },
    });
    await planter.start();
    await planter.wait();
    await planter.commit({
      repo: 'orrery/snapshot',
      tag: hash,
      changes: [`LABEL ${LABEL.snapshot}=${hash} ${LABEL.installation}=someone-else`, 'USER 1000:1000'],
    });
    await planter.remove({ force: true });

    await t.manager.ensureRunning('careful', d);
    expect(statusesOf('careful')).toContain('building');
    expect(await run('careful', 'cat /etc/built-for')).toBe('genuine\n');
  });
});
