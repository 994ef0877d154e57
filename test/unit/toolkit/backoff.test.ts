/** The one back-off: exponential ceiling, full jitter, cap, floor, Retry-After wins. */
import { describe, expect, it } from 'vitest';
import { Backoff, backoffCeiling, backoffDelay } from '../../../src/connector/backoff.js';

const policy = { initialMs: 500, maxMs: 60_000 };

describe('backoffDelay', () => {
  it('doubles the ceiling per failure up to the cap', () => {
    const ceilings = [1, 2, 3, 4, 5, 8, 20, 1e6].map((n) => backoffCeiling(policy, n));
    expect(ceilings).toEqual([500, 1000, 2000, 4000, 8000, 60_000, 60_000, 60_000]);
  });

  it('draws uniformly between 0 and the ceiling (full jitter)', () => {
    expect(backoffDelay(policy, 3, 0, () => 0)).toBe(0);
    expect(backoffDelay(policy, 3, 0, () => 0.5)).toBe(1000);
    expect(backoffDelay(policy, 3, 0, () => 0.999_999)).toBe(2000);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(policy, 4);
      expect(Number.isInteger(d)).toBe(true);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(4000);
    }
  });

  it('never waits less than the floor', () => {
    expect(backoffDelay({ ...policy, minMs: 250 }, 1, 0, () => 0)).toBe(250);
  });

  it('waits as long as the server asked when that is longer', () => {
    expect(backoffDelay(policy, 1, 7000.5, () => 1)).toBe(7001);
    expect(backoffDelay(policy, 10, 100, () => 1)).toBe(60_000);
  });

  it.each([0, -3, Number.NaN, 0.5])('treats %s failures as the first', (failures) => {
    expect(backoffDelay(policy, failures, 0, () => 1)).toBe(500);
  });
});

describe('Backoff', () => {
  it('counts failures until reset', () => {
    const b = new Backoff(policy, () => 1);
    expect([b.next(), b.next(), b.next()]).toEqual([500, 1000, 2000]);
    expect(b.failures).toBe(3);
    b.reset();
    expect(b.next()).toBe(500);
  });
});
