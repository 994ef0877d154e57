import { LogLevel, WebClient } from '@slack/web-api';
import { definition } from '../../connectors/slack/index.js';
import { startSlackSimulator } from '../../simulators/slack/index.js';
import { retried } from './retry.js';
import { slackActivity, type SlackHistoryMessage } from './slack-activity.js';
import type { MarkupRisks, PlatformAdapter, PlatformWorld } from './types.js';

interface HistoryMessage {
  ts: string;
  text?: string;
  user?: string;
  bot_id?: string;
  username?: string;
  icons?: { image_48?: string; image_72?: string };
  reactions?: SlackHistoryMessage['reactions'];
  files?: SlackHistoryMessage['files'];
}

/** A person's Web API client; retries are the caller's, so an injected failure is seen once. */
const client = (token: string, apiUrl: string): WebClient =>
  new WebClient(token, {
    slackApiUrl: apiUrl,
    retryConfig: { retries: 0 },
    logLevel: LogLevel.ERROR,
  });

/** Every message of a channel (top level), oldest first, through conversations.history. */
async function history(reader: WebClient, channel: string): Promise<HistoryMessage[]> {
  const all: HistoryMessage[] = [];
  let cursor: string | undefined;
  do {
    const page = await retried(() =>
      reader.conversations.history({ channel, limit: 200, ...(cursor ? { cursor } : {}) }),
    );
    all.push(...((page.messages ?? []) as HistoryMessage[]));
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor);
  return all.sort((a, b) => Number(a.ts) - Number(b.ts));
}

const SAFE_SCHEMES = new Set(['http', 'https', 'mailto']);

/**
 * Slack renders mrkdwn: links are `<url|text>` (or `<url>`), `<!channel>`, `<!here>` and
 * `<!everyone>` notify the whole channel; text `<`, `>`, `&` arrive escaped.
 */
export function slackMarkupRisks(text: string): MarkupRisks {
  const active: string[] = [];
  for (const m of text.matchAll(/<([a-zA-Z][a-zA-Z0-9+.-]*):[^>|]*(\|[^>]*)?>/g))
    if (!SAFE_SCHEMES.has((m[1] as string).toLowerCase())) active.push(m[0]);
  const roomPings = [...text.matchAll(/<!(channel|here|everyone)(\|[^>]*)?>/g)].map((m) => m[0]);
  return { active, roomPings };
}

/** The Slack simulator in Socket Mode, driven with @slack/web-api as its users would. */
export const slackAdapter: PlatformAdapter = {
  id: 'slack',
  definition: definition as PlatformAdapter['definition'],
  markupRisks: slackMarkupRisks,
  async start(opts): Promise<PlatformWorld> {
    const perChannel = (r: { perSecond: number; burst: number }) => ({
      tiers: true,
      postPerChannel: { perSecond: r.perSecond, burst: r.burst },
    });
    // Slack's real chat.postMessage pacing (about 1/s per channel) stays on; the per-method
    // tier budgets would only slow down the readers that check the results.
    const sim = await startSlackSimulator({
      rateLimits: opts.rateLimit ? perChannel(opts.rateLimit) : { tiers: false },
      // Real Slack redelivers an unacknowledged event after 1 and 5 minutes; the simulator's
      // default (3 s, 3 times) would give up on events sent while a killed bridge restarts on a
      // busy machine. 20 s x 3 is still far shorter than Slack's, and keeps the runs short.
      socketMode: { ackTimeoutMs: 20_000 },
      httpEvents: { timeoutMs: 20_000, retryDelaysMs: [1_000, 20_000, 60_000] },
    });
    const team = sim.createWorkspace({ name: 'Agency' });
    const app = sim.createApp(team.id, { name: 'Matrix Bridge', botName: 'bridge' });
    const alice = sim.createUser(team.id, { name: 'alice', realName: 'Alice Andersson' });
    const auditor = sim.createUser(team.id, { name: 'auditor', realName: 'Audit' });
    const members = [alice.id, auditor.id, app.botUserId];
    const channels: string[] = [];
    for (let i = 0; i < opts.channels; i++)
      channels.push(sim.createChannel(team.id, `bench-${i}`, { members }).id);
    sim.setEventDelivery(app.appId, { mode: 'socket' });
    const human = client(alice.token, sim.apiUrl);
    const reader = client(auditor.token, sim.apiUrl);
    const own = (m: HistoryMessage): boolean => m.bot_id === app.botId || m.user === app.botUserId;
    let extra = 0;

    return {
      workspace: 'main',
      channels,
      // The connector keys Slack users by their id in lower case.
      user: { id: alice.id.toLowerCase() },
      connectorConfig: {
        workspaces: {
          main: {
            bot_token: app.botToken,
            mode: 'socket',
            app_token: app.appToken,
            api_url: sim.apiUrl,
          },
        },
      },
      post: async (channel, text) =>
        void (await retried(() => human.chat.postMessage({ channel, text }))),
      bridgedTexts: async (channel) =>
        (await history(reader, channel)).filter(own).map((m) => m.text ?? ''),
      userTexts: async (channel) =>
        (await history(reader, channel))
          .filter((m) => m.user === alice.id)
          .map((m) => m.text ?? ''),
      async bridgedMessages(channel) {
        return (await history(reader, channel)).filter(own).map((m) => ({
          text: m.text ?? '',
          at: Number(m.ts) * 1000,
          authorName: m.username ?? 'bridge',
          avatarUrl: m.icons?.image_48 ?? m.icons?.image_72,
        }));
      },
      async addUser(displayName) {
        const user = sim.createUser(team.id, {
          name: `user${++extra}`,
          realName: displayName,
          displayName,
        });
        for (const ch of channels) sim.addToChannel(ch, user.id);
        const web = client(user.token, sim.apiUrl);
        return {
          id: user.id.toLowerCase(),
          mention: `<@${user.id}>`,
          post: async (channel, text) =>
            void (await retried(() => web.chat.postMessage({ channel, text }))),
        };
      },
      activity: slackActivity({
        human,
        botMessages: async (channel) => (await history(reader, channel)).filter(own),
      }),
      faults: {
        setRateLimit: (r) =>
          sim.setRateLimit(r ? perChannel(r) : { tiers: false, postPerChannel: false }),
        failRequests: (status, count, retryAfterSec) =>
          sim.injectFailures({ status, count, ...(retryAfterSec ? { retryAfterSec } : {}) }),
        dropConnection: () => sim.dropSockets(),
      },
      close: () => sim.close(),
    };
  },
};
