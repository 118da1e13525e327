import { describe, expect, it } from 'vitest';
import { ROUTES, pathOf } from './routes.js';

describe('pathOf', () => {
  it('fills placeholders with encoded values, so an id cannot reach another route', () => {
    expect(pathOf(ROUTES.putSecret, { scope: 'private', name: '../../me' })).toBe(
      '/api/secrets/private/..%2F..%2Fme',
    );
  });

  it('leaves out query values that are not given', () => {
    expect(pathOf(ROUTES.listSessions, {}, { filter: 'mine', q: undefined, limit: 5 })).toBe(
      '/api/sessions?filter=mine&limit=5',
    );
    expect(pathOf(ROUTES.searchUsers, {}, { q: 'a&b=c' })).toBe('/api/users?q=a%26b%3Dc');
  });

  it('says which value a route is missing', () => {
    expect(() => pathOf(ROUTES.grant, { id: 's1' })).toThrow(
      'PUT /sessions/{id}/grants/{userId} needs a value for {userId}.',
    );
  });
});
