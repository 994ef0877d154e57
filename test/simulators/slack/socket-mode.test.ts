import { afterEach, describe, expect, it } from 'vitest';
import { LogLevel, SocketModeClient } from '@slack/socket-mode';
import { WebSocket } from 'ws';
import type { SocketModeOptions } from '../../../simulators/slack/socket-mode.js';
import { PATIENT_PEER_MS } from '../../harness/wait.js';
import { createSimWorld, waitUntil, type SimWorld } from './helpers.js';
import { loadSlackSpec } from './spec.js';

const spec = loadSlackSpec();
let w: SimWorld | undefined;
const clients: SocketModeClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.disconnect().catch(() => undefined);
  await w?.sim.close();
  w = undefined;
});

interface Received {
  type: string;
  body: Record<string, unknown> & { event: Record<string, unknown>; event_id: string };
  retry_num: number;
  ack: () => Promise<void>;
}

/**
 * The client drops a connection whose pong is later than `clientPingTimeout` and waits as
 * long before reconnecting. A stalled machine delays pongs by seconds, so only the test of
 * reconnecting, where an extra reconnect is harmless, keeps it short (for a quick reconnect).
 */
function socketClient(
  world: SimWorld,
  clientPingTimeout = PATIENT_PEER_MS,
): { client: SocketModeClient; events: Received[] } {
  const client = new SocketModeClient({
    appToken: world.app.appToken,
    logLevel: LogLevel.ERROR,
    clientPingTimeout,
    clientOptions: { slackApiUrl: world.sim.apiUrl },
  });
  clients.push(client);
  const events: Received[] = [];
  client.on('slack_event', (e: Received) => events.push(e));
  return { client, events };
}

/** By default an envelope is redelivered only when its ack is deliberately withheld. */
async function world(
  socketMode: Partial<SocketModeOptions> = { ackTimeoutMs: PATIENT_PEER_MS },
): Promise<SimWorld> {
  w = await createSimWorld({ socketMode: { pingIntervalMs: 500, ...socketMode } });
  w.sim.setEventDelivery(w.app.appId, { mode: 'socket' });
  return w;
}

describe('Socket Mode with @slack/socket-mode', () => {
  it('connects with the app token and delivers events in envelopes', async () => {
    const w = await world();
    const { client, events } = socketClient(w);
    await client.start();
    expect(w.sim.openSocketConnections(w.app.appId)).toBe(1);
    await w.alice.client.chat.postMessage({ channel: w.channelId, text: 'hello socket' });
    const got = await waitUntil('the message event', () => events[0]);
    await got.ack();
    expect(got.type).toBe('events_api');
    expect(got.retry_num).toBe(0);
    spec.check(spec.eventWrapper(), got.body, 'event wrapper');
    expect(got.body.event).toMatchObject({
      type: 'message',
      channel: w.channelId,
      user: w.alice.id,
      text: 'hello socket',
      channel_type: 'channel',
    });
    await waitUntil('the ack', () => w.sim.envelopes()[0]?.acked);
  });

  it('redelivers an envelope that was not acknowledged, with retry_attempt', async () => {
    // Redelivered every 300 ms and never given up, so a late ack still lands.
    const w = await world({ ackTimeoutMs: 300, maxRetries: Number.MAX_SAFE_INTEGER });
    const { client, events } = socketClient(w);
    await client.start();
    await w.alice.client.reactions.add({
      channel: w.channelId,
      timestamp: (await w.bob.client.chat.postMessage({ channel: w.channelId, text: 'x' })).ts!,
      name: 'eyes',
    });
    const reaction = () => events.filter((e) => e.body.event.type === 'reaction_added');
    await waitUntil('a redelivery', () => reaction().length >= 2);
    const [first, second] = reaction();
    expect(second!.body.event_id).toBe(first!.body.event_id);
    expect(second!.retry_num).toBe(1);
    await second!.ack();
    // The ack counts for the newest attempt, which is later than the second when the
    // machine stalled for more than 300 ms.
    await waitUntil('the ack of a redelivery', () =>
      w.sim
        .envelopes()
        .some((e) => e.eventId === first!.body.event_id && e.attempt >= 1 && e.acked),
    );
    for (const e of events) await e.ack().catch(() => undefined);
  });

  it('reconnects after a disconnect frame and after a dropped socket', async () => {
    // Slack's own 3 s: an envelope sent to a connection that is going away comes again.
    const w = await world({ ackTimeoutMs: 3000 });
    const { client, events } = socketClient(w, 1500);
    await client.start();
    let connects = 0;
    client.on('connected', () => (connects += 1));
    w.sim.sendDisconnect('refresh_requested');
    await waitUntil('a reconnect after disconnect', () => connects >= 1);
    w.sim.dropSockets();
    await waitUntil('a reconnect after the drop', () => connects >= 2);
    await w.alice.client.chat.postMessage({ channel: w.channelId, text: 'after' });
    const got = await waitUntil('the event after reconnecting', () =>
      events.find((e) => e.body.event.text === 'after'),
    );
    await got.ack();
  });

  it('refuses a bad app token and a reused connection URL', async () => {
    const w = await world();
    const bad = new SocketModeClient({
      appToken: 'xapp-1-nope',
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: w.sim.apiUrl, retryConfig: { retries: 0 } },
    });
    await expect(bad.start()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
    const { url } = await w.client(w.app.appToken).apps.connections.open();
    const first = new WebSocket(url!);
    const hello = await new Promise<Record<string, unknown>>((resolve) =>
      first.once('message', (d) => resolve(JSON.parse(d.toString()) as Record<string, unknown>)),
    );
    expect(hello).toMatchObject({ type: 'hello', connection_info: { app_id: w.app.appId } });
    first.close();
    const second = new WebSocket(url!);
    const status = await new Promise<number>((resolve) =>
      second.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    expect(status).toBe(401);
  });

  it('sends events only to apps whose bot is in the channel and has the scope', async () => {
    const w = await world();
    const { client, events } = socketClient(w);
    await client.start();
    await w.alice.client.chat.postMessage({ channel: w.otherChannelId, text: 'elsewhere' });
    w.sim.setScopes(w.app.botToken, ['chat:write', 'channels:history']);
    const { ts } = await w.alice.client.chat.postMessage({ channel: w.channelId, text: 'seen' });
    await w.alice.client.reactions.add({ channel: w.channelId, timestamp: ts!, name: 'eyes' });
    await w.alice.client.chat.postMessage({ channel: w.channelId, text: 'last' });
    await waitUntil('the last message', () => events.some((e) => e.body.event.text === 'last'));
    for (const e of events) await e.ack();
    expect(events.map((e) => e.body.event.text ?? e.body.event.type)).toEqual(['seen', 'last']);
  });
});
