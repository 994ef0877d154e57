import type { Post } from '@mattermost/types/posts';
import { afterEach, describe, expect, it } from 'vitest';
import { api, ClientError, createWorld, type World } from './helpers.js';
import { loadSpec } from './spec.js';

const spec = loadSpec();
let w: World | undefined;

afterEach(async () => {
  await w?.sim.close();
  w = undefined;
});

describe('rate limiting', () => {
  it('answers 429 "limit exceeded" with Retry-After and X-RateLimit headers per token', async () => {
    w = await createWorld({ rateLimit: { perSecond: 0.1, burst: 2 } });
    const remaining: Array<string | null> = [];
    for (let i = 0; i < 3; i++) {
      const ok = await api(w.sim, w.alice.token, '/users/me');
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-ratelimit-limit')).toBe('3');
      expect(ok.headers.get('retry-after')).toBeNull();
      remaining.push(ok.headers.get('x-ratelimit-remaining'));
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const limited = await api(w.sim, w.alice.token, '/users/me');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await limited.text()).toBe('limit exceeded\n');
    expect(limited.headers.get('retry-after')).toBe('10');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBe(30);

    // Another token has its own bucket.
    expect((await api(w.sim, w.bob.token, '/users/me')).status).toBe(200);

    // Client4 sees a ClientError, but the plain-text body leaves it without a status code.
    const err = (await w.alice.client.getMe().catch((e: unknown) => e)) as InstanceType<
      typeof ClientError
    >;
    expect(err).toBeInstanceOf(ClientError);
    expect(err.status_code).toBeUndefined();

    w.sim.setRateLimit(false);
    const free = await api(w.sim, w.alice.token, '/users/me');
    expect(free.status).toBe(200);
    expect(free.headers.get('x-ratelimit-limit')).toBeNull();
    expect(
      w.sim
        .requestLog()
        .filter((e) => e.status === 429)
        .map((e) => e.path),
    ).toEqual(['/api/v4/users/{user_id}', '/api/v4/users/{user_id}']);
  });
});

describe('injected failures', () => {
  it('fails the next matching requests with 500/503 JSON or 429 + Retry-After, then recovers', async () => {
    w = await createWorld();
    w.sim.injectFailures({ status: 500, count: 2, pathPattern: /\/posts$/ });
    const create = () =>
      w!.alice.client.createPost({ channel_id: w!.channelId, message: 'hi' } as Post);
    expect((await w.alice.client.getMe()).id).toBe(w.alice.id); // not matched
    for (let i = 0; i < 2; i++) {
      const e = (await create().catch((x: unknown) => x)) as InstanceType<typeof ClientError>;
      expect(e).toBeInstanceOf(ClientError);
      expect(e.status_code).toBe(500);
    }
    expect((await create()).message).toBe('hi');

    w.sim.injectFailures({ status: 503, count: 1 });
    const res = await api(w.sim, w.alice.token, '/users/me');
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('application/json');
    spec.check(spec.schema('AppError'), await res.json());

    w.sim.injectFailures({ status: 429, count: 1, retryAfterSec: 7 });
    const limited = await api(w.sim, w.alice.token, '/users/me');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(await limited.text()).toBe('limit exceeded\n');
    expect((await api(w.sim, w.alice.token, '/users/me')).status).toBe(200);

    const log = w.sim.requestLog();
    expect(
      log.filter((e) => e.path === '/api/v4/posts').map((e) => `${e.method} ${e.status}`),
    ).toEqual(['POST 500', 'POST 500', 'POST 201']);
    expect(w.sim.posts(w.channelId)).toHaveLength(1);
  });
});

describe('body limits', () => {
  it('answers 413 for JSON bodies over the limit, also when streamed without a length', async () => {
    w = await createWorld({ maxJsonBody: 1000 });
    const chunk = new TextEncoder().encode(
      JSON.stringify({ channel_id: w.channelId, message: 'x'.repeat(600) }),
    );
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(chunk);
        controller.enqueue(chunk);
        controller.close();
      },
    });
    const res = await api(w.sim, w.alice.token, '/posts', {
      method: 'POST',
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toBe('application/json');
    spec.check(spec.schema('AppError'), await res.json());
    expect(w.sim.posts(w.channelId)).toEqual([]);
  });
});
