import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rest, startWorld, type World } from './helpers.js';

let w: World;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w?.sim.close();
});

describe('rate limits and injected failures', () => {
  it('limits calls per user and endpoint, with X-RateLimit-Reset in epoch ms and Retry-After', async () => {
    // A 10 s window: the three calls below land in it even when the machine stalls for
    // seconds (waiting it out below is a lower bound, so it only costs time).
    w.sim.setRateLimit({ calls: 2, windowMs: 10_000 });
    const api = rest(w.sim, w.alice);
    const first = await api.get('me');
    expect(first.headers.get('x-ratelimit-limit')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
    const reset = Number(first.headers.get('x-ratelimit-reset'));
    expect(reset).toBeGreaterThan(Date.now());
    expect(reset).toBeLessThanOrEqual(Date.now() + 10_000);
    await api.get('me');
    const refused = await api.get('me');
    expect(refused.status).toBe(429);
    expect(refused.body.success).toBe(false);
    expect(String(refused.body.error)).toMatch(/too many requests/i);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Another endpoint and another user have their own budgets.
    expect((await api.get('users.info', { username: 'bob' })).status).toBe(200);
    expect((await rest(w.sim, w.bob).get('me')).status).toBe(200);
    // Waiting out the window is a lower bound on time, which load only lengthens.
    await new Promise((r) => setTimeout(r, Math.max(0, reset - Date.now()) + 20));
    expect((await api.get('me')).status).toBe(200);
    w.sim.setRateLimit(false);
  });

  it('injects 429 and 5xx failures for matching paths only', async () => {
    w.sim.injectFailures({
      status: 429,
      count: 1,
      retryAfterMs: 2000,
      pathPattern: /chat\.sendMessage$/,
    });
    const api = rest(w.sim, w.alice);
    expect((await api.get('me')).status).toBe(200);
    const sentAt = Date.now();
    const limited = await api.post('chat.sendMessage', { message: { rid: w.room._id, msg: 'x' } });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    // The server stamped it at least 2 s after the request was sent, however slow the answer.
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(sentAt + 2000);
    w.sim.injectFailures({ status: 503, count: 1 });
    const down = await api.get('me');
    expect(down.status).toBe(503);
    expect(down.body.success).toBe(false);
    expect(
      (await api.post('chat.sendMessage', { message: { rid: w.room._id, msg: 'y' } })).status,
    ).toBe(200);
    expect(w.sim.messages(w.room._id).map((m) => m.msg)).toEqual(['y']);
    expect(
      w.sim.requestLog().some((e) => e.path === '/api/v1/chat.sendMessage' && e.status === 429),
    ).toBe(true);
  });
});
