import type { TranscriptEntry } from '@orrery/shared';
import { describe, expect, it } from 'vitest';
import { buildHistory } from './history.js';

const base = { createdAt: 0, turnId: 't1' };
const options = {
  acceptsImages: true,
  loadImage: async () => 'aW1n',
  attachmentPath: (a: { name: string }) => `/workspace/.orrery/attachments/${a.name}`,
};

describe('rebuilding the model conversation from a transcript', () => {
  it('pairs tool calls with their results and keeps text in order', async () => {
    const entries: TranscriptEntry[] = [
      { ...base, kind: 'user', id: 'u1', authorId: 'a', text: 'run the tests', attachments: [] },
      { ...base, kind: 'agent', id: 'a1', text: 'Running them.', done: true },
      {
        ...base,
        kind: 'tool',
        id: 'c1',
        name: 'run_command',
        input: '{"command":"npm test"}',
        output: 'ok',
        status: 'done',
        exitCode: 0,
        durationMs: 5,
      },
      { ...base, kind: 'agent', id: 'a2', text: 'All green.', done: true },
      { ...base, kind: 'notice', id: 'n1', level: 'info', text: 'Stopped.' },
    ];
    expect(await buildHistory(entries, options)).toEqual([
      { role: 'user', parts: [{ type: 'text', text: 'run the tests' }] },
      {
        role: 'assistant',
        parts: [
          { type: 'text', text: 'Running them.' },
          { type: 'tool_use', id: 'c1', name: 'run_command', input: { command: 'npm test' } },
        ],
      },
      {
        role: 'user',
        parts: [{ type: 'tool_result', toolUseId: 'c1', content: 'exit code: 0\nok', isError: false }],
      },
      { role: 'assistant', parts: [{ type: 'text', text: 'All green.' }] },
    ]);
  });

  it('passes images to models that take them and points to files in the Environment', async () => {
    const sha = 'a'.repeat(64);
    const [first] = await buildHistory(
      [
        {
          ...base,
          kind: 'user',
          id: 'u1',
          authorId: 'a',
          text: 'look',
          attachments: [
            { id: sha, name: 'shot.png', kind: 'image', mediaType: 'image/png', size: 3 },
            { id: sha, name: 'log.txt', kind: 'file', mediaType: 'text/plain', size: 9 },
          ],
        },
      ],
      options,
    );
    expect(first?.parts[0]).toEqual({ type: 'image', mediaType: 'image/png', data: 'aW1n' });
    expect(first?.parts[1]).toMatchObject({ type: 'text' });
    expect(JSON.stringify(first?.parts[1])).toContain(
      'log.txt (text/plain, 9 bytes) at /workspace/.orrery/attachments/log.txt',
    );
  });

  it('tells the model a tool call was interrupted', async () => {
    const history = await buildHistory(
      [
        { ...base, kind: 'user', id: 'u1', authorId: 'a', text: 'x', attachments: [] },
        {
          ...base,
          kind: 'tool',
          id: 'c1',
          name: 'run_command',
          input: '{}',
          output: 'partial',
          status: 'interrupted',
          exitCode: null,
          durationMs: null,
        },
        { ...base, kind: 'user', id: 'u2', authorId: 'a', text: 'again', attachments: [] },
      ],
      options,
    );
    expect(history.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(history[2]?.parts[0]).toMatchObject({ type: 'tool_result', isError: true });
    expect(JSON.stringify(history[2])).toContain('interrupted before it finished');
  });
  it('sends a long tool output as its head and tail with a note where it was cut', async () => {
    const output = `START\n${'middle line\n'.repeat(5_000)}FINISH`;
    const history = await buildHistory(
      [
        { ...base, kind: 'user', id: 'u1', authorId: 'a', text: 'build', attachments: [] },
        {
          ...base,
          kind: 'tool',
          id: 'c1',
          name: 'run_command',
          input: '{}',
          output,
          status: 'done',
          exitCode: 0,
          durationMs: 1,
        },
      ],
      { ...options, maxToolResultChars: 1_000 },
    );
    const sent = (history[2]?.parts[0] as { content: string }).content;
    expect(sent.startsWith('exit code: 0\nSTART')).toBe(true);
    expect(sent.endsWith('FINISH')).toBe(true);
    expect(sent).toMatch(/\[… \d+ characters cut here; the full output is in the transcript …\]/);
    expect(sent.length).toBeLessThan(1_200);
  });
});
