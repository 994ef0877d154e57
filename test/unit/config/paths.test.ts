import { describe, expect, it } from 'vitest';
import { editDistance, formatPath, fromPointer, suggest } from '../../../src/config/paths.js';

describe('config path helpers', () => {
  it('formats dotted paths with indices and quoted odd keys', () => {
    expect(formatPath(['portals', 0, 'links', 2, 'connector'])).toBe(
      'portals[0].links[2].connector',
    );
    expect(formatPath(['connectors', 'mattermost', 'workspaces', 'agency-a'])).toBe(
      'connectors.mattermost.workspaces.agency-a',
    );
    expect(formatPath(['servers', 'example.org'])).toBe('servers["example.org"]');
  });

  it('tells array indices from numeric keys using the data', () => {
    const data = { a: [{ '0': { 'x/y': 1 } }] };
    expect(fromPointer('/a/0/0/x~1y', data)).toEqual(['a', 0, '0', 'x/y']);
  });

  it('suggests close keys only', () => {
    expect(editDistance('tokne', 'token')).toBe(1);
    expect(editDistance('urll', 'url')).toBe(1);
    expect(suggest('urll', ['url', 'data_dir'])).toBe('url');
    expect(suggest('bind-address', ['bind_address', 'port'])).toBe('bind_address');
    expect(suggest('warning', ['warn', 'error'])).toBe('warn');
    expect(suggest('foo', ['url', 'data_dir'])).toBeUndefined();
    expect(suggest('teams', ['mattermost', 'slack'])).toBeUndefined();
  });
});
