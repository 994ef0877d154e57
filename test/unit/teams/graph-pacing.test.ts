/** Graph reads wait for the shared pacer; a 429 holds every read of the key; writes pass. */
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { describe, expect, it } from 'vitest';
import { ReadPacingHandler } from '../../../connectors/teams/graph-pacing.js';
import { RatePacer } from '../../../src/connector/rate-pacer.js';

/** `burst` 10 keeps the bucket out of the way, so any wait comes from a 429's pause. */
function world(status = 200, retryAfter?: string, burst = 1) {
  let now = 0;
  const sleeps: number[] = [];
  const pacer = new RatePacer({
    limits: [{ burst, perSecond: 1 }],
    label: 'Graph',
    maxWaitMs: 10 * 60_000,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  });
  let sent = 0;
  const next: Middleware = {
    execute: async (context: Context) => {
      sent++;
      const headers = new Headers(retryAfter ? { 'retry-after': retryAfter } : {});
      context.response = new Response(null, { status, headers });
    },
  };
  const handler = new ReadPacingHandler({ pacer, key: 'app' });
  handler.setNext(next);
  const call = (method: string) =>
    handler.execute({ request: 'https://graph.test/v1.0/me', options: { method } } as Context);
  return { call, sleeps, sent: () => sent };
}

describe('Graph read pacing', () => {
  it('paces reads and lets writes through unpaced', async () => {
    const w = world();
    await w.call('GET');
    await w.call('GET');
    await w.call('POST');
    await w.call('PATCH');
    expect(w.sleeps).toEqual([1000]);
    expect(w.sent()).toBe(4);
  });

  it('holds the next read for a 429’s Retry-After', async () => {
    const w = world(429, '120', 10);
    await w.call('GET');
    await w.call('GET');
    expect(w.sleeps).toEqual([120_000]);
  });

  it.each(['garbage', '-1', ''])('holds for a second when Retry-After is %j', async (value) => {
    const w = world(429, value, 10);
    await w.call('GET');
    await w.call('GET');
    expect(w.sleeps).toEqual([1000]);
  });
});
