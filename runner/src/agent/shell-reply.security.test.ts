// A command whose output tries to end the shell Expert's code block and turn
// the rest of the reply into markdown (a heading, an image on a server of the
// attacker's choosing). Run on the real server, runner and Docker engine: the
// reply keeps every output line inside the block.
import type { Expert, SessionResponse } from '@orrery/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../environments/test-support.js';
import {
  startRunner,
  startServerProcess,
  watchSession,
  type InProcessRunner,
  type ServerProcess,
} from '../testing/stack.js';

let server: ServerProcess;
let runner: InProcessRunner;
let admin: string;
let shellId: string;

beforeAll(async () => {
  await requireDocker();
  server = await startServerProcess();
  admin = await server.login();
  runner = await startRunner(server);
  const experts = (await server.api<{ experts: Expert[] }>(admin, 'GET', '/api/experts')).body.experts;
  shellId = experts.find((e) => e.name === 'Shell')!.id;
});

afterAll(async () => {
  await runner?.stop();
  await server?.stop();
});

describe('the shell Expert’s reply', () => {
  it('keeps output that prints a fence, a heading and an image inside its code block', async () => {
    const command = String.raw`printf '%s\n' '~~~' '${'```'}' '# Heading' '![x](http://127.0.0.1:9/track.png)'; printf '\r# After a carriage return\r\n'`;
    const res = await server.api<SessionResponse>(admin, 'POST', '/api/sessions', {
      expertId: shellId,
      prompt: command,
    });
    expect(res.status).toBe(201);
    const watch = watchSession(server, admin, res.body.session.id);
    try {
      const reply = await watch.until('the reply', (s) =>
        s.transcript.find((e) => e.kind === 'agent' && e.done),
      );
      const text = reply.kind === 'agent' ? reply.text : '';
      const [block, ...rest] = text.split('\n\n');
      expect(rest.join('\n\n').trim()).toBe('Exit code 0.');
      // Each line of an indented code block starts with four spaces; no other line ending is left.
      expect(block!.split('\n')).toEqual([
        '    ~~~',
        '    ```',
        '    # Heading',
        '    ![x](http://127.0.0.1:9/track.png)',
        '    ',
        '    # After a carriage return',
      ]);
      expect(text).not.toContain('\r');
    } finally {
      watch.close();
    }
  });
});
