import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimWorld, waitUntil, type SimWorld } from './helpers.js';
import { loadSlackSpec } from './spec.js';

const spec = loadSlackSpec();

interface Hit {
  headers: IncomingMessage['headers'];
  body: string;
  json: Record<string, unknown> & { event?: Record<string, unknown>; event_id?: string };
  /** When the test's server had the whole request (ms since the epoch). */
  receivedAt: number;
}

let w: SimWorld | undefined;
let server: Server | undefined;

afterEach(async () => {
  await w?.sim.close();
  server?.closeAllConnections();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  w = undefined;
  server = undefined;
});

/** An answer, or `'never'`: the request is left hanging until the sender gives up. */
type Answer = { status: number; body?: string } | 'never';

/** An endpoint that records every request and answers with `answer(hit, n)`. */
async function endpoint(
  answer: (hit: Hit, n: number) => Answer,
): Promise<{ url: string; hits: Hit[] }> {
  const hits: Hit[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const hit: Hit = {
        headers: req.headers,
        body,
        json: JSON.parse(body) as Hit['json'],
        receivedAt: Date.now(),
      };
      hits.push(hit);
      const a = answer(hit, hits.length);
      if (a !== 'never') res.writeHead(a.status).end(a.body ?? '');
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/events`, hits };
}

function validSignature(secret: string, hit: Hit): boolean {
  const ts = String(hit.headers['x-slack-request-timestamp']);
  const expected = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${hit.body}`).digest('hex')}`;
  const got = String(hit.headers['x-slack-signature']);
  return got.length === expected.length && timingSafeEqual(Buffer.from(got), Buffer.from(expected));
}

describe('Events API over HTTP', () => {
  it('POSTs signed events, in order, to the Request URL', async () => {
    w = await createSimWorld({ rateLimits: { postPerChannel: false } });
    const { url, hits } = await endpoint(() => ({ status: 200 }));
    w.sim.setEventDelivery(w.app.appId, { mode: 'http', requestUrl: url });
    const postedFrom = Math.floor(Date.now() / 1000);
    for (const text of ['one', 'two', 'three']) {
      await w.alice.client.chat.postMessage({ channel: w.channelId, text });
    }
    await waitUntil('three deliveries', () => hits.length >= 3);
    expect(hits.map((h) => h.json.event?.text)).toEqual(['one', 'two', 'three']);
    for (const hit of hits) {
      expect(validSignature(w.app.signingSecret, hit)).toBe(true);
      // Stamped when sent: after the posts began, before the request arrived.
      const stamped = Number(hit.headers['x-slack-request-timestamp']);
      expect(stamped).toBeGreaterThanOrEqual(postedFrom);
      expect(stamped).toBeLessThanOrEqual(Math.ceil(hit.receivedAt / 1000));
      expect(hit.headers['x-slack-retry-num']).toBeUndefined();
      spec.check(spec.eventWrapper(), hit.json, 'event wrapper');
    }
    expect(validSignature('not-the-secret', hits[0]!)).toBe(false);
  });

  it('retries failed and slow deliveries with x-slack-retry-num and -reason', async () => {
    // The second answer never comes, so only the simulator's deadline ends it; the deadline
    // is long enough that a prompt answer meets it even when the machine stalls.
    w = await createSimWorld({ httpEvents: { timeoutMs: 8000, retryDelaysMs: [50, 50, 50] } });
    const { url, hits } = await endpoint((_hit, n) =>
      n === 1 ? { status: 500 } : n === 2 ? 'never' : { status: 200 },
    );
    w.sim.setEventDelivery(w.app.appId, { mode: 'http', requestUrl: url });
    await w.alice.client.chat.postMessage({ channel: w.channelId, text: 'retry me' });
    await waitUntil('three attempts', () => hits.length >= 3);
    expect(hits.map((h) => h.json.event_id)).toEqual(Array(3).fill(hits[0]!.json.event_id));
    expect(hits[1]!.headers).toMatchObject({
      'x-slack-retry-num': '1',
      'x-slack-retry-reason': 'http_error',
    });
    expect(hits[2]!.headers).toMatchObject({
      'x-slack-retry-num': '2',
      'x-slack-retry-reason': 'http_timeout',
    });
    // The third answer is logged as a success: only a failed attempt is ever retried.
    await waitUntil('the third answer', () => w!.sim.deliveries()[2]?.status === 200);
    expect(hits).toHaveLength(3);
    expect(w.sim.deliveries().map((d) => d.failure)).toEqual([
      'http_error',
      'http_timeout',
      undefined,
    ]);
  });

  it('gives up after three retries', async () => {
    w = await createSimWorld({ httpEvents: { retryDelaysMs: [20, 20, 20] } });
    const { url, hits } = await endpoint(() => ({ status: 401 }));
    w.sim.setEventDelivery(w.app.appId, { mode: 'http', requestUrl: url });
    await w.alice.client.chat.postMessage({ channel: w.channelId, text: 'refused' });
    await waitUntil('four attempts', () => hits.length >= 4);
    // A marker event goes through the same four attempts, 20 ms apart: a fifth attempt of
    // the first, due 20 ms after its fourth, would come before the marker's fourth.
    await w.alice.client.chat.postMessage({ channel: w.channelId, text: 'marker' });
    const ofMarker = () => hits.filter((h) => h.json.event?.text === 'marker');
    await waitUntil('four attempts of the marker', () => ofMarker().length >= 4);
    const first = hits.filter((h) => h.json.event?.text === 'refused');
    expect(first.map((h) => h.headers['x-slack-retry-num'])).toEqual([undefined, '1', '2', '3']);
  });

  it('verifies a Request URL with the url_verification challenge', async () => {
    w = await createSimWorld();
    const { url, hits } = await endpoint((hit) => ({
      status: 200,
      body: JSON.stringify({ challenge: hit.json.challenge }),
    }));
    w.sim.setEventDelivery(w.app.appId, { mode: 'http', requestUrl: url });
    expect(await w.sim.verifyRequestUrl(w.app.appId)).toBe(true);
    expect(hits[0]!.json).toMatchObject({
      type: 'url_verification',
      token: w.app.verificationToken,
    });
    expect(validSignature(w.app.signingSecret, hits[0]!)).toBe(true);
    server!.closeAllConnections();
    server!.close();
    const wrong = await endpoint(() => ({ status: 200, body: '{"challenge":"nope"}' }));
    w.sim.setEventDelivery(w.app.appId, { mode: 'http', requestUrl: wrong.url });
    expect(await w.sim.verifyRequestUrl(w.app.appId)).toBe(false);
  });

  it('sends edits, deletions and reactions with their Slack shapes', async () => {
    w = await createSimWorld();
    const { url, hits } = await endpoint(() => ({ status: 200 }));
    w.sim.setEventDelivery(w.app.appId, { mode: 'http', requestUrl: url });
    const { ts } = await w.alice.client.chat.postMessage({ channel: w.channelId, text: 'v1' });
    await w.alice.client.chat.update({ channel: w.channelId, ts: ts!, text: 'v2' });
    await w.bob.client.reactions.add({ channel: w.channelId, timestamp: ts!, name: 'tada' });
    await w.bob.client.reactions.remove({ channel: w.channelId, timestamp: ts!, name: 'tada' });
    await w.alice.client.chat.delete({ channel: w.channelId, ts: ts! });
    await waitUntil('five events', () => hits.length >= 5);
    const events = hits.map((h) => h.json.event!);
    expect(events[1]).toMatchObject({
      subtype: 'message_changed',
      hidden: true,
      message: { ts, text: 'v2', edited: { user: w.alice.id } },
      previous_message: { ts, text: 'v1' },
    });
    expect(events[2]).toMatchObject({
      type: 'reaction_added',
      user: w.bob.id,
      reaction: 'tada',
      item: { type: 'message', channel: w.channelId, ts },
      item_user: w.alice.id,
    });
    expect(events[3]!.type).toBe('reaction_removed');
    expect(events[4]).toMatchObject({ subtype: 'message_deleted', deleted_ts: ts, hidden: true });
    spec.check(
      spec.definition('objs_message'),
      (events[1] as { message: unknown }).message,
      'edited message',
    );
  });
});
