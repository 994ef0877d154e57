import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BridgeApp } from '../../src/app/bridge-app.js';
import type { MatrixEvent } from '../harness/index.js';
import { createSlackWorld } from './slack-fixture.js';

// The Events API over HTTP through the bridge's own listener: Slack POSTs signed events to
// {public_url}/_bridge/webhooks/slack/events/main.
let world: Awaited<ReturnType<typeof createSlackWorld>>;
let bridge: BridgeApp;

const rel = (e: MatrixEvent): Record<string, unknown> =>
  (e.content['m.relates_to'] ?? {}) as Record<string, unknown>;

beforeAll(async () => {
  world = await createSlackWorld('events', { persistent: true });
  bridge = await world.startBridge();
});

afterAll(async () => {
  await bridge?.stop();
  await world?.close();
});

describe('Slack over the Events API', () => {
  it('verifies the Request URL', async () => {
    expect(await world.slack.sim.verifyRequestUrl(world.slack.app.appId)).toBe(true);
  });

  it('carries a message, a thread reply and an edit from Slack', async () => {
    const ghost = world.ghostOf('slack', world.slack.alice.id);
    const { ts } = await world.slack.alice.client.chat.postMessage({
      channel: world.slack.channelId,
      text: 'over *http*',
    });
    const ev = await world.matrix.waitForEvent(
      world.roomId,
      (e) => e.sender === ghost && e.content.body === 'over http',
    );
    expect(String(ev.content.formatted_body)).toContain('<strong>http</strong>');
    await world.slack.alice.client.chat.postMessage({
      channel: world.slack.channelId,
      text: 'in thread',
      thread_ts: ts!,
    });
    const reply = await world.matrix.waitForEvent(
      world.roomId,
      (e) => e.sender === ghost && e.content.body === 'in thread',
    );
    expect(rel(reply)).toMatchObject({ rel_type: 'm.thread', event_id: ev.event_id });
    await world.slack.alice.client.chat.update({
      channel: world.slack.channelId,
      ts: ts!,
      text: 'over http, edited',
    });
    await world.matrix.waitForEvent(
      world.roomId,
      (e) => e.sender === ghost && rel(e).rel_type === 'm.replace',
    );
    const deliveries = world.slack.sim.deliveries();
    expect(deliveries.length).toBeGreaterThanOrEqual(3);
    expect(deliveries.every((d) => d.status === 200)).toBe(true);
  });

  it('carries a Matrix message to Slack without echoing it back', async () => {
    await world.matrix.sendMessage(world.roomId, 'matrix over http');
    const [m] = await world.slack.waitForBridged(1, (x) => x.text === 'matrix over http');
    expect(m!.username).toBe('Maria Matrix (Matrix)');
    // Slack sends the channel's events in order: an echo of the copy would come before this.
    await world.slack.alice.client.chat.postMessage({
      channel: world.slack.channelId,
      text: 'marker after the copy',
    });
    const ghost = world.ghostOf('slack', world.slack.alice.id);
    await world.matrix.waitForEvent(
      world.roomId,
      (e) => e.sender === ghost && e.content.body === 'marker after the copy',
    );
    const echoes = (await world.matrix.messages(world.roomId, { limit: 30 })).chunk.filter(
      (e) => e.sender !== world.matrix.userId && e.content.body === 'matrix over http',
    );
    expect(echoes).toHaveLength(0);
  });

  it('refuses a forged event at the bridge’s public listener', async () => {
    const url = `${world.slot.url}/_bridge/webhooks/slack/events/main`;
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)),
        'x-slack-signature': 'v0=00',
      },
      body: JSON.stringify({
        type: 'event_callback',
        event_id: 'Ev0FORGED',
        event: {
          type: 'message',
          channel: world.slack.channelId,
          user: world.slack.alice.id,
          text: 'forged',
          ts: '1.000001',
        },
      }),
    });
    expect(res.status).toBe(401);
  });

  it('catches up on what was posted while the bridge was down', async () => {
    await bridge.stop();
    await world.slack.alice.client.chat.postMessage({
      channel: world.slack.channelId,
      text: 'while down 1',
    });
    await world.slack.alice.client.chat.postMessage({
      channel: world.slack.channelId,
      text: 'while down 2',
    });
    bridge = await world.startBridge();
    const ghost = world.ghostOf('slack', world.slack.alice.id);
    const [a, b] = await world.matrix.waitForEvents(
      world.roomId,
      (e) => e.sender === ghost && String(e.content.body).startsWith('while down'),
      2,
    );
    expect([a!.content.body, b!.content.body]).toEqual(['while down 1', 'while down 2']);
  });
});
