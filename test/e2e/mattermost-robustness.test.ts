/**
 * The Mattermost portal under bad input and platform trouble: forged or malformed
 * transactions, oversized messages, unknown rooms, a dropped WebSocket, rate limits and
 * server errors. Everything is checked from a Matrix client and from the Mattermost API.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Post } from '@mattermost/types/posts';
import type { BridgeApp } from '../../src/app/bridge-app.js';
import type { IngressConfig } from '../../src/config/schema.js';
import { DEFAULT_INGRESS, type IngressSettings } from '../../src/http/ingress-guard.js';
import { harness, type MatrixEvent } from '../harness/index.js';
import { E2E_WAIT_MS } from '../harness/wait.js';
import { createWorld, startBridge, type MattermostWorld } from './mattermost-fixture.js';

let world: MattermostWorld;
let bridge: BridgeApp;

const SEND_PATH = /^\/api\/v4\/posts$/;

function putTransaction(txnId: string, body: string, token: string): Promise<Response> {
  return fetch(`${world.slot.url}/_matrix/app/v1/transactions/${txnId}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
  });
}

function forgedEvent(roomId: string, body: string): Record<string, unknown> {
  return {
    event_id: `$forged-${Math.random().toString(36).slice(2)}`,
    room_id: roomId,
    sender: world.matrix.userId,
    type: 'm.room.message',
    origin_server_ts: Date.now(),
    content: { msgtype: 'm.text', body },
  };
}

const postsWith = (text: string) =>
  world.sim.posts(world.channelId).filter((p) => p.message.includes(text));

/** A failure notice's text as it reads now: its own body, or an edit's new content. */
const noticeBody = (e: MatrixEvent): string => {
  const fresh = e.content['m.new_content'] as { body?: unknown } | undefined;
  return String(fresh?.body ?? e.content.body ?? '');
};

const isNotice = (e: MatrixEvent): boolean =>
  e.sender === world.botUserId && e.content.msgtype === 'm.notice';

/** Failures in a burst are told in one notice that is edited, so look at edits too. */
async function failureNotice(text: string): Promise<MatrixEvent> {
  return world.matrix.waitForEvent(
    world.roomId,
    (e) => isNotice(e) && noticeBody(e).includes(text),
    60_000,
  );
}

/** What a failure notice must never show members: ids, codes, platform error texts. */
function expectNoInternals(body: string): void {
  for (const internal of [
    world.channelId,
    '$',
    'inbox',
    'api.',
    'app_error',
    'M_',
    ' at /',
    'Error:',
  ]) {
    expect(body, internal).not.toContain(internal);
  }
}

beforeAll(async () => {
  world = await createWorld();
  // The flood test's bodies never come and must stay held while a message crosses Synapse
  // and the bridge, which on a stalled machine can outlast the default 15 s body timeout.
  world.config.appservice.ingress = {
    ...configIngress(DEFAULT_INGRESS),
    body_timeout_ms: 10 * 60_000,
  };
  bridge = await startBridge(world);
});

function configIngress(s: IngressSettings): IngressConfig {
  return {
    max_connections_per_client: s.maxConnectionsPerClient,
    max_unread_bodies_per_client: s.maxUnreadBodiesPerClient,
    body_timeout_ms: s.bodyTimeoutMs,
    header_timeout_ms: s.headerTimeoutMs,
    retry_after_s: s.retryAfterS,
    refusal_log_interval_s: 60,
  };
}

afterAll(async () => {
  await bridge?.stop();
  await world?.close();
});

