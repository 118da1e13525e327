import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-error.js';
import { describeSecretError } from './secret-errors.js';

const shared = { scope: 'shared' as const, name: 'GITHUB_TOKEN' };
const mine = { scope: 'private' as const, name: 'NPM_TOKEN' };

describe('describeSecretError', () => {
  it('says plainly that nothing happened while offline', () => {
    const offline = new ApiError('offline', 'Cannot reach the server at http://x.', null);
    expect(describeSecretError(offline, 'load').text).toBe(
      'Secrets cannot be loaded while offline. They are never kept on this device, so this page needs the server.',
    );
    expect(describeSecretError(offline, 'save', mine).text).toBe(
      'You are offline, so nothing was saved. Save again once the server is reachable.',
    );
    expect(describeSecretError(offline, 'delete', mine).text).toBe(
      'You are offline, so NPM_TOKEN was not deleted. Try again once the server is reachable.',
    );
  });

  it('tells a member what to do instead of changing a shared secret', () => {
    const forbidden = new ApiError('forbidden', 'Only an admin may change shared secrets.', 403);
    expect(describeSecretError(forbidden, 'save', shared).text).toBe(
      'Only admins can change shared secrets. Save it as a private secret instead, or ask an admin.',
    );
    expect(describeSecretError(forbidden, 'delete', shared).text).toBe(
      'Only admins can delete shared secrets. Ask an admin of your organisation.',
    );
  });

  it('puts the server’s field problems beside the field they are about', () => {
    const invalid = new ApiError('validation_failed', 'The request is not valid.', 400, {
      value: 'must not contain NUL characters',
    });
    expect(describeSecretError(invalid, 'save', mine)).toEqual({
      field: 'value',
      text: 'The value must not contain NUL characters.',
    });
    const badName = new ApiError('validation_failed', 'The request is not valid.', 400, {
      name: 'must be UPPER_SNAKE_CASE (e.g. GITHUB_TOKEN)',
    });
    expect(describeSecretError(badName, 'save', mine)).toEqual({
      field: 'name',
      text: 'The name must be UPPER_SNAKE_CASE (e.g. GITHUB_TOKEN).',
    });
    const tooLarge = new ApiError('payload_too_large', 'Request body too large.', 413);
    expect(describeSecretError(tooLarge, 'save', mine)).toEqual({
      field: 'value',
      text: 'The value is too large: a secret holds at most 64 KB.',
    });
  });

  it('says a secret that was already deleted is gone, and keeps other server messages', () => {
    const gone = new ApiError('not_found', 'There is no private secret named NPM_TOKEN.', 404);
    expect(describeSecretError(gone, 'delete', mine).text).toBe('NPM_TOKEN was already deleted.');
    const busy = new ApiError('rate_limited', 'Too many requests; wait a minute and try again.', 429);
    expect(describeSecretError(busy, 'save', mine).text).toBe(
      'Too many requests; wait a minute and try again.',
    );
  });
});
