import { bool, int, str } from '../body.js';
import type { Json, MethodCtx, MethodTable } from '../context.js';
import { fail } from '../errors.js';
import { parseBound, parseTs } from '../ids.js';
import { channelJson, messageJson } from '../render.js';
import type { MessageRecord } from '../state.js';
import { joinChannel } from './posting.js';

const MAX_PAGE = 999;

function encodeCursor(value: number): string {
  return Buffer.from(`next_ts:${value}`).toString('base64');
}

function decodeCursor(cursor: string | undefined): number | undefined {
  if (!cursor) return undefined;
  const text = Buffer.from(cursor, 'base64').toString('utf8');
  const m = /^next_ts:(\d+)$/.exec(text);
  if (!m) throw fail('invalid_cursor');
  return Number(m[1]);
}

/** `(oldest, latest]` as Slack reads it (`inclusive` makes both ends inclusive). */
function inRange(ctx: MethodCtx): (m: MessageRecord) => boolean {
  const oldest = parseBound(str(ctx.args, 'oldest')) ?? 0;
  const latest = parseBound(str(ctx.args, 'latest')) ?? Number.MAX_SAFE_INTEGER;
  const inclusive = bool(ctx.args, 'inclusive');
  return (m) => {
    const t = parseTs(m.ts);
    return inclusive ? t >= oldest && t <= latest : t > oldest && t <= latest;
  };
}

function pageSize(ctx: MethodCtx, fallback: number): number {
  const limit = Math.min(MAX_PAGE, Math.max(1, int(ctx.args, 'limit', fallback)));
  return ctx.sim.limits.historyPageLimit(limit);
}

export const conversationMethods: MethodTable = {
  'conversations.info': {
    tier: 3,
    tokens: ['bot', 'user'],
    handler(ctx) {
      const c = ctx.channel();
      ctx.needFor(c, 'channels:read', 'groups:read');
      return { channel: channelJson(c, ctx.actor) };
    },
  },

  'conversations.list': {
    tier: 2,
    tokens: ['bot', 'user'],
    handler(ctx) {
      const types = (str(ctx.args, 'types') ?? 'public_channel').split(',').map((t) => t.trim());
      if (types.includes('public_channel')) ctx.need('channels:read');
      if (types.includes('private_channel')) ctx.need('groups:read');
      const all = [...ctx.state.channels.values()]
        .filter((c) => c.teamId === ctx.token.teamId)
        .filter((c) =>
          c.isPrivate ? types.includes('private_channel') : types.includes('public_channel'),
        )
        .filter((c) => !c.isPrivate || c.members.has(ctx.actor))
        .filter((c) => !(bool(ctx.args, 'exclude_archived') && c.archived));
      const start = decodeCursor(str(ctx.args, 'cursor')) ?? 0;
      const limit = Math.min(1000, Math.max(1, int(ctx.args, 'limit', 100)));
      const page = all.slice(start, start + limit);
      const next = start + limit < all.length ? encodeCursor(start + limit) : '';
      return {
        channels: page.map((c) => channelJson(c, ctx.actor)),
        response_metadata: { next_cursor: next },
      };
    },
  },

  'conversations.history': {
    tier: 3,
    tokens: ['bot', 'user'],
    handler(ctx) {
      const c = ctx.channel();
      ctx.needFor(c, 'channels:history', 'groups:history');
      if (ctx.token.kind === 'bot') ctx.requireMember(c);
      const limit = pageSize(ctx, 100);
      const before = decodeCursor(str(ctx.args, 'cursor'));
      const range = inRange(ctx);
      const all = ctx.state
        .channelMessages(c.id)
        .filter(
          (m) =>
            !m.deleted &&
            (!m.threadTs || m.threadTs === m.ts || m.subtype === 'thread_broadcast') &&
            range(m) &&
            (before === undefined || parseTs(m.ts) < before),
        )
        .reverse();
      const page = all.slice(0, limit);
      const hasMore = all.length > limit;
      const metadata = bool(ctx.args, 'include_all_metadata');
      const out: Json = {
        messages: page.map((m) => messageJson(ctx.state, m, { metadata })),
        has_more: hasMore,
        pin_count: 0,
        channel_actions_ts: null,
        channel_actions_count: 0,
      };
      if (hasMore) out.response_metadata = { next_cursor: encodeCursor(parseTs(page.at(-1)!.ts)) };
      return out;
    },
  },

  'conversations.replies': {
    tier: 3,
    tokens: ['bot', 'user'],
    handler(ctx) {
      const c = ctx.channel();
      ctx.needFor(c, 'channels:history', 'groups:history');
      if (ctx.token.kind === 'bot') ctx.requireMember(c);
      const anchor = ctx.state.findMessage(c.id, str(ctx.args, 'ts') ?? '');
      if (!anchor) throw fail('thread_not_found');
      const rootTs = anchor.threadTs ?? anchor.ts;
      const root = ctx.state.findMessage(c.id, rootTs);
      if (!root) throw fail('thread_not_found');
      const limit = pageSize(ctx, 1000);
      const after = decodeCursor(str(ctx.args, 'cursor'));
      const range = inRange(ctx);
      const replies = ctx.state
        .replies(c.id, rootTs)
        .filter((m) => range(m) && (after === undefined || parseTs(m.ts) > after));
      // The parent comes first on every page, as on Slack.
      const page = replies.slice(0, Math.max(0, limit - 1));
      const hasMore = replies.length > page.length;
      const metadata = bool(ctx.args, 'include_all_metadata');
      const out: Json = {
        messages: [root, ...page].map((m) => messageJson(ctx.state, m, { metadata })),
        has_more: hasMore,
      };
      if (hasMore) out.response_metadata = { next_cursor: encodeCursor(parseTs(page.at(-1)!.ts)) };
      return out;
    },
  },

  'conversations.join': {
    tier: 3,
    tokens: ['bot', 'user'],
    handler(ctx) {
      const c = ctx.channel();
      if (c.isPrivate) throw fail('method_not_supported_for_channel_type');
      ctx.need(ctx.token.kind === 'bot' ? 'channels:join' : 'channels:write');
      if (c.archived) throw fail('is_archived');
      if (c.members.has(ctx.actor)) {
        return { channel: channelJson(c, ctx.actor), warning: 'already_in_channel' };
      }
      joinChannel(ctx.sim, c, ctx.actor);
      return { channel: channelJson(c, ctx.actor) };
    },
  },
};