describe('appservice endpoint under bad input', () => {
  it('refuses a transaction with the wrong hs_token and processes none of it', async () => {
    const forged = JSON.stringify({ events: [forgedEvent(world.roomId, 'forged message')] });
    const res = await putTransaction('forged-1', forged, 'not-the-hs-token');
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ errcode: 'M_FORBIDDEN' });
    const missing = await fetch(`${world.slot.url}/_matrix/app/v1/transactions/forged-2`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: forged,
    });
    expect(missing.status).toBe(403);

    // A real message sent afterwards arrives; the forged one never does.
    await world.matrix.sendMessage(world.roomId, 'after the forgery');
    await world.waitForPosts(1, (p) => p.message.includes('after the forgery'));
    expect(postsWith('forged message')).toHaveLength(0);
  });

  it('answers malformed transactions with 400 and a Matrix error code', async () => {
    const token = world.slot.hsToken;
    const notJson = await putTransaction('bad-1', '{"events": [', token);
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ errcode: 'M_NOT_JSON' });
    const wrongShape = await putTransaction('bad-2', '{"events": "none"}', token);
    expect(wrongShape.status).toBe(400);
    expect(await wrongShape.json()).toMatchObject({ errcode: 'M_BAD_JSON' });
  });

  it('keeps taking Synapse’s transactions while its own address floods the listener', async () => {
    // Synapse reaches the bridge from loopback; so do these requests whose bodies never come.
    const { port } = new URL(world.slot.url);
    const stalled = `POST /_bridge/webhooks/none HTTP/1.1\r\nhost: b\r\ncontent-length: 100000\r\n\r\n`;
    const flood: Socket[] = [];
    for (let i = 0; i < 12; i++) {
      const s = connect(Number(port), '127.0.0.1', () => s.write(stalled));
      s.on('error', () => undefined);
      flood.push(s);
    }
    const probe = () =>
      fetch(`${world.slot.url}/_bridge/webhooks/none`, { method: 'POST', body: '{}' });
    try {
      // The listener sees the flood as its event loop accepts it: poll.
      let answer = await probe();
      const deadline = Date.now() + E2E_WAIT_MS;
      while (answer.status !== 429 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        answer = await probe();
      }
      expect(answer.status).toBe(429);
      expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
      // Synapse's transaction bodies come from the same address and are not held back.
      await world.matrix.sendMessage(world.roomId, 'through the flood');
      await world.waitForPosts(1, (p) => p.message.includes('through the flood'));
      expect((await probe()).status).toBe(429);
    } finally {
      for (const s of flood) s.destroy();
    }
  });

  it('ignores events for rooms that are not portals', async () => {
    const stray = forgedEvent(`!not-a-portal:${harness().serverName}`, 'stray message');
    const res = await putTransaction(
      'stray-1',
      JSON.stringify({ events: [stray] }),
      world.slot.hsToken,
    );
    expect(res.status).toBe(200);
    await world.matrix.sendMessage(world.roomId, 'after the stray event');
    await world.waitForPosts(1, (p) => p.message.includes('after the stray event'));
    expect(postsWith('stray message')).toHaveLength(0);
  });

  it('refuses an oversized message with a notice naming the limit, and sends nothing', async () => {
    const huge = `oversized ${'x'.repeat(world.config.bridge.max_text_length)}`;
    const eventId = await world.matrix.sendMessage(world.roomId, huge);
    const notice = await failureNotice('“oversized xxx');
    expect(noticeBody(notice)).toContain('bridge.max_text_length');
    expect(notice.content['m.relates_to']).toEqual({ 'm.in_reply_to': { event_id: eventId } });
    expectNoInternals(noticeBody(notice));
    expect(postsWith('oversized')).toHaveLength(0);
  });
});

describe('Matrix → Mattermost mentions', () => {
  it('turns a pill of a Mattermost ghost into @username and @room into @channel', async () => {
    await world.alice.client.createPost({ channel_id: world.channelId, message: 'hi' } as Post);
    const ghost = world.ghostOf(world.alice.id);
    await world.matrix.waitForEvent(world.roomId, (e) => e.sender === ghost);
    await world.matrix.sendMessage(world.roomId, {
      msgtype: 'm.text',
      body: 'Alice Andersson: please check, @room',
      format: 'org.matrix.custom.html',
      formatted_body: `<a href="https://matrix.to/#/${ghost}">Alice Andersson</a>: please check, @room`,
      'm.mentions': { user_ids: [ghost], room: true },
    });
    const [post] = await world.waitForPosts(1, (p) => p.message.includes('please check'));
    expect(post!.message).toBe('@alice: please check, @channel');
  });
});

