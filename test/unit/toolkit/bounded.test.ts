/** Bounded memories forget their oldest entries, never grow past their bound. */
import { describe, expect, it } from 'vitest';
import { BoundedMap, BoundedSet } from '../../../src/connector/bounded.js';

describe('BoundedMap', () => {
  it('forgets the oldest entry once past its bound', () => {
    const m = new BoundedMap<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    m.set('c', 3);
    expect([m.has('a'), m.get('b'), m.get('c'), m.size]).toEqual([false, 2, 3, 2]);
  });

  it('makes an entry set again the newest, so it outlives older ones', () => {
    const m = new BoundedMap<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    m.set('a', 10);
    m.set('c', 3);
    expect([m.get('a'), m.has('b'), m.get('c')]).toEqual([10, false, 3]);
  });

  it('deletes and says whether there was anything to delete', () => {
    const m = new BoundedMap<string, number>(3);
    m.set('a', 1);
    expect([m.delete('a'), m.delete('a'), m.size]).toEqual([true, false, 0]);
  });

  it('refuses a bound below one', () => {
    for (const max of [0, -1, Number.NaN]) expect(() => new BoundedMap(max)).toThrow(RangeError);
  });

  it('lists its entries oldest first, only those still held', () => {
    const m = new BoundedMap<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    m.set('a', 3);
    m.set('c', 4);
    expect([...m.entries()]).toEqual([
      ['a', 3],
      ['c', 4],
    ]);
  });
});

describe('BoundedSet', () => {
  it('holds at most its bound, the most recently added', () => {
    const s = new BoundedSet<number>(100);
    for (let i = 0; i < 1000; i++) s.add(i);
    expect(s.size).toBe(100);
    expect([s.has(899), s.has(900), s.has(999)]).toEqual([false, true, true]);
  });

  it('adding a member again keeps it past older ones', () => {
    const s = new BoundedSet<string>(2);
    s.add('x');
    s.add('y');
    s.add('x');
    s.add('z');
    expect([s.has('x'), s.has('y'), s.has('z')]).toEqual([true, false, true]);
    expect(s.delete('x')).toBe(true);
    expect(s.has('x')).toBe(false);
  });
});
