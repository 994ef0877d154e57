import { describe, expect, it } from 'vitest';
import { loadSpec } from './spec.js';

// The validators used by the other tests must actually reject wrong shapes.
describe('OpenAPI spec loader', () => {
  const spec = loadSpec();

  it('rejects answers that break the schema', () => {
    expect(() => spec.check(spec.schema('Post'), { id: 'x', message: 5 })).toThrow(/message/);
    expect(() => spec.check(spec.schema('PostList'), { order: 'nope', posts: {} })).toThrow(
      /order/,
    );
    expect(() => spec.check(spec.schema('Reaction'), { create_at: 'yesterday' })).toThrow(
      /create_at/,
    );
    const upload = spec.response('/api/v4/files', 'post', '201');
    expect(() => spec.check(upload, { file_infos: [{ size: 'big' }] })).toThrow(/size/);
  });

  it('follows $refs from path files into definitions.yaml', () => {
    const list = spec.response('/api/v4/channels/{channel_id}/posts', 'get', '200');
    expect(() => spec.check(list, { order: ['a'], posts: { a: { id: 1 } } })).toThrow(/id/);
    spec.check(list, {
      order: ['a'],
      posts: { a: { id: 'a', metadata: { files: [{ id: 'f' }] } } },
    });
  });

  it('accepts what the server really sends where the reference is wrong (errata)', () => {
    spec.check(spec.schema('User'), { id: 'u', timezone: { useAutomaticTimezone: 'true' } });
  });
});