describe('platform trouble', () => {
  it('recovers every post made around a dropped WebSocket, in order, once each', async () => {
    world.sim.dropWebSockets();
    const texts = Array.from({ length: 6 }, (_, i) => `around the drop ${i}`);
    for (const message of texts) {
      await world.alice.client.createPost({ channel_id: world.channelId, message } as Post);
    }
    const ghost = world.ghostOf(world.alice.id);
    const events = await world.matrix.waitForEvents(
      world.roomId,
      (e) => e.sender === ghost && String(e.content.body).startsWith('around the drop'),
      texts.length,
    );
    expect(events.map((e) => e.content.body)).toEqual(texts);
    // A later post arrives after any replayed copy of the earlier ones would have.
    await world.alice.client.createPost({
      channel_id: world.channelId,
      message: 'marker after the drop',
    } as Post);
    await world.matrix.waitForEvent(
      world.roomId,
      (e) => e.sender === ghost && e.content.body === 'marker after the drop',
    );
    const all = (await world.matrix.messages(world.roomId, { limit: 100 })).chunk.filter((e) =>
      String(e.content.body ?? '').startsWith('around the drop'),
    );
    expect(all).toHaveLength(texts.length);
  });

  it('waits out 429 Retry-After and 503s, then delivers exactly once', async () => {
    world.sim.injectFailures({ status: 429, count: 1, retryAfterSec: 1, pathPattern: SEND_PATH });
    world.sim.injectFailures({ status: 503, count: 1, pathPattern: SEND_PATH });
    const t0 = Date.now();
    await world.matrix.sendMessage(world.roomId, 'through the rate limit');
    await world.waitForPosts(1, (p) => p.message.includes('through the rate limit'));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    const sends = world.sim
      .requestLog()
      .filter((r) => r.method === 'POST' && SEND_PATH.test(r.path));
    expect(sends.map((r) => r.status)).toEqual(expect.arrayContaining([429, 503, 201]));
    // The portal delivers in order: a duplicate would be sent before the next message.
    await world.matrix.sendMessage(world.roomId, 'after the rate limit');
    await world.waitForPosts(1, (p) => p.message.includes('after the rate limit'));
    expect(postsWith('through the rate limit')).toHaveLength(1);
  });

  it('gives up after the configured attempts with a notice naming the message and reason', async () => {
    const attempts = world.config.bridge.retry.max_attempts;
    world.sim.injectFailures({ status: 500, count: attempts, pathPattern: SEND_PATH });
    await world.matrix.sendMessage(world.roomId, 'doomed message');
    // Alone it is its own notice; right after another failure, an edit of that one.
    const notice = await failureNotice('“doomed message”');
    expect(noticeBody(notice)).toMatch(/Mattermost \(main\): Mattermost kept failing/);
    expect(noticeBody(notice)).toMatch(/\d\d:\d\d UTC/);
    expectNoInternals(noticeBody(notice));
    expect(postsWith('doomed message')).toHaveLength(0);

    // The portal keeps working afterwards.
    await world.matrix.sendMessage(world.roomId, 'after the failure');
    await world.waitForPosts(1, (p) => p.message.includes('after the failure'));
  });
});

describe('a burst of failures', () => {
  it('is told in one notice that counts them, without ids', async () => {
    // Each is over the bridge's text limit: refused for good at once, no retries to wait.
    const burst = 6;
    const filler = 'x'.repeat(world.config.bridge.max_text_length);
    for (let i = 1; i <= burst; i++) {
      await world.matrix.sendMessage(world.roomId, `burst message ${i} ${filler}`);
    }
    const last = await failureNotice(`“burst message ${burst} xxx`);
    await world.matrix.sendMessage(world.roomId, 'after the burst');
    await world.waitForPosts(1, (p) => p.message.includes('after the burst'));

    // Every notice event (original or edit) that tells of the burst belongs to one notice.
    const { chunk } = await world.matrix.messages(world.roomId, { limit: 100 });
    const telling = chunk.filter((e) => isNotice(e) && noticeBody(e).includes('“burst message'));
    const originals = new Set(
      telling.map((e) => {
        const relates = e.content['m.relates_to'] as { rel_type?: string; event_id?: string };
        return relates?.rel_type === 'm.replace' ? relates.event_id : e.event_id;
      }),
    );
    expect(originals.size).toBe(1);
    expect(telling.length).toBeLessThan(burst);
    const counted = /Could not deliver (\d+) messages/.exec(noticeBody(last));
    expect(Number(counted?.[1])).toBeGreaterThanOrEqual(burst);
    expect(noticeBody(last)).toContain('to Mattermost (main): message is');
    expect(noticeBody(last)).toContain('bridge.max_text_length');
    expectNoInternals(noticeBody(last));
    expect(postsWith('burst message')).toHaveLength(0);
  });
});

describe('a new database', () => {
  it('bridges both ways after the bridge restarts on an empty database', async () => {
    // Inbox ids start again at 1: derived transaction ids must not collide with the old ones,
    // or Synapse and Mattermost would take new messages for retries of old ones.
    const ghost = world.ghostOf(world.alice.id);
    await world.alice.client.createPost({
      channel_id: world.channelId,
      message: 'before the database reset',
    } as Post);
    await world.matrix.waitForEvent(
      world.roomId,
      (e) => e.sender === ghost && e.content.body === 'before the database reset',
    );
    await world.matrix.sendMessage(world.roomId, 'matrix before the database reset');
    await world.waitForPosts(1, (p) => p.message.includes('matrix before the database reset'));

    await bridge.stop();
    bridge = await startBridge(world);
    await world.alice.client.createPost({
      channel_id: world.channelId,
      message: 'after the database reset',
    } as Post);
    await world.matrix.waitForEvent(
      world.roomId,
      (e) => e.sender === ghost && e.content.body === 'after the database reset',
    );
    await world.matrix.sendMessage(world.roomId, 'matrix after the database reset');
    await world.waitForPosts(1, (p) => p.message.includes('matrix after the database reset'));
  });
});
