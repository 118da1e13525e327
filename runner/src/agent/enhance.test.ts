import { describe, expect, it } from 'vitest';
import { ScriptedModelServer } from '../testing/scripted-model-server.js';
import { enhanceDeterministically, enhanceWithModel } from './enhance.js';
import { AnthropicClient } from './providers/anthropic.js';

const files = [
  'README.md',
  'package.json',
  'src/auth/login.ts',
  'src/auth/login.test.ts',
  'src/app.ts',
  'docs/intro.md',
];
const readme = '# Shop\n\nA small web shop for bicycles.\n\nRun `npm run test:unit` before pushing.\n';

describe('enhancing a prompt without a model', () => {
  it('keeps the original, names relevant files, the test command and earlier requests', () => {
    const text = enhanceDeterministically({
      prompt: 'fix the login redirect',
      transcript: [
        {
          kind: 'user',
          id: 'u',
          createdAt: 0,
          turnId: null,
          authorId: 'a',
          text: 'add a cart page',
          attachments: [],
        },
      ],
      files,
      readme,
    });
    expect(text.startsWith('fix the login redirect\n')).toBe(true);
    expect(text).toContain('src/auth/login.ts');
    expect(text).toContain('`npm run test:unit`');
    expect(text).toContain('A small web shop for bicycles.');
    expect(text).toContain('add a cart page');
  });

  it('falls back to what the files say about testing', () => {
    const text = enhanceDeterministically({
      prompt: 'speed up parsing',
      transcript: [],
      files: ['Cargo.toml', 'src/parse.rs'],
      readme: null,
    });
    expect(text).toContain('`cargo test`');
    expect(text).toContain('src/parse.rs');
  });

  it('is deterministic', () => {
    const input = { prompt: 'refactor app', transcript: [], files, readme };
    expect(enhanceDeterministically(input)).toBe(enhanceDeterministically(input));
  });
});

describe('enhancing a prompt with the Expert’s model', () => {
  it('sends the prompt with the conversation, files and README and returns the rewrite', async () => {
    const server = new ScriptedModelServer().script({
      text: 'Fix the redirect after login in src/auth/login.ts and run the tests.',
    });
    const url = await server.start();
    try {
      const model = new AnthropicClient({ apiKey: 'k', model: 'claude-test', baseUrl: url, maxRetries: 0 });
      const text = await enhanceWithModel(
        model,
        { prompt: 'fix login', transcript: [], files, readme },
        new AbortController().signal,
      );
      expect(text).toBe('Fix the redirect after login in src/auth/login.ts and run the tests.');
      const sent = JSON.stringify(server.requests[0]?.body);
      expect(sent).toContain('fix login');
      expect(sent).toContain('src/auth/login.ts');
      expect(sent).toContain('A small web shop for bicycles.');
    } finally {
      await server.close();
    }
  });
});
