import { createHmac } from 'node:crypto';
import type { Connector, LinkedChannel } from '../../../src/connector/contract.js';
import type { RemoteEvent } from '../../../src/connector/events.js';
import { definition } from '../../../connectors/slack/index.js';
import {
  startSlackSimulator,
  type AppCredentials,
  type SlackSimulator,
  type SlackSimulatorOptions,
} from '../../../simulators/slack/index.js';
import { RecordingContext, waitFor } from '../../contract/fake-context.js';
import { startWebhookServer, type WebhookServer } from '../../contract/webhook-server.js';
import { PATIENT_PEER_MS } from '../../harness/wait.js';

export interface Rig {
  sim: SlackSimulator;
  app: AppCredentials;
  teamId: string;
  channel: string;
  alice: { id: string; token: string };
  webhooks: WebhookServer;
  ctx: GatedContext;
  connector: Connector;
  /** Where Slack sends events for workspace `main`. */
  eventsUrl: string;
  close(): Promise<void>;
}

/** A context whose emit can be held or made to fail, to see when Slack gets its answer. */
export class GatedContext extends RecordingContext {
  gate: Promise<void> | undefined;
  failNext = 0;
  /** How many emits have waited at the gate: a test knows the event reached the context. */
  held = 0;

  override async emit(event: RemoteEvent): Promise<void> {
    if (this.gate) {
      this.held += 1;
      await this.gate;
    }
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('database unavailable');
    }
    await super.emit(event);
  }
}

export async function startRig(
  mode: 'socket' | 'events',
  opts: SlackSimulatorOptions & { identity?: string; scopes?: string[]; botOutside?: boolean } = {},
): Promise<Rig> {
  // Slack's 3 s answer and ack deadlines would let a stalled machine turn a prompt answer
  // into a retry or redelivery; tests that exercise them pass their own.
  const sim = await startSlackSimulator({
    ...opts,
    httpEvents: { timeoutMs: PATIENT_PEER_MS, ...opts.httpEvents },
    socketMode: { ackTimeoutMs: PATIENT_PEER_MS, ...opts.socketMode },
  });
  const team = sim.createWorkspace({ name: 'Agency' });
  const app = sim.createApp(team.id, { name: 'Matrix Bridge', scopes: opts.scopes });
  const alice = sim.createUser(team.id, { name: 'alice', realName: 'Alice Andersson' });
  const members = opts.botOutside ? [alice.id] : [alice.id, app.botUserId];
  const channel = sim.createChannel(team.id, 'general', { members });
  const webhooks = await startWebhookServer();
  const eventsUrl = `${webhooks.url}/_bridge/webhooks/slack/events/main`;
  sim.setEventDelivery(
    app.appId,
    mode === 'socket' ? { mode: 'socket' } : { mode: 'http', requestUrl: eventsUrl },
  );
  const links: LinkedChannel[] = [
    { workspace: 'main', channel: channel.id, linkedAt: Date.now() - 1000 },
  ];
  const ctx = new GatedContext('slack', links, webhooks.router);
  const connector = definition.create(ctx, {
    workspaces: {
      main: {
        bot_token: app.botToken,
        mode,
        api_url: sim.apiUrl,
        ...(mode === 'socket'
          ? { app_token: app.appToken }
          : { signing_secret: app.signingSecret }),
        ...(opts.identity ? { identity: opts.identity as 'auto' } : {}),
      },
    },
  });
  ctx.connect(connector);
  await connector.start();
  return {
    sim,
    app,
    teamId: team.id,
    channel: channel.id,
    alice,
    webhooks,
    ctx,
    connector,
    eventsUrl,
    async close() {
      await connector.stop();
      await sim.close();
      await webhooks.close();
    },
  };
}

export function sign(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)) {
  const mac = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  return {
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': `v0=${mac}`,
  };
}

let tsCounter = 100;

export function eventBody(channel: string, user: string, text: string, eventId = 'Ev0TEST0001') {
  tsCounter += 1;
  const ts = `${Math.floor(Date.now() / 1000)}.${String(tsCounter).padStart(6, '0')}`;
  return JSON.stringify({
    token: 'x',
    team_id: 'T0',
    api_app_id: 'A0',
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: 'message', channel, user, text, ts, event_ts: ts, channel_type: 'channel' },
  });
}

/**
 * Alice posts a marker and it is awaited. Slack sends a channel's events in order, so
 * whatever the connector would emit for earlier activity has been emitted by then: the
 * positive end of a "nothing else arrives" check. Returns the events other than the marker.
 */
export async function eventsUpToMarker(rig: Rig): Promise<RemoteEvent[]> {
  const { WebClient } = await import('@slack/web-api');
  const alice = new WebClient(rig.alice.token, { slackApiUrl: rig.sim.apiUrl });
  const { ts } = await alice.chat.postMessage({ channel: rig.channel, text: 'marker' });
  await waitFor('the marker message', () =>
    rig.ctx.events.some((e) => e.kind === 'message' && e.messageId === ts),
  );
  return rig.ctx.events.filter((e) => !('messageId' in e && e.messageId === ts));
}
