/** Token buckets per key, a shared Retry-After pause, and long waits handed to the core. */
import { describe, expect, it } from 'vitest';
import { RemoteApiError } from '../../../src/connector/errors.js';
import { RatePacer, type RatePacerOptions } from '../../../src/connector/rate-pacer.js';

/** A pacer on a fake clock whose sleeps advance the clock and are recorded. */
function fakePacer(o: Partial<RatePacerOptions> = {}) {
  let now = 1_000_000;
  const sleeps: number[] = [];
  const pacer = new RatePacer({
    limits: [{ burst: 3, perSecond: 1 }],
    label: 'Test API',
    ...o,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  });
  return { pacer, sleeps, advance: (ms: number) => (now += ms), now: () => now };
}

describe('RatePacer', () => {
  it('lets a burst through, then one per refill interval', async () => {
    const { pacer, sleeps } = fakePacer();
    for (let i = 0; i < 5; i++) await pacer.take('chan');
    expect(sleeps).toEqual([1000, 1000]);
  });

  it('keeps keys apart', async () => {
    const { pacer, sleeps } = fakePacer({ limits: [{ burst: 1, perSecond: 1 }] });
    await pacer.take('a');
    await pacer.take('b');
    expect(sleeps).toEqual([]);
  });

  it('needs a token from every bucket (per second and per hour)', async () => {
    const { pacer, sleeps } = fakePacer({
      limits: [
        { burst: 2, perSecond: 10 },
        { burst: 3, perSecond: 1 / 60 },
      ],
      maxWaitMs: 120_000,
    });
    for (let i = 0; i < 4; i++) await pacer.take('k');
    expect(sleeps).toEqual([100, 59_900]);
  });

  it('refills after a quiet spell, never above the burst', async () => {
    const { pacer, sleeps, advance } = fakePacer();
    for (let i = 0; i < 3; i++) await pacer.take('k');
    advance(3_600_000);
    for (let i = 0; i < 3; i++) await pacer.take('k');
    expect(sleeps).toEqual([]);
    await pacer.take('k');
    expect(sleeps).toEqual([1000]);
  });

  it('pauses everyone sharing a key after a 429, for its Retry-After', async () => {
    const { pacer, sleeps } = fakePacer({ limits: [{ burst: 100, perSecond: 100 }] });
    const refused = RemoteApiError.fromStatus(429, 'slow down', 5000);
    await expect(pacer.run('k', () => Promise.reject(refused))).rejects.toBe(refused);
    await pacer.run('k', async () => 'later');
    expect(sleeps).toEqual([5000]);
    await pacer.take('other');
    expect(sleeps).toEqual([5000]);
  });

  it('does not pause on failures other than 429', async () => {
    const { pacer, sleeps } = fakePacer();
    const broken = RemoteApiError.fromStatus(503, 'down', 5000);
    await expect(pacer.run('k', () => Promise.reject(broken))).rejects.toBe(broken);
    await pacer.take('k');
    expect(sleeps).toEqual([]);
  });

  it('hands a wait longer than maxWaitMs back as a retryable RATE_LIMITED error', async () => {
    const { pacer, sleeps } = fakePacer({ maxWaitMs: 10_000 });
    pacer.pause('k', 30_000);
    const err = await pacer.take('k').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteApiError);
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryable: true, retryAfterMs: 30_000 });
    expect((err as Error).message).toMatch(/Test API is rate-limited \(k\) for another 30 s/);
    expect(sleeps).toEqual([]);
  });

  it('credits no refill while a request is in flight: the next leaves a full interval after the answer', async () => {
    const { pacer, sleeps, advance, now } = fakePacer({ limits: [{ burst: 1, perSecond: 1 }] });
    const arrivals: number[] = [];
    for (let i = 0; i < 3; i++) {
      await pacer.run('chan', async () => {
        advance(300); // reaches the platform 300 ms after it left ...
        arrivals.push(now());
        advance(400); // ... and is answered 400 ms later
      });
    }
    // Crediting the flight would let the next leave 300 ms after an answer (1000 - 700).
    expect(sleeps).toEqual([1000, 1000]);
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(1000);
    expect(arrivals[2]! - arrivals[1]!).toBeGreaterThanOrEqual(1000);
  });

  it('a caller that takes tokens itself reports the answer with answered()', async () => {
    const { pacer, sleeps, advance } = fakePacer({ limits: [{ burst: 1, perSecond: 2 }] });
    await pacer.take('k');
    advance(800);
    pacer.answered('k');
    await pacer.take('k');
    expect(sleeps).toEqual([500]);
  });

  it('without limits only holds pauses', async () => {
    const { pacer, sleeps } = fakePacer({ limits: [] });
    for (let i = 0; i < 100; i++) await pacer.take('k');
    pacer.pause('k', 2500);
    await pacer.take('k');
    expect(sleeps).toEqual([2500]);
  });

  it.each([
    [{ burst: 0, perSecond: 1 }],
    [{ burst: 1, perSecond: 0 }],
    [{ burst: Number.NaN, perSecond: 1 }],
    [{ burst: 1, perSecond: -1 }],
  ])('refuses a limit that could never grant a token: %j', (limit) => {
    expect(() => new RatePacer({ limits: [limit], label: 'x' })).toThrow(RangeError);
  });
});
