import { describe, expect, it } from 'vitest';
import { hrefOf, parseRoute } from './router.js';

describe('routes', () => {
  it('opens Settings sections by deep link, with an item after the section', () => {
    expect(parseRoute('#/settings')).toEqual({ name: 'settings', section: 'experts', item: null });
    expect(parseRoute('#/settings/teammates')).toEqual({
      name: 'settings',
      section: 'teammates',
      item: null,
    });
    expect(parseRoute('#/settings/experts/new')).toEqual({
      name: 'settings',
      section: 'experts',
      item: 'new',
    });
  });

  it('sends the older links to their Settings sections instead of Home', () => {
    for (const section of ['secrets', 'experts', 'environments'] as const)
      expect(parseRoute(`#/${section}`)).toEqual({ name: 'settings', section, item: null });
  });

  it('shows Home for a section that does not exist or an item that is not an id', () => {
    expect(parseRoute('#/settings/nonsense')).toEqual({ name: 'home' });
    expect(parseRoute('#/settings/experts/a/b')).toEqual({ name: 'home' });
    expect(parseRoute('#/settings/experts/<script>')).toEqual({ name: 'home' });
  });

  it('writes links that read back as the same route', () => {
    const route = { name: 'settings', section: 'environments', item: 'env_1' } as const;
    expect(hrefOf(route)).toBe('#/settings/environments/env_1');
    expect(parseRoute(hrefOf(route))).toEqual(route);
  });
});
