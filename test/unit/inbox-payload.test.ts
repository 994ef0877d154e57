import { describe, expect, it } from 'vitest';
import { storable } from '../../src/core/inbox-payload.js';

describe('storable', () => {
  it('replaces U+0000 in strings and keys, leaving everything else as it was', () => {
    const event = { content: { body: 'a\u0000b', 'k\u0000': [1, 'x\u0000', null, true] } };
    expect(storable(event)).toEqual({
      content: { body: 'a\uFFFDb', 'k\uFFFD': [1, 'x\uFFFD', null, true] },
    });
    expect(event.content.body).toBe('a\u0000b');
  });

  it('gives up on payloads nested deeper than any real event', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 10_000; i++) deep = { d: deep };
    expect(storable({ content: deep })).toBeUndefined();
    let ok: unknown = 'leaf';
    for (let i = 0; i < 20; i++) ok = [ok];
    expect(storable({ content: ok })).toEqual({ content: ok });
  });
});
