/**
 * Slack: a resync whose reads fail (5xx) is retried with back-off until it succeeds, and
 * replays every missed message, in order, before the live ones: nothing is skipped.
 */
import { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { definition } from '../../../connectors/slack/index.js';
import { startSlackSimulator, type SlackSimulator } from '../../../simulators/slack/index.js';
import type { Connector } from '../../../src/connector/contract.js';
import { RecordingContext, waitFor } from '../../contract/fake-context.js';
import { startWebhookServer, type WebhookServer } from '../../contract/webhook-server.js';

let sim: SlackSimulator | undefined;
let webhooks: WebhookServer | undefined;
let connector: Connector | undefined;
afterEach(async () => {
  await connector?.stop();
  await sim?.close();
  await webhooks?.close();
  connector = sim = webhooks = undefined;
});

/** Native ids of the messages recorded, in order. */
const recorded = (ctx: RecordingContext): string[] =>
  ctx.events.flatMap((e) => (e.kind === 'message' ? [e.messageId] : []));

describe('Slack catch-up', () => {
  it('retries a failing history read until it works, skipping nothing', async () => {
    sim = await startSlackSimulator();
    const team = sim.createWorkspace({ name: 'Agency' });
    const app = sim.createApp(team.id, { name: 'Matrix Bridge' });
    const alice = sim.createUser(team.id, { name: 'alice', realName: 'Alice' });
    const channel = sim.createChannel(team.id, 'general', { members: [alice.id, app.botUserId] });
    sim.setEventDelivery(app.appId, { mode: 'socket' });
    const asAlice = new WebClient(alice.token, { slackApiUrl: sim.apiUrl });
    // Posted while the bridge was away, then the history reads fail for a while.
    const linkedAt = Date.now() - 60_000;
    const posted: string[] = [];
    for (const text of ['missed 1', 'missed 2', 'missed 3'])
      posted.push(String((await asAlice.chat.postMessage({ channel: channel.id, text })).ts));
    sim.injectFailures({ method: 'conversations.history', status: 500, count: 6 });

    webhooks = await startWebhookServer();
    const ctx = new RecordingContext(
      'slack',
      [{ workspace: 'main', channel: channel.id, linkedAt }],
      webhooks.router,
    );
    connector = definition.create(ctx, {
      workspaces: {
        main: {
          mode: 'socket',
          bot_token: app.botToken,
          app_token: app.appToken,
          api_url: sim.apiUrl,
        },
      },
    });
    ctx.connect(connector);
    await connector.start();
    posted.push(String((await asAlice.chat.postMessage({ channel: channel.id, text: 'live' })).ts));
    await waitFor('every message', () => recorded(ctx).length >= 4, 30_000);
    expect(recorded(ctx)).toEqual(posted);
    const reads = sim.requestLog().filter((r) => r.method === 'conversations.history');
    expect(reads.filter((r) => !r.ok)).toHaveLength(6);
    expect(reads.at(-1)?.ok).toBe(true);
  }, 60_000);
});
