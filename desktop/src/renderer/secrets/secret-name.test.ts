import { describe, expect, it } from 'vitest';
import { nameProblem, toSecretName, valueProblem } from './secret-name.js';

describe('secret names', () => {
  it('accepts UPPER_SNAKE_CASE names and explains the rule, in the contract’s words, for others', () => {
    expect(nameProblem('GITHUB_TOKEN')).toBeNull();
    expect(nameProblem('A')).toBeNull();
    expect(nameProblem('AWS_S3_KEY_2')).toBeNull();
    const rule =
      'The name must be UPPER_SNAKE_CASE: capital letters, digits and underscores, starting with a letter (e.g. GITHUB_TOKEN).';
    expect(nameProblem('github-token')).toBe(rule);
    expect(nameProblem('_TOKEN')).toBe(rule);
    expect(nameProblem('2FA_CODE')).toBe(rule);
    expect(nameProblem('API KEY')).toBe(rule);
    expect(nameProblem('')).toBe('Enter a name, e.g. GITHUB_TOKEN.');
    expect(nameProblem('A'.repeat(129))).toBe('The name is 129 characters; at most 128 fit.');
    expect(nameProblem('A'.repeat(128))).toBeNull();
  });

  it('turns kebab, snake, camel and spaced names into UPPER_SNAKE_CASE', () => {
    expect(toSecretName('github-token')).toBe('GITHUB_TOKEN');
    expect(toSecretName('github_token')).toBe('GITHUB_TOKEN');
    expect(toSecretName('githubToken')).toBe('GITHUB_TOKEN');
    expect(toSecretName('GitHub token')).toBe('GITHUB_TOKEN');
    expect(toSecretName('  npm.auth--token  ')).toBe('NPM_AUTH_TOKEN');
    expect(toSecretName('Clé d’API')).toBe('CLE_D_API');
    expect(toSecretName('awsS3Key2')).toBe('AWS_S3_KEY2');
  });

  it('offers no name when what was typed cannot become one', () => {
    expect(toSecretName('---')).toBeNull();
    expect(toSecretName('2fa-code')).toBeNull();
    expect(toSecretName('')).toBeNull();
    expect(toSecretName('x'.repeat(200))).toBeNull();
  });
});

describe('secret values', () => {
  it('needs a value of at most 64 KB of UTF-8 without NUL characters', () => {
    expect(valueProblem('ghp_abc')).toBeNull();
    expect(valueProblem('-----BEGIN KEY-----\nabc\n-----END KEY-----\n')).toBeNull();
    expect(valueProblem('')).toBe('Enter the value.');
    expect(valueProblem('a'.repeat(64 * 1024))).toBeNull();
    expect(valueProblem('a'.repeat(64 * 1024 + 1))).toBe(
      'The value is 64.1 KB; a secret holds at most 64 KB.',
    );
    // Three bytes each in UTF-8: 30,000 of them are 87.9 KB.
    expect(valueProblem('€'.repeat(30_000))).toBe('The value is 87.9 KB; a secret holds at most 64 KB.');
    expect(valueProblem('abc\0def')).toBe('The value must not contain NUL characters.');
  });
});

describe('names the server refuses because they run code', () => {
  it('says why before the secret is sent', () => {
    expect(nameProblem('BASH_ENV')).toBe(
      "BASH_ENV can't be used as a secret name: bash runs the file it names at start-up. Pick another name.",
    );
    expect(nameProblem('LD_PRELOAD')).toMatch(/^LD_PRELOAD can't be used as a secret name: /);
    expect(nameProblem('PATH')).toMatch(/^PATH can't be used as a secret name: /);
  });
});
