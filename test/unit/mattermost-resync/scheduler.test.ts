import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../harness/wait.js';
import { RemoteApiError } from '../../../src/connector/errors.js';
import {
  ResyncScheduler,
  sweepOrder,
  type ResyncOptions,
} from '../../../connectors/mattermost/resync.js';

const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const fast: ResyncOptions = {
  priorityConcurrency: 4,
  sweepConcurrency: 2,
  sweepDelayMs: 0,
  sweepPauseMs: 0,
  retryDelayMs: 10,
};

/**
 * A resync function that records calls, overlap per channel and overall concurrency. A
 * channel in `held` does not finish until the test calls `release(channel)`, so a test can
 * act while that catch-up is certainly running.
 */
function fakeResync(delayMs = 5) {
  const calls: string[] = [];
  const done: string[] = [];
  const active = new Set<string>();
  const fail = new Map<string, Error[]>();
  const state = { inFlight: 0, maxInFlight: 0, overlaps: 0 };
  const gates = new Map<string, { opened: Promise<void>; open: () => void }>();
  const hold = (channel: string) => {
    let open!: () => void;
    const opened = new Promise<void>((r) => (open = r));
    gates.set(channel, { opened, open });
  };
  const release = (channel: string) => {
    gates.get(channel)?.open();
    gates.delete(channel);
  };
  const running = (channel: string) =>
    waitFor(() => active.has(channel), { what: `the catch-up of ${channel} to be running` });
  const resync = async (channel: string) => {
    calls.push(channel);
    if (active.has(channel)) state.overlaps++;
    active.add(channel);
    state.inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    try {
      await sleep(delayMs);
      await gates.get(channel)?.opened;
      const err = fail.get(channel)?.shift();
      if (err) throw err;
      done.push(channel);
    } finally {
      state.inFlight--;
      active.delete(channel);
    }
  };
  return { resync, calls, done, fail, state, hold, release, running };
}

const names = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);

describe('ResyncScheduler', () => {
  it('catches up the changed channels (4 at a time) before resolving; the rest later, 2 at a time', async () => {
    const f = fakeResync();
    const s = new ResyncScheduler(f.resync, { ...fast, sweepDelayMs: 50 }, log);
    const changed = names('c', 12);
    const idle = names('u', 10);
    expect(await s.start({ changed, sweep: idle })).toBe(true);
    expect([...f.done].sort()).toEqual(changed);
    expect(f.state.maxInFlight).toBe(4);
    f.state.maxInFlight = 0;
    await s.sweepDone;
    expect(f.done.slice(12)).toEqual(idle);
    expect(f.state.maxInFlight).toBe(2);
    expect(s.pendingCount).toBe(0);
  });

  it('runs a pending channel at once for a live event, and never twice at the same time', async () => {
    const f = fakeResync(20);
    const s = new ResyncScheduler(f.resync, { ...fast, sweepDelayMs: 10_000 }, log);
    await s.start({ changed: [], sweep: ['a', 'b'] });
    // The sweep waits: a live event in b catches b up now, and only b.
    await s.ensure('b');
    expect(f.calls).toEqual(['b']);
    // Already caught up this round: nothing to do.
    await s.ensure('b');
    expect(f.calls).toEqual(['b']);
    // A new round (a reconnection) while a's catch-up is running: the new one waits for it.
    f.hold('a');
    const first = s.start({ changed: ['a'], sweep: [] });
    await f.running('a');
    const second = s.start({ changed: ['a'], sweep: ['b'] });
    const live = s.ensure('a');
    f.release('a');
    expect(await first).toBe(false);
    expect(await second).toBe(true);
    await live;
    expect(f.state.overlaps).toBe(0);
    expect(f.calls.filter((c) => c === 'a')).toHaveLength(2);
    await s.stop();
  });

  it('makes a live event wait for its channel’s running catch-up', async () => {
    const f = fakeResync();
    const s = new ResyncScheduler(f.resync, fast, log);
    f.hold('x');
    const started = s.start({ changed: ['x'], sweep: [] });
    await f.running('x');
    // The live event goes on only once the catch-up is over.
    const live = s.ensure('x').then(() => [...f.done]);
    f.release('x');
    expect(await live).toEqual(['x']);
    expect(await started).toBe(true);
    expect(f.calls).toEqual(['x']);
  });

  it('tries a failed changed channel again first in the sweep, and drops refused ones', async () => {
    const f = fakeResync(1);
    f.fail.set('flaky', [new RemoteApiError({ message: '503', status: 503, retryable: true })]);
    f.fail.set('gone', [new RemoteApiError({ message: '403', status: 403, retryable: false })]);
    const s = new ResyncScheduler(f.resync, fast, log);
    expect(await s.start({ changed: ['flaky', 'gone', 'ok'], sweep: ['later'] })).toBe(true);
    await s.sweepDone;
    expect(f.done.sort()).toEqual(['flaky', 'later', 'ok']);
    expect(f.calls.filter((c) => c === 'gone')).toHaveLength(1);
  });

  it('a live event in a channel whose catch-up fails gets the error (the socket then reconnects)', async () => {
    const f = fakeResync(1);
    f.fail.set('x', [new Error('database down')]);
    const s = new ResyncScheduler(f.resync, { ...fast, sweepDelayMs: 10_000 }, log);
    await s.start({ changed: [], sweep: ['x'] });
    await expect(s.ensure('x')).rejects.toThrow('database down');
    // Still pending: the next event tries again.
    await s.ensure('x');
    expect(f.done).toEqual(['x']);
    await s.stop();
  });

  it('stop() ends the sweep after the catch-ups running, and reports where it got to', async () => {
    const f = fakeResync(10);
    const swept: string[] = [];
    const s = new ResyncScheduler(f.resync, { ...fast, sweepConcurrency: 1 }, log, (c) =>
      swept.push(c),
    );
    await s.start({ changed: [], sweep: names('u', 50) });
    await waitFor(() => f.calls.length >= 3, { what: 'the sweep under way' });
    await s.stop();
    const n = f.calls.length;
    expect(n).toBeLessThan(50);
    expect(f.state.inFlight).toBe(0);
    // stop() resolved after the sweep's loop returned: nothing can start after it.
    await s.sweepDone;
    expect(f.calls).toHaveLength(n);
    expect(swept).toEqual(f.done);
  });
});

describe('sweepOrder', () => {
  it('resumes after the last channel swept, wrapping around', () => {
    expect(sweepOrder(['d', 'b', 'a', 'c'], undefined)).toEqual(['a', 'b', 'c', 'd']);
    expect(sweepOrder(['d', 'b', 'a', 'c'], 'b')).toEqual(['c', 'd', 'a', 'b']);
    expect(sweepOrder(['d', 'b', 'a', 'c'], 'bb')).toEqual(['c', 'd', 'a', 'b']);
    expect(sweepOrder(['d', 'b', 'a', 'c'], 'd')).toEqual(['a', 'b', 'c', 'd']);
  });
});
