import { randomBytes } from 'node:crypto';
import { DDPSDK } from '@rocket.chat/ddp-client';
import WebSocket from 'ws';
import { definition } from '../../connectors/rocketchat/index.js';
import { startRocketChatSimulator } from '../../simulators/rocketchat/index.js';
import { rocketchatActivity, type RocketChatHistoryMessage } from './rocketchat-activity.js';
import { retried } from './retry.js';
import type { MarkupRisks, PlatformAdapter, PlatformWorld } from './types.js';

// Rocket.Chat's own client needs a global WebSocket on Node 20.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

const PAGE = 100;
interface Msg extends RocketChatHistoryMessage {
  _id: string;
  msg: string;
  ts: string | { $date: number };
  alias?: string;
  avatar?: string;
  u: { _id: string; username: string };
}

interface Rest {
  get(endpoint: string, params: Record<string, unknown>): Promise<{ messages: Msg[] }>;
  post(endpoint: string, params: unknown): Promise<{ message: Msg }>;
}

/** A user signed in with Rocket.Chat's SDK (DDP login with a token, then its REST client). */
async function signIn(url: string, token: string): Promise<{ rest: Rest; close(): void }> {
  const sdk = DDPSDK.create(url);
  await sdk.connection.connect();
  await sdk.account.loginWithToken(token);
  return { rest: sdk.rest as unknown as Rest, close: () => sdk.connection.close() };
}

const at = (m: Msg): number => (typeof m.ts === 'string' ? Date.parse(m.ts) : m.ts.$date);

async function history(rest: Rest, roomId: string): Promise<Msg[]> {
  const all: Msg[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await retried(() =>
      rest.get('/v1/channels.history', { roomId, count: PAGE, offset }),
    );
    all.push(...page.messages);
    if (page.messages.length < PAGE) break;
  }
  return all.sort((a, b) => at(a) - at(b));
}

const SAFE_SCHEMES = new Set(['http', 'https', 'mailto']);

/**
 * Rocket.Chat renders its Markdown (links `[t](u)`, `<u|t>`, auto-links) and never raw HTML;
 * `@all` and `@here` notify the whole room.
 */
export function rocketchatMarkupRisks(text: string): MarkupRisks {
  const live = (re: RegExp): RegExpExecArray[] =>
    [...text.matchAll(re)].filter((m) => text[(m.index ?? 0) - 1] !== '\\');
  const active: string[] = [];
  for (const m of live(/!?\[[^\]]*\]\(\s*<?([a-zA-Z][a-zA-Z0-9+.-]*):/g))
    if (!SAFE_SCHEMES.has((m[1] as string).toLowerCase())) active.push(m[0]);
  for (const m of live(/<([a-zA-Z][a-zA-Z0-9+.-]*):[^>|\s]*\|/g))
    if (!SAFE_SCHEMES.has((m[1] as string).toLowerCase())) active.push(m[0]);
  const roomPings = [...text.matchAll(/(^|[^\w\u200b\\])@(all|here)\b/gi)].map((m) => m[0].trim());
  return { active, roomPings };
}

/** The Rocket.Chat simulator, driven with Rocket.Chat's own SDK as its users would. */
export const rocketchatAdapter: PlatformAdapter = {
  id: 'rocketchat',
  definition: definition as PlatformAdapter['definition'],
  markupRisks: rocketchatMarkupRisks,
  async start(opts): Promise<PlatformWorld> {
    const limit = (r: { perSecond: number; burst: number }) => ({
      calls: Math.max(1, Math.round(r.perSecond)),
      windowMs: 1000,
    });
    const sim = await startRocketChatSimulator(
      opts.rateLimit ? { rateLimit: limit(opts.rateLimit) } : {},
    );
    const bot = sim.createUser({ username: 'bridgebot', name: 'Bridge Bot', bot: true });
    const alice = sim.createUser({ username: 'alice', name: 'Alice Andersson' });
    const auditor = sim.createUser({ username: 'auditor', name: 'Audit' });
    const channels: string[] = [];
    for (let i = 0; i < opts.channels; i++) {
      const room = sim.createRoom(`bench-${i}`, { fname: `Bench ${i}` });
      for (const u of [bot, alice, auditor]) sim.addToRoom(room._id, u._id);
      channels.push(room._id);
    }
    const human = await signIn(sim.url, alice.token);
    const reader = await signIn(sim.url, auditor.token);
    const sessions = [human, reader];
    let extra = 0;
    const byUser = async (channel: string, userId: string): Promise<Msg[]> =>
      (await history(reader.rest, channel)).filter((m) => m.u._id === userId);

    return {
      workspace: 'main',
      channels,
      user: { id: alice._id },
      connectorConfig: {
        workspaces: {
          main: { url: sim.url, user_id: bot._id, token: bot.token, identity: 'auto' },
        },
      },
      async post(channel, text) {
        // A fixed message id: a retry after an answer got lost is refused as a duplicate.
        const _id = randomBytes(9).toString('base64url');
        await retried(
          () =>
            human.rest.post('/v1/chat.sendMessage', { message: { _id, rid: channel, msg: text } }),
          { done: (err) => /already exists/.test(String((err as Error)?.message ?? err)) },
        );
      },
      bridgedTexts: async (channel) => (await byUser(channel, bot._id)).map((m) => m.msg),
      userTexts: async (channel) => (await byUser(channel, alice._id)).map((m) => m.msg),
      async bridgedMessages(channel) {
        return (await byUser(channel, bot._id)).map((m) => ({
          text: m.msg,
          at: at(m),
          authorName: m.alias ?? m.u.username,
          avatarUrl: m.avatar,
        }));
      },
      async addUser(displayName) {
        const user = sim.createUser({ username: `user${++extra}`, name: displayName });
        for (const ch of channels) sim.addToRoom(ch, user._id);
        const session = await signIn(sim.url, user.token);
        sessions.push(session);
        return {
          id: user._id,
          mention: `@${user.username}`,
          post: async (channel, text) =>
            void (await retried(() =>
              session.rest.post('/v1/chat.sendMessage', { message: { rid: channel, msg: text } }),
            )),
        };
      },
      faults: {
        setRateLimit: (r) => sim.setRateLimit(r ? limit(r) : false),
        failRequests: (status, count, retryAfterSec) =>
          sim.injectFailures({
            status,
            count,
            ...(retryAfterSec ? { retryAfterMs: retryAfterSec * 1000 } : {}),
          }),
        dropConnection: () => sim.dropWebSockets(),
      },
      activity: rocketchatActivity({
        url: sim.url,
        human: { rest: human.rest, userId: alice._id, token: alice.token },
        botMessages: (channel) => byUser(channel, bot._id),
      }),
      async close() {
        for (const s of sessions) s.close();
        await sim.close();
      },
    };
  },
};
