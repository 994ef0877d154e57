import { WebClient } from '@slack/web-api';
import { definition } from '../../../connectors/slack/index.js';
import { startSlackSimulator } from '../../../simulators/slack/index.js';
import type { ContractTarget } from '../../contract/target.js';
import { PATIENT_PEER_MS } from '../../harness/wait.js';

/**
 * The Slack connector's contract target, in either event-delivery mode. The world acts as
 * Alice through @slack/web-api with her user token.
 */
export function slackContractTarget(mode: 'socket' | 'events'): ContractTarget {
  return {
    name: `slack (${mode === 'socket' ? 'Socket Mode' : 'Events API'})`,
    definition: definition as ContractTarget['definition'],
    emoji: { name: '+1', unicode: '👍' },
    bold: (word) => `*${word}*`,
    async setup({ webhookBase }) {
      // The contract suite never withholds an answer or an ack: Slack's 3 s deadlines (or
      // shorter) would let a stalled machine cause retries and redeliveries it does not expect.
      const sim = await startSlackSimulator({
        socketMode: { ackTimeoutMs: PATIENT_PEER_MS },
        httpEvents: { timeoutMs: PATIENT_PEER_MS, retryDelaysMs: [300, 1000, 3000] },
      });
      const team = sim.createWorkspace({ name: 'Agency' });
      const app = sim.createApp(team.id, { name: 'Matrix Bridge', botName: 'bridge' });
      const alice = sim.createUser(team.id, { name: 'alice', realName: 'Alice Andersson' });
      const channel = sim.createChannel(team.id, 'contract', {
        members: [alice.id, app.botUserId],
      });
      sim.setEventDelivery(
        app.appId,
        mode === 'socket'
          ? { mode: 'socket' }
          : { mode: 'http', requestUrl: `${webhookBase}/slack/events/main` },
      );
      const client = new WebClient(alice.token, { slackApiUrl: sim.apiUrl });
      const block = (botToken: string) => ({
        workspaces: {
          main: {
            bot_token: botToken,
            mode,
            api_url: sim.apiUrl,
            ...(mode === 'socket'
              ? { app_token: app.appToken }
              : { signing_secret: app.signingSecret }),
          },
        },
      });
      const names = new Map([
        [alice.id, 'alice'],
        [app.botUserId, 'bridge'],
      ]);
      return {
        config: block(app.botToken),
        badCredentialsConfig: block('xoxb-0-refused'),
        channel: { workspace: 'main', channel: channel.id },
        channelName: 'contract',
        user: { id: alice.id.toLowerCase(), displayName: 'Alice Andersson' },
        async post(text, opts) {
          const res = await client.chat.postMessage({
            channel: channel.id,
            text,
            ...(opts?.threadRoot ? { thread_ts: opts.threadRoot } : {}),
          });
          return res.ts!;
        },
        async postFile(name, data, _mimetype, caption) {
          const res = await client.filesUploadV2({
            channel_id: channel.id,
            file: data,
            filename: name,
            ...(caption ? { initial_comment: caption } : {}),
          });
          const done = (
            res.files as Array<{
              files?: Array<{ shares?: { public?: Record<string, Array<{ ts: string }>> } }>;
            }>
          )[0];
          return done!.files![0]!.shares!.public![channel.id]![0]!.ts;
        },
        edit: async (ts, text) =>
          void (await client.chat.update({ channel: channel.id, ts, text })),
        remove: async (ts) => void (await client.chat.delete({ channel: channel.id, ts })),
        react: async (ts, name) =>
          void (await client.reactions.add({ channel: channel.id, timestamp: ts, name })),
        unreact: async (ts, name) =>
          void (await client.reactions.remove({ channel: channel.id, timestamp: ts, name })),
        async messages() {
          return sim.messages(channel.id).map((m) => ({
            id: m.ts,
            text: m.text,
            authorName: m.username ?? names.get(m.user ?? '') ?? m.user ?? '',
            threadRoot: m.thread_ts && m.thread_ts !== m.ts ? m.thread_ts : undefined,
            files: (m.files ?? []).map((f) => f.name),
            reactions: (m.reactions ?? []).map((r) => r.name),
          }));
        },
        dropConnection: async () => sim.dropSockets(),
        rateLimitSends: (count, retryAfterSec) =>
          sim.injectFailures({ method: 'chat.postMessage', status: 429, count, retryAfterSec }),
        failSends: (count, status) =>
          sim.injectFailures({ method: 'chat.postMessage', status, count }),
        close: () => sim.close(),
      };
    },
  };
}
