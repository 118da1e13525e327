import type { TranscriptEntry } from '@orrery/shared';
import { describe, expect, it } from 'vitest';
import { ScriptedModelServer } from '../testing/scripted-model-server.js';
import { enhanceDeterministically, enhanceWithModel, symbolsNamed } from './enhance.js';
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

const user = (text: string): TranscriptEntry => ({
  kind: 'user',
  id: `u-${text.length}`,
  createdAt: 0,
  turnId: null,
  authorId: 'a',
  text,
  attachments: [],
});
const agent = (text: string): TranscriptEntry => ({
  kind: 'agent',
  id: `a-${text.length}`,
  createdAt: 0,
  turnId: 't',
  text,
  done: true,
});

describe('enhancing a prompt without a model', () => {
  it('adds the path of a file the prompt names and nothing generic', () => {
    const result = enhanceDeterministically({
      prompt: 'the redirect in app.ts goes to the wrong page',
      transcript: [user('add a cart page'), agent('Added the cart page.')],
      files,
      readme,
    });
    expect(result.text).toBe(
      'the redirect in app.ts goes to the wrong page\n\nFound in the workspace and session:\n- `src/app.ts` (named in the prompt)\n- Verify with `npm run test:unit` (from the README)',
    );
    expect(result.note).toBe('Added 1 file and the test command.');
  });

  it('finds the files whose names match the prompt’s words, with their tests', () => {
    const { text } = enhanceDeterministically({
      prompt: 'fix the login redirect',
      transcript: [],
      files,
      readme,
    });
    expect(text).toContain('- `src/auth/login.ts`\n');
    expect(text).toContain('- `src/auth/login.test.ts`\n');
    expect(text).not.toContain('src/app.ts');
    expect(text).not.toContain('Please');
  });

  it('returns a prompt that matches nothing unchanged and says it found nothing', () => {
    const prompt = '  what does the weather look like tomorrow  ';
    const result = enhanceDeterministically({ prompt, transcript: [user('hello')], files, readme });
    expect(result.text).toBe(prompt);
    expect(result.note).toMatch(/^Found nothing to add: .*Your text is unchanged\.$/);
  });

  it('adds where the symbols it names are, the README section and the last turn’s open question', () => {
    const result = enhanceDeterministically({
      prompt: 'make parseInvoice handle refunds',
      transcript: [
        user('look at invoices'),
        agent('I read the billing code.\n\nIt rounds per line. Should refunds be rounded the same way?'),
      ],
      files: ['Cargo.toml', 'src/billing.rs'],
      readme: '# Ledger\n\n## Refunds and credits\n\nHow refunds work.\n',
      symbols: [{ name: 'parseInvoice', path: 'src/billing.rs', line: 12 }],
    });
    expect(result.text).toBe(
      [
        'make parseInvoice handle refunds',
        '',
        'Found in the workspace and session:',
        '- `parseInvoice` appears in `src/billing.rs:12`',
        "- The README's section “Refunds and credits” covers this",
        '- Verify with `cargo test` (the workspace has Cargo.toml)',
        '- The last turn asked: “Should refunds be rounded the same way?”',
      ].join('\n'),
    );
    expect(result.note).toBe(
      'Added 1 symbol, a README section, the test command and the open question from the last turn.',
    );
  });

  it('picks out the names in a prompt that look like code', () => {
    expect(symbolsNamed('rename `total` and make parseInvoice call round_cents() in the loop')).toEqual([
      'total',
      'parseInvoice',
      'round_cents',
    ]);
    expect(symbolsNamed('fix the login redirect')).toEqual([]);
  });

  it('is deterministic', () => {
    const input = { prompt: 'refactor app', transcript: [], files, readme };
    expect(enhanceDeterministically(input)).toEqual(enhanceDeterministically(input));
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
