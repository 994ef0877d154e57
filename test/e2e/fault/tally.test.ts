import { describe, expect, it } from 'vitest';
import { tally, tallyWithDetail } from './tally.js';

const sent = ['a', 'b', 'c', 'd', 'e'];

describe('tally', () => {
  it('counts a clean delivery as exactly once and in order', () => {
    expect(tally(sent, ['x', ...sent, 'y'])).toEqual({
      sent: 5,
      delivered: 5,
      duplicated: 0,
      lost: 0,
      reordered: 0,
    });
  });

  it('counts extra copies as duplicates and missing ones as lost', () => {
    const r = tallyWithDetail(sent, ['a', 'b', 'b', 'd', 'e', 'e', 'e']);
    expect(r.tally).toEqual({ sent: 5, delivered: 4, duplicated: 3, lost: 1, reordered: 0 });
    expect(r.detail).toEqual({ missing: ['c'], duplicates: ['b', 'e', 'e'] });
  });

  it('counts the fewest moves that restore the sent order as reordered', () => {
    expect(tally(sent, ['b', 'a', 'c', 'e', 'd']).reordered).toBe(2);
    expect(tally(sent, ['e', 'a', 'b', 'c', 'd']).reordered).toBe(1);
    expect(tally(sent, ['e', 'd', 'c', 'b', 'a']).reordered).toBe(4);
  });

  it('judges order by first arrival: a late duplicate is a duplicate, not a reorder', () => {
    expect(tally(sent, ['a', 'b', 'c', 'd', 'e', 'a'])).toMatchObject({
      duplicated: 1,
      reordered: 0,
    });
  });
});
