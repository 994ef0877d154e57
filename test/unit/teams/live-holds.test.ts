/** Catch-up reads stop short of the live activities of a conversation still being handled. */
import { describe, expect, it } from 'vitest';
import { LiveHolds } from '../../../connectors/teams/live-holds.js';

describe('LiveHolds', () => {
  it('limits a read to just before the oldest activity held in that conversation only', () => {
    const holds = new LiveHolds();
    expect(holds.limit('a')).toBe(Number.POSITIVE_INFINITY);
    const late = holds.hold('a', 2000);
    const early = holds.hold('a', 1000);
    holds.hold('b', 500);
    expect(holds.limit('a')).toBe(999);
    early();
    expect(holds.limit('a')).toBe(1999);
    late();
    expect(holds.limit('a')).toBe(Number.POSITIVE_INFINITY);
    expect(holds.limit('b')).toBe(499);
  });

  it('releases each hold once, even when two activities share a time', () => {
    const holds = new LiveHolds();
    const first = holds.hold('a', 1000);
    holds.hold('a', 1000);
    first();
    first();
    expect(holds.limit('a')).toBe(999);
  });
});
