import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SESSION_KEYS } from './session-doc.js';
import { contextSummary, recordCallUsage, sessionUsage, setContextSummary } from './session-usage.js';

const call = (inputTokens: number, cachedInputTokens = 0, cacheWriteTokens = 0) => ({
  inputTokens,
  outputTokens: 10,
  cachedInputTokens,
  cacheWriteTokens,
});

describe('session usage', () => {
  it('sums each turn’s calls and the session’s turns', () => {
    const doc = new Y.Doc();
    recordCallUsage(doc, { turnId: 't1', model: 'claude-x', usage: call(100, 0, 900), now: 1 });
    recordCallUsage(doc, { turnId: 't1', model: 'claude-x', usage: call(50, 900, 200), now: 2 });
    recordCallUsage(doc, { turnId: 't2', model: 'claude-x', usage: call(40, 1100), now: 3 });
    // Another client reads the same figures from the synced document.
    const replica = new Y.Doc();
    Y.applyUpdate(replica, Y.encodeStateAsUpdate(doc));
    expect(sessionUsage(replica)).toEqual({
      turns: [
        {
          turnId: 't1',
          model: 'claude-x',
          calls: 2,
          inputTokens: 150,
          outputTokens: 20,
          cachedInputTokens: 900,
          cacheWriteTokens: 1100,
          updatedAt: 2,
        },
        {
          turnId: 't2',
          model: 'claude-x',
          calls: 1,
          inputTokens: 40,
          outputTokens: 10,
          cachedInputTokens: 1100,
          cacheWriteTokens: 0,
          updatedAt: 3,
        },
      ],
      total: {
        calls: 3,
        inputTokens: 190,
        outputTokens: 30,
        cachedInputTokens: 2000,
        cacheWriteTokens: 1100,
      },
    });
  });

  it('reads what is not a count as nothing', () => {
    const doc = new Y.Doc();
    doc
      .getMap(SESSION_KEYS.usage)
      .set('t1', { model: 7, inputTokens: -5, outputTokens: 'many', calls: Infinity });
    expect(sessionUsage(doc).total).toEqual({
      calls: 0,
      inputTokens: 0,
      outputTokens: 0,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
    });
  });

  it('keeps the latest summary of earlier turns', () => {
    const doc = new Y.Doc();
    expect(contextSummary(doc)).toBeNull();
    setContextSummary(doc, { throughEntryId: 'e1', text: 'first notes', entries: 3, createdAt: 1 });
    setContextSummary(doc, { throughEntryId: 'e9', text: 'newer notes', entries: 9, createdAt: 2 });
    expect(contextSummary(doc)).toEqual({
      throughEntryId: 'e9',
      text: 'newer notes',
      entries: 9,
      createdAt: 2,
    });
  });
});
