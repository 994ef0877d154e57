import { afterEach, describe, expect, it } from 'vitest';
import { WebAPIHTTPError, WebAPIRateLimitedError, WebClient } from '@slack/web-api';
import { Buckets, DEFAULT_LIMITS } from '../../../simulators/slack/limits.js';
import { createSimWorld, errorOf, type SimWorld } from './helpers.js';

let w: SimWorld | undefined;
afterEach(async () => {
  await w?.sim.close();
  w = undefined;
});

describe('rate limits', () => {
  it('limits chat.postMessage per author and channel with a token bucket', () => {
    // Slack's "about one per second" (the default, 1/s with a burst of 3), on a given clock.
    const buckets = new Buckets();
    const { perSecond, burst } = DEFAULT_LIMITS.postPerChannel as {
      perSecond: number;
      burst: number;
    };
    const t0 = 1_000_000;
    expect([0, 1, 2].map(() => buckets.take('k', perSecond, burst, t0))).toEqual([0, 0, 0]);
    expect(buckets.take('k', perSecond, burst, t0)).toBe(1000);
    expect(buckets.take('k', perSecond, burst, t0 + 400)).toBe(600);
    expect(buckets.take('k', perSecond, burst, t0 + 1000)).toBe(0);
    expect(buckets.take('other', perSecond, burst, t0 + 1000)).toBe(0);
  });

  it('refuses chat.postMessage over the allowance with Retry-After, per author and channel', async () => {
    // One post per 10 s: the three posts below land in one allowance however slow the machine.
    w = await createSimWorld({ rateLimits: { postPerChannel: { perSecond: 0.1, burst: 2 } } });
    const post = () => w!.bot.chat.postMessage({ channel: w!.channelId, text: 'x' });
    await post();
    await post();
    const err = await post().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebAPIRateLimitedError);
    const { retryAfter } = err as WebAPIRateLimitedError;
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(10);
    // Another author, or another channel, has its own allowance.
    await w.alice.client.chat.postMessage({ channel: w.channelId, text: 'alice' });
    // Waiting out Retry-After is a lower bound on time, which load only lengthens.
    await new Promise((r) => setTimeout(r, retryAfter * 1000 + 50));
    await post();
  });

  it('lets a default WebClient wait out Retry-After and retry by itself', async () => {
    // One post per 10 s: the second post is refused however long the first one took.
    w = await createSimWorld({ rateLimits: { postPerChannel: { perSecond: 0.1, burst: 1 } } });
    const patient = new WebClient(w.app.botToken, { slackApiUrl: w.sim.apiUrl });
    const t0 = Date.now();
    await patient.chat.postMessage({ channel: w.channelId, text: 'one' });
    await patient.chat.postMessage({ channel: w.channelId, text: 'two' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(w.sim.messages(w.channelId).map((m) => m.text)).toEqual(['one', 'two']);
    expect(w.sim.requestLog().filter((e) => e.status === 429)).toHaveLength(1);
  });

  it('limits methods by tier, per token', async () => {
    w = await createSimWorld();
    // Tier 1 (apps.connections.open) tolerates a burst of 20 and then refills once a minute.
    w.sim.setEventDelivery(w.app.appId, { mode: 'socket' });
    const app = w.client(w.app.appToken);
    for (let i = 0; i < 20; i++) await app.apps.connections.open();
    const err = await app.apps.connections.open().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebAPIRateLimitedError);
    expect((err as WebAPIRateLimitedError).retryAfter).toBeGreaterThan(1);
    w.sim.setRateLimit({ tiers: false });
    await app.apps.connections.open();
  });

  it('applies the 2025 history limits of non-Marketplace apps on request', async () => {
    w = await createSimWorld({ rateLimits: { history: 'non_marketplace', postPerChannel: false } });
    for (let i = 0; i < 20; i++) {
      await w.alice.client.chat.postMessage({ channel: w.channelId, text: `m${i}` });
    }
    const page = await w.bot.conversations.history({ channel: w.channelId, limit: 200 });
    expect(page.messages).toHaveLength(15);
    expect(page.has_more).toBe(true);
    const err = await w.bot.conversations.history({ channel: w.channelId }).catch((e) => e);
    expect((err as WebAPIRateLimitedError).retryAfter).toBeGreaterThanOrEqual(59);
  });
});

describe('injected failures', () => {
  it('answers server errors, rate limits and platform errors on the chosen method only', async () => {
    w = await createSimWorld();
    w.sim.injectFailures({ method: 'chat.postMessage', status: 503, count: 1 });
    w.sim.injectFailures({ method: 'chat.postMessage', status: 429, retryAfterSec: 2, count: 1 });
    w.sim.injectFailures({ method: 'users.info', error: 'fatal_error', count: 1 });
    await w.bot.auth.test();
    const first = await w.bot.chat.postMessage({ channel: w.channelId, text: 'x' }).catch((e) => e);
    expect(first).toBeInstanceOf(WebAPIHTTPError);
    expect((first as WebAPIHTTPError).statusCode).toBe(503);
    const second = await w.bot.chat
      .postMessage({ channel: w.channelId, text: 'x' })
      .catch((e) => e);
    expect((second as WebAPIRateLimitedError).retryAfter).toBe(2);
    expect(await errorOf(w.bot.users.info({ user: w.alice.id }))).toBe('fatal_error');
    await w.bot.chat.postMessage({ channel: w.channelId, text: 'x' });
    expect(w.sim.messages(w.channelId)).toHaveLength(1);
  });
});
