/** Cached platform answers expire after their TTL and never grow past their bound. */
import { describe, expect, it } from 'vitest';
import { TtlCache } from '../../../src/connector/ttl-cache.js';

function cache(max = 10) {
  let now = 1000;
  const c = new TtlCache<string, string | null>({ ttlMs: 100, max, now: () => now });
  return { c, advance: (ms: number) => (now += ms) };
}

describe('TtlCache', () => {
  it('answers until the TTL has passed, then asks again', () => {
    const { c, advance } = cache();
    c.set('u1', 'alice');
    advance(99);
    expect(c.get('u1')).toBe('alice');
    advance(1);
    expect(c.get('u1')).toBeUndefined();
  });

  it('keeps a remembered "not found" (null) apart from "not cached" (undefined)', () => {
    const { c } = cache();
    c.set('gone', null);
    expect(c.get('gone')).toBeNull();
    expect(c.get('never')).toBeUndefined();
  });

  it('setting again restarts the TTL', () => {
    const { c, advance } = cache();
    c.set('u1', 'alice');
    advance(80);
    c.set('u1', 'alice2');
    advance(80);
    expect(c.get('u1')).toBe('alice2');
  });

  it('forgets the oldest entries past its bound', () => {
    const { c } = cache(3);
    for (const k of ['a', 'b', 'c', 'd']) c.set(k, k);
    expect(['a', 'b', 'c', 'd'].map((k) => c.get(k))).toEqual([undefined, 'b', 'c', 'd']);
  });
});
