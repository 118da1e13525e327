import type { SecretSummary } from '@orrery/shared';
import { describe, expect, it } from 'vitest';
import { removeSecret, sortSecrets, upsertSecret } from './secret-list.js';

function secret(name: string, scope: SecretSummary['scope'], overridden = false): SecretSummary {
  return { name, scope, updatedAt: 1, updatedBy: 'Ada', updatedById: 'ada', overridden };
}

describe('the secret list', () => {
  it('sorts by name with a private secret before the shared one it wins over', () => {
    const sorted = sortSecrets([secret('NPM', 'private'), secret('AWS', 'shared'), secret('AWS', 'private')]);
    expect(sorted.map((s) => `${s.name}/${s.scope}`)).toEqual(['AWS/private', 'AWS/shared', 'NPM/private']);
  });

  it('marks a shared secret overridden when a private one of its name is saved, and not after it is deleted', () => {
    let list = [secret('AWS', 'shared')];
    list = upsertSecret(list, secret('AWS', 'private'));
    expect(list).toEqual([secret('AWS', 'private'), secret('AWS', 'shared', true)]);
    list = removeSecret(list, 'private', 'AWS');
    expect(list).toEqual([secret('AWS', 'shared', false)]);
  });

  it('replaces the entry of a secret whose value was replaced', () => {
    const list = upsertSecret([secret('NPM', 'private')], { ...secret('NPM', 'private'), updatedAt: 5 });
    expect(list).toEqual([{ ...secret('NPM', 'private'), updatedAt: 5 }]);
  });
});
