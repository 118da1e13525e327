import { describe, expect, it } from 'vitest';
import { offeredName } from './names.js';

describe('the names MCP tools are offered under', () => {
  it('are prefixed by the server and keep to the providers’ characters and length', () => {
    expect(offeredName('linear', 'create_issue', new Set())).toBe('linear__create_issue');
    expect(offeredName('jira', 'issues.search/v2', new Set())).toBe('jira__issues_search_v2');
    const long = offeredName('server', 'x'.repeat(100), new Set());
    expect(long).toHaveLength(64);
    expect(long).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });

  it('tell apart two tools that come out the same', () => {
    const first = offeredName('s', 'a.b', new Set());
    expect(offeredName('s', 'a/b', new Set([first]))).toBe('s__a_b_2');
    const long = offeredName('s', 'y'.repeat(80), new Set());
    const second = offeredName('s', 'y'.repeat(90), new Set([long]));
    expect(second).toHaveLength(64);
    expect(second).not.toBe(long);
    expect(second.endsWith('_2')).toBe(true);
  });
});
