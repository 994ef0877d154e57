import { describe, expect, it } from 'vitest';
import { connectionOfTarget, TRAFFIC_MINUTES, TrafficCounter } from '../../../src/core/traffic.js';

const MINUTE = 60_000;

function clock(start = 1_000 * MINUTE) {
  const c = { t: start, now: () => c.t };
  return c;
}

describe('traffic per connection (the console chart)', () => {
  it('counts by minute, per connection and direction, oldest minute first', () => {
    const c = clock();
    const t = new TrafficCounter(c.now);
    t.record('chat', 'a', 'in');
    t.record('chat', 'a', 'in');
    t.record('chat', 'a', 'out');
    t.record('chat', 'b', 'out');
    c.t += MINUTE;
    t.record('chat', 'a', 'in', 3);
    const a = t.view('chat', 'a');
    expect(a.in).toHaveLength(TRAFFIC_MINUTES);
    expect(a.in.slice(-2)).toEqual([2, 3]);
    expect(a.out.slice(-2)).toEqual([1, 0]);
    expect(a.lastAt).toBe(c.t);
    expect(t.view('chat', 'b').out.slice(-2)).toEqual([1, 0]);
    expect(t.view('chat', 'b').in.every((n) => n === 0)).toBe(true);
  });

  it('forgets minutes older than an hour, however long the silence was', () => {
    for (const silence of [1, 30, 59, 60, 61, 500]) {
      const c = clock();
      const t = new TrafficCounter(c.now);
      t.record('chat', 'a', 'out', 7);
      c.t += silence * MINUTE;
      const out = t.view('chat', 'a').out;
      expect(
        out.reduce((s, n) => s + n, 0),
        `${silence} min`,
      ).toBe(silence < 60 ? 7 : 0);
      if (silence < 60) expect(out[TRAFFIC_MINUTES - 1 - silence], `${silence} min`).toBe(7);
      t.record('chat', 'a', 'out');
      expect(t.view('chat', 'a').out[TRAFFIC_MINUTES - 1], `${silence} min`).toBe(1);
    }
  });

  it('answers zeros and no last message for a connection that carried nothing', () => {
    const v = new TrafficCounter().view('chat', 'never');
    expect(v.in).toEqual(new Array(TRAFFIC_MINUTES).fill(0));
    expect(v.out).toEqual(new Array(TRAFFIC_MINUTES).fill(0));
    expect(v.lastAt).toBeNull();
  });

  it('finds the connection of a delivery target, and none for Matrix', () => {
    expect(connectionOfTarget('chat/agency-a/C1')).toEqual({
      connector: 'chat',
      workspace: 'agency-a',
    });
    expect(connectionOfTarget('chat/agency-a/a/b')).toEqual({
      connector: 'chat',
      workspace: 'agency-a',
    });
    expect(connectionOfTarget('matrix')).toBeUndefined();
  });
});
