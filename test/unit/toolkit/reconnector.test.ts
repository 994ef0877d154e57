/** The reconnect loop: back-off between failures, reset on success, nothing after stop. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OrderedTasks, Reconnector } from '../../../src/connector/reconnector.js';

const POLICY = { initialMs: 100, maxMs: 1000, minMs: 100 };

describe('Reconnector', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('makes the first attempt at start and each retry only after a back-off', () => {
    const attempt = vi.fn();
    const r = new Reconnector(POLICY, attempt);
    r.start();
    expect(attempt).toHaveBeenCalledTimes(1);
    r.retry();
    vi.advanceTimersByTime(99);
    expect(attempt).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1000);
    expect(attempt).toHaveBeenCalledTimes(2);
  });

  it('waits at least what the caller asks (a Retry-After, a refused login)', () => {
    const attempt = vi.fn();
    const r = new Reconnector(POLICY, attempt);
    r.start();
    r.retry(5000);
    vi.advanceTimersByTime(4999);
    expect(attempt).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(attempt).toHaveBeenCalledTimes(2);
  });

  it('backs off longer after repeated failures and starts over once connected', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const attempt = vi.fn();
    const r = new Reconnector(POLICY, attempt);
    r.start();
    const waits: number[] = [];
    const waitOf = () => {
      const before = attempt.mock.calls.length;
      let waited = 0;
      while (attempt.mock.calls.length === before) {
        vi.advanceTimersByTime(10);
        waited += 10;
      }
      return waited;
    };
    for (let i = 0; i < 5; i++) {
      r.retry();
      waits.push(waitOf());
    }
    expect(waits).toEqual([100, 200, 400, 800, 1000]);
    r.connected();
    r.retry();
    expect(waitOf()).toBe(100);
  });

  it('with firstRetryAtOnce, retries at once after a connection that was up, then backs off', () => {
    const attempt = vi.fn();
    const r = new Reconnector(POLICY, attempt, { firstRetryAtOnce: true });
    r.start();
    r.connected();
    r.retry();
    vi.advanceTimersByTime(0);
    expect(attempt).toHaveBeenCalledTimes(2);
    r.retry();
    vi.advanceTimersByTime(0);
    expect(attempt).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(1000);
    expect(attempt).toHaveBeenCalledTimes(3);
  });

  it('makes no attempt after stop, neither a pending one nor a new one', () => {
    const attempt = vi.fn();
    const r = new Reconnector(POLICY, attempt);
    expect(r.stopped).toBe(true);
    r.retry();
    r.start();
    r.retry();
    r.stop();
    r.retry();
    vi.advanceTimersByTime(10_000);
    expect(attempt).toHaveBeenCalledTimes(1);
    expect(r.stopped).toBe(true);
  });
});

describe('OrderedTasks', () => {
  it('runs tasks one at a time in order, and a failure goes to onFailure without stopping the rest', async () => {
    const log: string[] = [];
    const failures: unknown[] = [];
    const tasks = new OrderedTasks((err) => failures.push(err));
    const slow = (name: string, ms: number) => async () => {
      log.push(`${name}:start`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      log.push(`${name}:end`);
    };
    tasks.run(slow('a', 20));
    tasks.run(async () => {
      throw new Error('not recorded');
    });
    tasks.run(slow('b', 1));
    await tasks.idle();
    expect(log).toEqual(['a:start', 'a:end', 'b:start', 'b:end']);
    expect(failures.map((e) => (e as Error).message)).toEqual(['not recorded']);
  });
});
